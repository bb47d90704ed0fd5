import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import rule from '../rules/review-date.js';
import type { Report } from '../src/engine/types.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { createProjectContext } from '../src/project/context.js';
import type { ProjectContext } from '../src/project/types.js';
import { gitCallsDuring, removeTemporaryDirectories, TempRepo, temporaryDirectory } from './review-helpers.js';

afterEach(removeTemporaryDirectories);

const policy = (title: string, frontMatter = '') => `---\ntitle: ${title}\ncontrolled_document: true\n${frontMatter}---\n\n# ${title}\n`;

async function check(root: string, paths: string[], options: Record<string, unknown> = {}, project?: ProjectContext): Promise<Report[]> {
  const documents = paths.map((relative) =>
    parseDocumentModel({ path: relative, absPath: path.join(root, relative), source: fs.readFileSync(path.join(root, relative), 'utf8'), documentClass: 'policy' }),
  );
  const reports: Report[] = [];
  await rule.checkProject!({
    options: rule.meta.options.parse(options),
    project: project ?? createProjectContext({ root, now: new Date('2026-03-01T10:00:00Z') }),
    documentClass: 'policy',
    documents,
    report: (report) => reports.push(report),
  });
  return reports;
}

const brief = (reports: Report[]) => reports.map(({ path, line, messageId, severity }) => ({ path, line, messageId, ...(severity ? { severity } : {}) }));

function handbook(): TempRepo {
  return new TempRepo()
    .commit('Add policies', '2025-01-10', {
      'overdue.md': policy('Overdue'),
      'recent.md': policy('Recent'),
      'soon.md': policy('Soon', 'last_reviewed: 2025-03-20\n'),
      'ok.md': policy('Ok', 'last_reviewed: 7 January 2026\n'),
      'typo.md': policy('Typo', 'owner: x\nlast_reviewed: 31/12/2025\n'),
      'future.md': policy('Future', 'last_reviewed: 2026-03-02\n'),
    })
    .commit('Annual review of recent', '2025-12-01', { 'recent.md': policy('Recent', '') + '\nReviewed.\n' })
    .commit('Fix typo', '2026-01-05', { 'overdue.md': policy('Overdue') + '\nTypo fixed.\n' })
    .write({ 'draft.md': policy('Draft') });
}

const ALL = ['draft.md', 'future.md', 'ok.md', 'overdue.md', 'recent.md', 'soon.md', 'typo.md'];

