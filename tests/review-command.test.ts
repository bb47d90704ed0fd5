import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ReviewsCommandInput, runReviewsCommand } from '../src/cli/commands/reviews.js';
import { ConfigError } from '../src/config/errors.js';
import { loggingGit, policy, removeTemporaryDirectories, TempRepo } from './review-helpers.js';

// End to end through the real binary; needs `npm run build` first (`npm test` runs it).
const bin = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'policylint.js');

const CONFIG = `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
      review-date: [error, { ignoreCommitPattern: "/^fix typo/im" }]
`;

const CODEOWNERS = `[Controlled Documents]
/content/handbook/security/ @ciso @security-team
/content/handbook/security/isms.md @ciso @cfo
/content/handbook/legal/ @legal

[Security]
/content/handbook/security/ @security-team @ciso
`;

let repo: TempRepo;

beforeAll(() => {
  repo = new TempRepo()
    .commit('Add handbook', '2025-01-10', {
      '.policylint.yml': CONFIG,
      '.gitlab/CODEOWNERS': CODEOWNERS,
      'content/handbook/security/isms.md': policy('ISMS', 'last_reviewed: 7 October 2025\n'),
      'content/handbook/security/access control.md': policy('Access, "Control"'),
      'content/handbook/legal/privacy.md': policy('=Privacy'),
      'content/handbook/misc/notes.md': '# Not controlled\n',
    })
    .commit('Review access control', '2026-01-15', { 'content/handbook/security/access control.md': policy('Access, "Control"', 'owner: ciso\n') })
    .commit('Review privacy', '2025-12-10', { 'content/handbook/legal/privacy.md': policy('=Privacy', 'owner: legal\n') })
    .commit('Fix typo', '2026-11-01', { 'content/handbook/legal/privacy.md': policy('=Privacy', 'owner: legal team\n') })
    .write({ 'content/handbook/people/draft.md': policy('Draft') });
});

afterAll(removeTemporaryDirectories);

function reviews(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [bin, 'reviews', ...args], { cwd: repo.root, encoding: 'utf8', env: { ...process.env, POLICYLINT_NOW: '', ...env } });
}

describe('policylint reviews (built CLI)', () => {
  it('prints the review calendar as JSON, earliest due first, with a single git log for every document', () => {
    const logging = loggingGit();
    const result = reviews(['--format', 'json', '--now', '2026-11-27'], { PATH: `${logging.dir}${path.delimiter}${process.env.PATH}` });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        path: 'content/handbook/security/isms.md',
        title: 'ISMS',
        lastReviewed: '2025-10-07',
        source: 'frontmatter',
        due: '2026-10-07',
        status: 'overdue',
        owners: ['@ciso', '@cfo', '@security-team'],
      },
      {
        path: 'content/handbook/legal/privacy.md',
        title: '=Privacy',
        lastReviewed: '2025-12-10',
        source: 'git',
        due: '2026-12-10',
        status: 'due-soon',
        owners: ['@legal'],
      },
      {
        path: 'content/handbook/security/access control.md',
        title: 'Access, "Control"',
        lastReviewed: '2026-01-15',
        source: 'git',
        due: '2027-01-15',
        status: 'ok',
        owners: ['@ciso', '@security-team'],
      },
      // Not committed yet: the change adding it is its first review.
      {
        path: 'content/handbook/people/draft.md',
        title: 'Draft',
        lastReviewed: '2026-11-27',
        source: 'this change',
        due: '2027-11-27',
        status: 'ok',
        owners: [],
      },
    ]);
    const logs = logging.calls().filter((call) => / log /.test(` ${call} `));
    expect(logs).toHaveLength(1);
    // The front-matter date needs no git; the other three documents share one call.
    for (const file of ['legal/privacy.md', 'security/access control.md', 'people/draft.md']) expect(logs[0]).toContain(`content/handbook/${file}`);
    expect(logs[0]).not.toContain('isms.md');
  });

  it('filters with --due-within, takes POLICYLINT_NOW, and writes CSV', () => {
    const result = reviews(['--format', 'csv', '--due-within', '13'], { POLICYLINT_NOW: '2026-11-27' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.split('\r\n')).toEqual([
      'Due,Status,Last reviewed,Source,Path,Title,Owners',
      "2026-10-07,overdue,2025-10-07,frontmatter,content/handbook/security/isms.md,ISMS,'@ciso @cfo @security-team",
      "2026-12-10,due-soon,2025-12-10,git,content/handbook/legal/privacy.md,'=Privacy,'@legal",
      '',
    ]);
  });

  it('limits the calendar to the paths given', () => {
    const result = reviews(['--format', 'json', '--now', '2026-11-27', 'content/handbook/legal']);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).map((entry: { path: string }) => entry.path)).toEqual(['content/handbook/legal/privacy.md']);
  });

  it('exits 2 on a configuration error, 0 however late the reviews are', () => {
    expect(reviews(['--config', 'missing.yml', '--now', '2026-11-27'])).toMatchObject({
      status: 2,
      stdout: '',
      stderr: expect.stringContaining('missing.yml'),
    });
    const text = reviews(['--now', '2030-01-01']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toContain('4 documents: 3 overdue, 0 due soon, 1 ok, 0 unknown');
  });
});

describe('runReviewsCommand', () => {
  const run = (flags: Partial<ReviewsCommandInput>) =>
    runReviewsCommand({ cwd: repo.root, paths: [], format: 'json', now: '2026-11-27', stdout: () => {}, ...flags });

  it('rejects usage mistakes as configuration errors (exit 2) before reading anything', async () => {
    await expect(run({ dueWithin: 'soon' })).rejects.toThrow(new ConfigError('Invalid --due-within value "soon": use a whole number of days'));
    await expect(run({ now: 'tomorrow' })).rejects.toThrow(ConfigError);
  });

  it('writes Markdown for a wiki page', async () => {
    let output = '';
    await run({ format: 'markdown', dueWithin: '0', stdout: (text) => (output += text) });
    expect(output.split('\n')).toEqual([
      '| Due | Status | Last reviewed | Source | Path | Title | Owners |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| 2026-10-07 | overdue | 2025-10-07 | frontmatter | content/handbook/security/isms.md | ISMS | `@ciso` `@cfo` `@security-team` |',
      '',
    ]);
  });
});
