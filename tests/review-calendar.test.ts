import { describe, expect, it } from 'vitest';
import { type CalendarEntry, dueWithin, formatCalendar } from '../src/reviews/calendar.js';

const entries: CalendarEntry[] = [
  {
    path: 'policies/isms.md',
    title: 'ISMS, "core" | scope',
    lastReviewed: '2025-10-07',
    source: 'frontmatter',
    due: '2026-10-07',
    status: 'overdue',
    owners: ['@ciso', '@cfo'],
    daysLeft: -51,
  },
  {
    path: 'policies/privacy.md',
    title: '=HYPERLINK("http://x")',
    lastReviewed: '2025-12-10',
    source: 'git',
    due: '2026-12-10',
    status: 'due-soon',
    owners: [],
    daysLeft: 13,
  },
  { path: 'policies/a\\b.md', title: '-1+1', lastReviewed: '2026-01-15', source: 'git', due: '2027-01-15', status: 'ok', owners: ['@legal'], daysLeft: 49 },
  { path: 'policies/draft.md', title: null, lastReviewed: null, source: null, due: null, status: 'unknown', owners: [], daysLeft: null },
];

describe('formatCalendar', () => {
  it('writes JSON with exactly the documented fields', () => {
    expect(JSON.parse(formatCalendar(entries.slice(0, 1), 'json'))).toEqual([
      {
        path: 'policies/isms.md',
        title: 'ISMS, "core" | scope',
        lastReviewed: '2025-10-07',
        source: 'frontmatter',
        due: '2026-10-07',
        status: 'overdue',
        owners: ['@ciso', '@cfo'],
      },
    ]);
  });

  it('writes RFC 4180 CSV that spreadsheets will not run as formulas', () => {
    expect(formatCalendar(entries, 'csv')).toBe(
      [
        'Due,Status,Last reviewed,Source,Path,Title,Owners',
        `2026-10-07,overdue,2025-10-07,frontmatter,policies/isms.md,"ISMS, ""core"" | scope",'@ciso @cfo`,
        `2026-12-10,due-soon,2025-12-10,git,policies/privacy.md,"'=HYPERLINK(""http://x"")",`,
        `2027-01-15,ok,2026-01-15,git,policies/a\\b.md,'-1+1,'@legal`,
        ',unknown,,,policies/draft.md,,',
        '',
      ].join('\r\n'),
    );
  });

  it('writes a Markdown table with pipes and backslashes escaped and owners as code, which mentions nobody', () => {
    const lines = formatCalendar(entries, 'markdown').split('\n');
    expect(lines.slice(0, 2)).toEqual(['| Due | Status | Last reviewed | Source | Path | Title | Owners |', '| --- | --- | --- | --- | --- | --- | --- |']);
    expect(lines[2]).toBe('| 2026-10-07 | overdue | 2025-10-07 | frontmatter | policies/isms.md | ISMS, "core" \\| scope | `@ciso` `@cfo` |');
    expect(lines[4]).toBe('| 2027-01-15 | ok | 2026-01-15 | git | policies/a\\\\b.md | -1+1 | `@legal` |');
    // Every row has the header's seven cells once escaped pipes are set aside.
    for (const line of lines.filter(Boolean)) expect(line.replace(/\\\\/g, '').split(/(?<!\\)\|/).length - 2).toBe(7);
  });

  it('aligns text columns and sums up the statuses', () => {
    expect(formatCalendar(entries.slice(2), 'text')).toBe(
      [
        'DUE         STATUS   LAST REVIEWED  SOURCE  PATH               TITLE  OWNERS',
        '2027-01-15  ok       2026-01-15     git     policies/a\\b.md    -1+1   @legal',
        '-           unknown  -              -       policies/draft.md  -      -',
        '',
        '2 documents: 0 overdue, 0 due soon, 1 ok, 1 unknown',
        '',
      ].join('\n'),
    );
  });
});

describe('dueWithin', () => {
  it('keeps overdue documents and those due within the window, never unknown ones', () => {
    expect(dueWithin(entries, 13).map((entry) => entry.path)).toEqual(['policies/isms.md', 'policies/privacy.md']);
    expect(dueWithin(entries, 12).map((entry) => entry.path)).toEqual(['policies/isms.md']);
    expect(dueWithin(entries, 0).map((entry) => entry.path)).toEqual(['policies/isms.md']);
  });
});