describe('review-date', () => {
  it('reports overdue, due-soon and unusable dates, each once, in path order', async () => {
    const repo = handbook();
    const reports = await check(repo.root, [...ALL].reverse(), { ignoreCommitPattern: '/^fix typo/im' });
    expect(brief(reports)).toEqual([
      { path: 'future.md', line: 4, messageId: 'futureDate' },
      { path: 'overdue.md', line: 2, messageId: 'overdue' },
      { path: 'soon.md', line: 4, messageId: 'dueSoon', severity: 'warn' },
      { path: 'typo.md', line: 5, messageId: 'invalidDate' },
    ]);
    const byPath = Object.fromEntries(reports.map((report) => [report.path, report]));
    expect(byPath['overdue.md']).toMatchObject({ data: { late: '50 days', due: '2026-01-10' } });
    expect(byPath['overdue.md']!.details).toMatch(
      /^Last reviewed 2025-01-10 \(last commit [0-9a-f]{8}\)\. Have its owners review and approve it, then merge a change to it\.$/,
    );
    expect(byPath['soon.md']).toMatchObject({
      data: { when: 'in 19 days', due: '2026-03-20' },
      details: 'Last reviewed 2025-03-20 (`last_reviewed` in front matter). Have its owners review and approve it, then update the review date in the front matter.',
    });
    expect(byPath['typo.md']).toMatchObject({ data: { field: 'last_reviewed' } });
    expect(byPath['typo.md']!.details).toMatch(/^"31\/12\/2025" is ambiguous/);
    expect(byPath['future.md']).toMatchObject({ data: { field: 'last_reviewed', date: '2026-03-02' } });
    // A document new in the change is reviewed by that change.
    expect(byPath['draft.md']).toBeUndefined();
  });

  it('counts a typo fix as a review unless the pattern says otherwise, and can make due-soon an error or silent', async () => {
    const repo = handbook();
    expect(brief(await check(repo.root, ['overdue.md']))).toEqual([]);
    expect(brief(await check(repo.root, ['soon.md'], { dueSoonSeverity: 'error' }))).toEqual([{ path: 'soon.md', line: 4, messageId: 'dueSoon', severity: 'error' }]);
    expect(await check(repo.root, ['soon.md'], { warnDays: 0 })).toEqual([]);
    const everyChangeIgnored = await check(repo.root, ['overdue.md'], { ignoreCommitPattern: '/fix typo|add policies/i' });
    expect(brief(everyChangeIgnored)).toEqual([{ path: 'overdue.md', line: 2, messageId: 'noCountedCommit' }]);
    // Plain text is a substring of the message, ignoring case.
    expect(brief(await check(repo.root, ['overdue.md'], { ignoreCommitPattern: 'FIX TYPO' }))).toEqual([{ path: 'overdue.md', line: 2, messageId: 'overdue' }]);
  });

  it('reports an unreliable shallow clone once, with the fix, not once per document', async () => {
    const repo = handbook();
    const clone = temporaryDirectory('policylint-shallow-rule-');
    repo.git(['clone', '-q', '--depth', '1', `file://${repo.root}`, clone]);
    const reports = await check(clone, ['overdue.md', 'recent.md', 'soon.md']);
    // soon.md takes its date from front matter, so the clone's depth does not matter for it.
    expect(brief(reports)).toEqual([
      { path: 'soon.md', line: 4, messageId: 'dueSoon', severity: 'warn' },
      { path: 'overdue.md', line: 2, messageId: 'shallowClone' },
    ]);
    expect(reports[1]!.details).toBe(
      'The clone is shallow, so the commit that last changed the document may be missing: set `GIT_DEPTH: 0` under `variables:` in .gitlab-ci.yml (or run `git fetch --unshallow` locally).\nThe same holds for 1 other document.',
    );
  });

  it('reports a missing repository once, and never asks git when front matter has every date', async () => {
    const plain = temporaryDirectory('policylint-plain-');
    fs.writeFileSync(path.join(plain, 'a.md'), policy('A'));
    fs.writeFileSync(path.join(plain, 'b.md'), policy('B'));
    fs.writeFileSync(path.join(plain, 'c.md'), policy('C', 'last_reviewed: 2026-02-01\n'));
    expect(brief(await check(plain, ['a.md', 'b.md', 'c.md']))).toEqual([{ path: 'a.md', line: 2, messageId: 'notAGitRepository' }]);

    let reports: Report[] = [];
    const calls = await gitCallsDuring(async () => (reports = await check(plain, ['c.md'])));
    expect(reports).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('loads history with a fixed number of git calls however many documents, once per project', async () => {
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`policies/p${String(i).padStart(2, '0')}.md`, policy(`P${i}`)]));
    const repo = new TempRepo().commit('Add', '2025-01-01', files);
    const project = createProjectContext({ root: repo.root, now: new Date('2026-03-01') });
    let reports: Report[] = [];
    const calls = await gitCallsDuring(async () => {
      reports = await check(repo.root, Object.keys(files), {}, project);
      // A second class over the same documents (or the reviews command) reuses the memo.
      await check(repo.root, Object.keys(files), {}, project);
    });
    expect(reports.map((report) => report.messageId)).toEqual(Array(60).fill('overdue'));
    expect(calls).toHaveLength(2);
  });

  it('rejects options that cannot work', () => {
    expect(() => rule.meta.options.parse({ ignoreCommitPattern: '/(/' })).toThrow(/invalid regular expression/);
    // Once a bare regular expression: one that reads as such must now be written /source/flags.
    expect(() => rule.meta.options.parse({ ignoreCommitPattern: '^fix typo' })).toThrow('write /^fix typo/im');
    expect(() => rule.meta.options.parse({ fields: [{ field: 'x', format: 'ymd' }] })).toThrow();
    expect(() => rule.meta.options.parse({ maxAgeDays: 0 })).toThrow();
    expect(rule.meta.options.parse({})).toEqual({ maxAgeDays: 365, warnDays: 30, dueSoonSeverity: 'warn', fields: ['last_reviewed'], source: 'auto' });
  });
});
