import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import rule from '../../rules/review-date.js';
import { lint } from '../../src/engine/run.js';
import type { Report } from '../../src/engine/types.js';
import { parseDocumentModel } from '../../src/model/parse.js';
import { createProjectContext } from '../../src/project/context.js';
import { gitCallsDuring, removeTemporaryDirectories, TempRepo, temporaryDirectory } from '../review-helpers.js';
import { ruleTester, type TesterCommit } from '../support/rule-tester.js';

const policy = (title: string, frontMatter = '') => `---\ntitle: ${title}\ncontrolled_document: true\n${frontMatter}---\n\n# ${title}\n`;
const NOW = '2026-03-01T10:00:00Z';

const handbookHistory: TesterCommit[] = [
  {
    message: 'Add policies',
    date: '2025-01-10',
    files: {
      'overdue.md': policy('Overdue'),
      'recent.md': policy('Recent'),
      'soon.md': policy('Soon', 'last_reviewed: 2025-03-20\n'),
      'ok.md': policy('Ok', 'last_reviewed: 7 January 2026\n'),
      'typo.md': policy('Typo', 'owner: x\nlast_reviewed: 31/12/2025\n'),
      'future.md': policy('Future', 'last_reviewed: 2026-03-02\n'),
    },
  },
  { message: 'Annual review of recent', date: '2025-12-01', files: { 'recent.md': policy('Recent') + '\nReviewed.\n' } },
  { message: 'Fix typo', date: '2026-01-05', files: { 'overdue.md': policy('Overdue') + '\nTypo fixed.\n' } },
];
/** The history, and a document new in the change: a new document is reviewed by that change. */
const handbook = { commits: handbookHistory, files: { 'draft.md': policy('Draft') }, now: NOW };

ruleTester(rule, {
  valid: [
    { name: 'a typo fix counts as a review unless the pattern says otherwise', ...handbook, select: { paths: ['overdue.md', 'draft.md'] } },
    { name: 'no due-soon notice with warnDays 0', ...handbook, select: { paths: ['soon.md'] }, options: { warnDays: 0 } },
  ],
  invalid: [
    {
      name: 'overdue, due-soon and unusable dates, each once, in path order',
      ...handbook,
      options: { ignoreCommitPattern: '/^fix typo/im' },
      errors: [
        { path: 'future.md', line: 4, messageId: 'futureDate', data: { field: 'last_reviewed', date: '2026-03-02' } },
        {
          path: 'overdue.md',
          line: 2,
          messageId: 'overdue',
          data: { late: '50 days', due: '2026-01-10' },
          details: /^Last reviewed 2025-01-10 \(last commit [0-9a-f]{8}\)\. Have its owners review and approve it, then merge a change to it\.$/,
        },
        {
          path: 'soon.md',
          line: 4,
          messageId: 'dueSoon',
          severity: 'warn',
          data: { when: 'in 19 days', due: '2026-03-20' },
          details:
            'Last reviewed 2025-03-20 (`last_reviewed` in front matter). Have its owners review and approve it, then update the review date in the front matter.',
        },
        { path: 'typo.md', line: 5, messageId: 'invalidDate', data: { field: 'last_reviewed' }, details: /^"31\/12\/2025" is ambiguous/ },
      ],
    },
    {
      name: 'due-soon as an error',
      ...handbook,
      select: { paths: ['soon.md'] },
      options: { dueSoonSeverity: 'error' },
      errors: [{ path: 'soon.md', line: 4, messageId: 'dueSoon', severity: 'error' }],
    },
    {
      name: 'every change ignored',
      ...handbook,
      select: { paths: ['overdue.md'] },
      options: { ignoreCommitPattern: '/fix typo|add policies/i' },
      errors: [{ path: 'overdue.md', line: 2, messageId: 'noCountedCommit' }],
    },
    {
      name: 'plain text is a substring of the commit message, ignoring case',
      ...handbook,
      select: { paths: ['overdue.md'] },
      options: { ignoreCommitPattern: 'FIX TYPO' },
      errors: [{ path: 'overdue.md', line: 2, messageId: 'overdue' }],
    },
    {
      name: 'a missing repository, once',
      files: { 'a.md': policy('A'), 'b.md': policy('B'), 'c.md': policy('C', 'last_reviewed: 2026-02-01\n') },
      now: NOW,
      errors: [{ path: 'a.md', line: 2, messageId: 'notAGitRepository' }],
    },
  ],
  invalidOptions: [
    { options: { ignoreCommitPattern: '/(/' }, error: /invalid regular expression/ },
    // Once a bare regular expression: one that reads as such must now be written /source/flags.
    { options: { ignoreCommitPattern: '^fix typo' }, error: /write \/\^fix typo\/im/ },
    { options: { fields: [{ field: 'x', format: 'ymd' }] }, error: /format/ },
    { options: { maxAgeDays: 0 }, error: /maxAgeDays|>=|too small/i },
  ],
});

