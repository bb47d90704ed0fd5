import { describe, expect, it } from 'vitest';
import { type DateFormat, parseDate, readFrontMatterDate } from '../src/reviews/dates.js';
import { parseDocumentModel } from '../src/model/parse.js';

const day = (value: unknown, format: DateFormat = 'auto') => {
  const parsed = parseDate(value, format);
  return 'date' in parsed ? parsed.date.toISOString().slice(0, 10) : `error: ${parsed.error}`;
};

describe('parseDate', () => {
  it.each([
    ['2025-10-07', 'auto', '2025-10-07'],
    ['2025-10-07T19:17:00Z', 'auto', '2025-10-07'],
    // The day as written, whatever the zone: a late-evening review in New York is still that day's review.
    ['2025-10-07T23:30:00-05:00', 'iso', '2025-10-07'],
    ['2025-10-07 19:17', 'auto', '2025-10-07'],
    ['2025-10-07T19:17:00.123+02:00', 'auto', '2025-10-07'],
    ['7 October 2025 19:17', 'auto', '2025-10-07'],
    ['07 Oct 2025', 'auto', '2025-10-07'],
    ['7th Sept. 2025', 'auto', '2025-09-07'],
    ['October 7, 2025', 'auto', '2025-10-07'],
    ['Oct 7 2025 09:30 UTC', 'auto', '2025-10-07'],
    ['7 october 2025', 'dmy', '2025-10-07'],
    ['7/10/2025', 'dmy', '2025-10-07'],
    ['07.10.2025', 'dmy', '2025-10-07'],
    ['7/10/2025', 'mdy', '2025-07-10'],
    ['10-7-2025 19:17', 'mdy', '2025-10-07'],
    ['2024-02-29', 'auto', '2024-02-29'],
    [new Date('2025-10-07T19:17:00Z'), 'auto', '2025-10-07'],
  ] as const)('%s (%s) is %s', (value, format, expected) => {
    expect(day(value, format)).toBe(expected);
  });

  it('refuses to guess the order of an all-numeric date', () => {
    expect(day('7/10/2025')).toBe('error: "7/10/2025" is ambiguous (day/month or month/day?): write 2025-MM-DD, or set the field\'s format to dmy or mdy');
  });

  it('says which formats it accepts', () => {
    expect(day('next Tuesday')).toBe(
      'error: "next Tuesday" is not a date; accepted: YYYY-MM-DD, optionally with a time (2025-10-07, 2025-10-07T19:17:00Z), or a day, month name and year (7 October 2025, 07 Oct 2025 19:17, October 7, 2025)',
    );
    expect(day('7 October 2025', 'iso')).toBe(
      'error: "7 October 2025" is not a date; accepted: YYYY-MM-DD, optionally with a time (2025-10-07, 2025-10-07T19:17:00Z)',
    );
    expect(day('13/13/2025', 'dmy')).toMatch(/^error: "13\/13\/2025" is not a calendar date; accepted: .*or day\/month\/year \(7\/10\/2025\)$/);
  });

  it.each([['2025-02-29'], ['2025-13-01'], ['31 June 2025'], ['7 Smarch 2025'], ['25-10-07'], ['2025-10-07T25:00'], ['20251007']])('rejects %s', (value) => {
    expect(day(value)).toMatch(/^error: /);
  });

  it('rejects values that are not text or dates', () => {
    expect(day(20251007)).toMatch(/^error: 20251007 is not a date/);
    expect(day(new Date(Number.NaN))).toMatch(/^error: not a valid date/);
  });
});

describe('readFrontMatterDate', () => {
  const doc = (frontMatter: string) =>
    parseDocumentModel({ path: 'p.md', absPath: '/p.md', source: `---\ntitle: P\n${frontMatter}---\n# P\n`, documentClass: 'policy' });

  it('reads the first configured field that is set, at its line, with its format', () => {
    const fields = ['last_reviewed', { field: 'reviewed', format: 'dmy' as const }];
    expect(readFrontMatterDate(doc('reviewed: 7/10/2025\n'), fields)).toEqual({
      kind: 'found',
      field: 'reviewed',
      line: 3,
      date: new Date('2025-10-07T00:00:00Z'),
    });
    expect(readFrontMatterDate(doc('last_reviewed: 2025-01-02\nreviewed: 7/10/2025\n'), fields)).toMatchObject({ field: 'last_reviewed', line: 3 });
    expect(readFrontMatterDate(doc('last_reviewed:\nreviewed: 7/10/2025\n'), fields)).toMatchObject({ field: 'reviewed', line: 4 });
  });

  it('reports an unparseable value at its key, and treats a missing field as absent', () => {
    expect(readFrontMatterDate(doc('owner: x\nlast_reviewed: soon\n'), ['last_reviewed'])).toEqual({
      kind: 'invalid',
      field: 'last_reviewed',
      line: 4,
      error: expect.stringMatching(/^"soon" is not a date; accepted: YYYY-MM-DD/),
    });
    expect(readFrontMatterDate(doc('owner: x\n'), ['last_reviewed'])).toEqual({ kind: 'absent' });
  });
});
