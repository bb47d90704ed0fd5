import type { z } from 'zod';
import reviewDate from '../../rules/review-date.js';
import type { CodeownersFile } from '../codeowners/types.js';
import type { PreparedRun } from '../engine/run.js';
import { ruleSettingFor } from '../engine/rules.js';
import { byPath } from '../util/paths.js';
import { csvTable, markdownCode, markdownTable, textTable } from '../util/table.js';
import { plural } from '../util/text.js';
import { formatDay } from './dates.js';
import { CALENDAR_FORMATS } from './formats.js';
import { type ReviewSource, type ReviewState, reviewDocuments, statusCounts } from './status.js';

/** One controlled document in the review calendar; the JSON output is exactly these fields but `daysLeft`. */
export interface CalendarEntry {
  path: string;
  title: string | null;
  lastReviewed: string | null;
  source: ReviewSource | null;
  due: string | null;
  status: ReviewState;
  /** CODEOWNERS owners of the document across every matching section, as written, first appearance first. */
  owners: string[];
  daysLeft: number | null;
}

export { CALENDAR_FORMATS };
export type CalendarFormat = (typeof CALENDAR_FORMATS)[number];

function ownersOf(codeowners: CodeownersFile | null, path: string): string[] {
  const owners = codeowners?.match(path).flatMap((match) => match.entry.owners.map((owner) => owner.text)) ?? [];
  return [...new Set(owners)];
}

/** Earliest due first; documents with an unknown date last; ties by path. */
function byDueDate(a: CalendarEntry, b: CalendarEntry): number {
  if (a.due !== b.due) {
    if (a.due === null) return 1;
    if (b.due === null) return -1;
    return a.due < b.due ? -1 : 1;
  }
  return byPath(a, b);
}

/** Review status of every document whose class has `review-date` switched on, with that class's options. */
export async function buildCalendar(prepared: PreparedRun): Promise<CalendarEntry[]> {
  const { config, project } = prepared;
  const items = prepared.documents.flatMap((doc) => {
    const setting = ruleSettingFor(config, doc, reviewDate.meta.id);
    if (!setting || setting.severity === 'off') return [];
    // Parsed (patterns compiled) when the config was loaded.
    return [{ doc, options: setting.options as z.output<typeof reviewDate.meta.options> }];
  });
  const reviews = await reviewDocuments(project, items);
  const codeowners = await project.codeowners();
  const prefix = await project.codeownersPrefix();
  const entries = items.map(({ doc }, index): CalendarEntry => {
    const review = reviews[index]!;
    return {
      path: doc.path,
      title: doc.title ?? null,
      lastReviewed: review.lastReviewed && formatDay(review.lastReviewed),
      source: review.source,
      due: review.due && formatDay(review.due),
      status: review.status,
      owners: ownersOf(codeowners, prefix + doc.path),
      daysLeft: review.daysLeft,
    };
  });
  return entries.sort(byDueDate);
}

/** Documents due within `days` days, overdue ones included; documents with an unknown date have no due date to compare. */
/** Whether a document is due within `days` days, overdue ones included. */
export function isDueWithin(entry: Pick<CalendarEntry, 'daysLeft'>, days: number): boolean {
  return entry.daysLeft !== null && entry.daysLeft <= days;
}

export function dueWithin(entries: readonly CalendarEntry[], days: number): CalendarEntry[] {
  return entries.filter((entry) => isDueWithin(entry, days));
}

const COLUMNS = ['Due', 'Status', 'Last reviewed', 'Source', 'Path', 'Title', 'Owners'] as const;

/** `owner` writes each owner. */
function cells(entry: CalendarEntry, owner: (text: string) => string = (text) => text): string[] {
  return [entry.due ?? '', entry.status, entry.lastReviewed ?? '', entry.source ?? '', entry.path, entry.title ?? '', entry.owners.map(owner).join(' ')];
}

function calendarText(entries: readonly CalendarEntry[]): string {
  const total = `${plural(entries.length, 'document')}: ${statusCounts(entries)}`;
  return `${textTable(
    COLUMNS.map((column) => column.toUpperCase()),
    entries.map((entry) => cells(entry)),
  )}\n${total}\n`;
}

export function formatCalendar(entries: readonly CalendarEntry[], format: CalendarFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(
        entries.map(({ path, title, lastReviewed, source, due, status, owners }) => ({ path, title, lastReviewed, source, due, status, owners })),
        null,
        2,
      )}\n`;
    case 'csv':
      return csvTable(
        COLUMNS,
        entries.map((entry) => cells(entry)),
      );
    case 'markdown':
      // Owners as code, as in the register: pasted into an issue, `@group` would otherwise notify every member.
      return markdownTable(
        COLUMNS,
        entries.map((entry) => cells(entry, markdownCode)),
      );
    case 'text':
      return calendarText(entries);
  }
}