describe('review-date beyond the table', () => {
  afterEach(removeTemporaryDirectories);
  const now = new Date(NOW);

  it('has these defaults', () => {
    expect(rule.meta.options.parse({})).toEqual({ maxAgeDays: 365, warnDays: 30, dueSoonSeverity: 'warn', fields: ['last_reviewed'], source: 'auto' });
  });

  it('reports an unreliable shallow clone once, with the fix, not once per document', async () => {
    const repo = new TempRepo();
    for (const commit of handbookHistory) repo.commit(commit.message!, commit.date, commit.files);
    const clone = temporaryDirectory('policylint-shallow-rule-');
    repo.git(['clone', '-q', '--depth', '1', `file://${repo.root}`, clone]);
    fs.writeFileSync(
      path.join(clone, '.policylint.yml'),
      JSON.stringify({ classes: { policy: { paths: ['overdue.md', 'recent.md', 'soon.md'], rules: { 'review-date': 'error' } } } }),
    );
    const { findings } = await lint({ cwd: clone, now });
    // soon.md takes its date from front matter, so the clone's depth does not matter for it.
    expect(findings.map(({ path: file, line, messageId, severity }) => ({ file, line, messageId, severity }))).toEqual([
      { file: 'overdue.md', line: 2, messageId: 'shallowClone', severity: 'error' },
      { file: 'soon.md', line: 4, messageId: 'dueSoon', severity: 'warn' },
    ]);
    expect(findings[0]!.details).toBe(
      'The clone is shallow, so the commit that last changed the document may be missing: set `GIT_DEPTH: 0` under `variables:` in .gitlab-ci.yml (or run `git fetch --unshallow` locally).\nThe same holds for 1 other document.',
    );
  });

  it('never asks git when front matter has every date', async () => {
    const plain = temporaryDirectory('policylint-plain-');
    fs.writeFileSync(path.join(plain, 'c.md'), policy('C', 'last_reviewed: 2026-02-01\n'));
    fs.writeFileSync(path.join(plain, '.policylint.yml'), JSON.stringify({ classes: { policy: { rules: { 'review-date': 'error' } } } }));
    let findings: unknown[] = [];
    const calls = await gitCallsDuring(async () => ({ findings } = await lint({ cwd: plain, now })));
    expect(findings).toEqual([]);
    // The engine may look for the work tree (where CODEOWNERS is); the rule itself asks nothing.
    expect(calls.filter((call) => call !== 'rev-parse --show-toplevel')).toEqual([]);
  });

  it('loads history with a fixed number of git calls however many documents, once per project', async () => {
    const files = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`policies/p${String(i).padStart(2, '0')}.md`, policy(`P${i}`)]));
    const repo = new TempRepo().commit('Add', '2025-01-01', files);
    const project = createProjectContext({ root: repo.root, now });
    const documents = Object.keys(files).map((relative) =>
      parseDocumentModel({ path: relative, absPath: path.join(repo.root, relative), source: files[relative]!, documentClass: 'policy' }),
    );
    const reports: Report[] = [];
    const check = () =>
      rule.checkProject!({ options: rule.meta.options.parse({}), project, documentClass: 'policy', documents, report: (report) => reports.push(report) });
    // A second class over the same documents (or the reviews command) reuses the memo.
    const calls = await gitCallsDuring(async () => {
      await check();
      await check();
    });
    expect(reports.map((report) => report.messageId)).toEqual(Array(120).fill('overdue'));
    expect(calls).toHaveLength(2);
  });
});
