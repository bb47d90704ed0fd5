import type { DocumentModel } from '../model/types.js';

/**
 * Review dates are calendar days. A day is a `Date` at UTC midnight, so arithmetic never
 * crosses a daylight-saving change and the same input gives the same day on every runner.
 */
const DAY_MS = 24 * 60 * 60 * 1000;

export const DATE_FORMATS = ['auto', 'iso', 'dmy', 'mdy'] as const;
/** `auto` and `iso` never guess the order of an all-numeric date; `dmy`/`mdy` say which order to read. */
export type DateFormat = (typeof DATE_FORMATS)[number];

/** A front-matter field holding a review date; a bare name reads it with format `auto`. */
export type DateField = string | { field: string; format?: DateFormat };

export function fieldName(field: DateField): string {
  return typeof field === 'string' ? field : field.field;
}

export type DateParse = { date: Date } | { error: string };

export function utcDay(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  // Date.UTC rolls 2025-02-30 over into March; a real calendar day round-trips.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return date;
}

/** The UTC calendar day of an instant. */
export function dayOf(instant: Date): Date {
  return new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate()));
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((dayOf(to).getTime() - dayOf(from).getTime()) / DAY_MS);
}

export function formatDay(day: Date): string {
  return day.toISOString().slice(0, 10);
}

const MONTHS = new Map<string, number>(
  ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'].flatMap((name, index) => [
    [name, index + 1],
    [name.slice(0, 3), index + 1],
  ]),
);
MONTHS.set('sept', 9);

// A time of day and zone may follow any form; the review day is the date as written, whatever the zone.
const TIME = String.raw`(?:(?:[T ]|,?\s+)(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?\s*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2})?)?`;
const ISO = new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${TIME}$`, 'i');
const DAY_MONTH_NAME_YEAR = new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})${TIME}$`, 'i');
const MONTH_NAME_DAY_YEAR = new RegExp(String.raw`^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}$`, 'i');
const NUMERIC = new RegExp(String.raw`^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})${TIME}$`, 'i');

export function acceptedFormats(format: DateFormat): string {
  const iso = 'YYYY-MM-DD, optionally with a time (2025-10-07, 2025-10-07T19:17:00Z)';
  if (format === 'iso') return iso;
  const named = `${iso}, or a day, month name and year (7 October 2025, 07 Oct 2025 19:17, October 7, 2025)`;
  if (format === 'dmy') return `${named}, or day/month/year (7/10/2025)`;
  if (format === 'mdy') return `${named}, or month/day/year (10/7/2025)`;
  return named;
}

function day(year: string, month: number | undefined, dayOfMonth: string, written: string, format: DateFormat): DateParse {
  const date = month === undefined ? null : utcDay(Number(year), month, Number(dayOfMonth));
  return date ? { date } : { error: `"${written}" is not a calendar date; accepted: ${acceptedFormats(format)}` };
}

/** Reads a front-matter value as a calendar day; YAML may hand over a string or (with timestamp schemas) a Date. */
export function parseDate(value: unknown, format: DateFormat): DateParse {
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? { error: `not a valid date; accepted: ${acceptedFormats(format)}` } : { date: dayOf(value) };
  }
  if (typeof value !== 'string') {
    return { error: `${JSON.stringify(value)} is not a date; accepted: ${acceptedFormats(format)}` };
  }
  const text = value.trim();
  const iso = ISO.exec(text);
  if (iso) return day(iso[1]!, Number(iso[2]), iso[3]!, text, format);
  if (format !== 'iso') {
    const dmy = DAY_MONTH_NAME_YEAR.exec(text);
    if (dmy) return day(dmy[3]!, MONTHS.get(dmy[2]!.toLowerCase()), dmy[1]!, text, format);
    const mdy = MONTH_NAME_DAY_YEAR.exec(text);
    if (mdy) return day(mdy[3]!, MONTHS.get(mdy[1]!.toLowerCase()), mdy[2]!, text, format);
    const numeric = NUMERIC.exec(text);
    if (numeric) {
      const [, first, , second, year] = numeric as unknown as [string, string, string, string, string];
      if (format === 'dmy') return day(year, Number(second), first, text, format);
      if (format === 'mdy') return day(year, Number(first), second, text, format);
      return {
        error: `"${text}" is ambiguous (day/month or month/day?): write ${year}-MM-DD, or set the field's format to dmy or mdy`,
      };
    }
  }
  return { error: `"${text}" is not a date; accepted: ${acceptedFormats(format)}` };
}

export type FrontMatterDate =
  { kind: 'found'; field: string; line: number; date: Date } | { kind: 'invalid'; field: string; line: number; error: string } | { kind: 'absent' };

/** The first configured field the front matter sets decides; later fields are fallbacks, not rivals. */
export function readFrontMatterDate(doc: Pick<DocumentModel, 'frontMatter' | 'titleLine'>, fields: readonly DateField[]): FrontMatterDate {
  const data = doc.frontMatter.data;
  if (!data) return { kind: 'absent' };
  for (const setting of fields) {
    const field = fieldName(setting);
    const format = typeof setting === 'string' ? 'auto' : (setting.format ?? 'auto');
    const value = data[field];
    if (value === undefined || value === null || value === '') continue;
    const line = doc.frontMatter.keyLines.get(field) ?? doc.titleLine;
    const parsed = parseDate(value, format);
    if ('error' in parsed) return { kind: 'invalid', field, line, error: parsed.error };
    return { kind: 'found', field, line, date: parsed.date };
  }
  return { kind: 'absent' };
}
