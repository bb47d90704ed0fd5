import { describe, expect, it } from 'vitest';
import { parseDocumentModel } from '../src/model/parse.js';
import { type ReviewOptions, reviewStatus } from '../src/reviews/status.js';

const OPTIONS: ReviewOptions = { maxAgeDays: 365, warnDays: 30, fields: ['last_reviewed'], source: 'auto' };

const doc = (frontMatter: string) =>
  parseDocumentModel({ path: 'p.md', absPath: '/p.md', source: `---\ntitle: P\n${frontMatter}---\n# P\n`, documentClass: 'policy' });

const statusOn = (now: string, options: Partial<ReviewOptions> = {}, lastReviewed = '2025-11-27') => {
  const review = reviewStatus(doc(`last_reviewed: ${lastReviewed}\n`), { ...OPTIONS, ...options }, new Date(now), null);
  return { status: review.status, daysLeft: review.daysLeft, due: review.due?.toISOString().slice(0, 10) };
};

describe('reviewStatus boundaries', () => {
  it.each([
    ['2026-10-27T23:59:59Z', 'ok', 31],
    ['2026-10-28', 'due-soon', 30],
    ['2026-11-27T00:00:00Z', 'due-soon', 0],
    // Exactly 365 days later is the due day itself: due, not yet overdue, all day long.
    ['2026-11-27T23:59:59Z', 'due-soon', 0],
    ['2026-11-28', 'overdue', -1],
    ['2027-11-28', 'overdue', -366],
  ] as const)('on %s the document is %s (%i days left)', (now, status, daysLeft) => {
    expect(statusOn(now)).toEqual({ status, daysLeft, due: '2026-11-27' });
  });

  it('has no due-soon window when warnDays is 0, and honours maxAgeDays', () => {
    expect(statusOn('2026-11-27', { warnDays: 0 }).status).toBe('ok');
    expect(statusOn('2026-11-28', { warnDays: 0 }).status).toBe('overdue');
    expect(statusOn('2026-05-27', { maxAgeDays: 180 })).toEqual({ status: 'overdue', daysLeft: -1, due: '2026-05-26' });
  });

  it('counts days across a leap day', () => {
    expect(statusOn('2025-02-28', {}, '2024-02-29')).toEqual({ status: 'due-soon', daysLeft: 0, due: '2025-02-28' });
  });

  it('accepts a review dated today and rejects one dated tomorrow at the field', () => {
    expect(statusOn('2025-11-27T08:00:00Z').status).toBe('ok');
    const future = reviewStatus(doc('owner: x\nlast_reviewed: 2025-11-28\n'), OPTIONS, new Date('2025-11-27T23:00:00Z'), null);
    expect(future).toMatchObject({ status: 'unknown', line: 4, problem: { kind: 'futureDate', data: { field: 'last_reviewed', date: '2025-11-28' } } });
    expect(future.problem?.details).toBe('Today is 2025-11-27. A review date records a review that happened: set it to the date of the last review.');
  });

  it('needs the field with source frontmatter, and ignores it with source git', () => {
    const missing = reviewStatus(doc('owner: x\n'), { ...OPTIONS, source: 'frontmatter', fields: ['last_reviewed', 'reviewed'] }, new Date('2026-01-01'), null);
    expect(missing).toMatchObject({
      status: 'unknown',
      line: 2,
      problem: { kind: 'missingDate', details: 'Set `last_reviewed` or `reviewed` in the front matter to the date of the last review.' },
    });
    const gitOnly = reviewStatus(doc('last_reviewed: 2025-11-27\n'), { ...OPTIONS, source: 'git' }, new Date('2026-01-01'), null);
    expect(gitOnly).toMatchObject({ status: 'unknown', problem: { kind: 'notAGitRepository' } });
  });
});
