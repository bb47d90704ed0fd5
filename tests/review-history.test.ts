import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePattern, plainText } from '../src/model/match.js';
import { loadReviewHistory, parseLog, type PathHistory, type ReviewHistory } from '../src/reviews/history.js';
import { gitCallsDuring, removeTemporaryDirectories, TempRepo, temporaryDirectory } from './review-helpers.js';

const IGNORE = compilePattern('/^(fix typo|chore: bulk reformat)/im', plainText.substring);

/** What a path's history says, compactly: the day of its last counted change, or why there is none. */
function summary(entry: PathHistory | undefined): string | undefined {
  if (!entry) return undefined;
  if (entry.kind !== 'changed') return entry.kind;
  return `${entry.last.committedOn.toISOString().slice(0, 10)}${entry.last.shallowBoundary ? ' (boundary)' : ''} ${entry.last.subject}`;
}

const summarize = (history: ReviewHistory | null) => history && Object.fromEntries([...history.paths].map(([file, entry]) => [file, summary(entry)]));

const PATHS = ['a.md', 'b.md', 'ignored.md', 'new name.md', 'old name.md', 'with space.md', 'ünïcødé.md', 'draft.md'];

let repo: TempRepo;

function mergeRequest(branch: string, commitMessage: string, commitDate: string, title: string, mergedAt: string): void {
  repo.git(['checkout', '-q', '-b', branch]);
  repo.commit(commitMessage, commitDate, { 'with space.md': branch });
  repo.git(['checkout', '-q', 'main']);
  const date = mergedAt.includes('T') ? mergedAt : `${mergedAt}T12:00:00Z`;
  const message = `Merge branch '${branch}' into 'main'\n\n${title}\n\nSee merge request group/handbook!1`;
  repo.git(['merge', '-q', '--no-ff', '-m', message, branch], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
}

beforeAll(() => {
  repo = new TempRepo()
    .commit('Add policies', '2024-01-10', { 'a.md': 'a', 'b.md': 'b', 'old name.md': 'old', 'with space.md': 's', 'ünïcødé.md': 'u' })
    .commit('chore: bulk reformat', '2024-03-01', { 'b.md': 'b2', 'ignored.md': 'i' })
    .commit('Annual review of a', '2024-06-01', { 'a.md': 'a2' })
    .commit('Fix typo in a\n\nNo review happened.', '2024-09-01', { 'a.md': 'a3' });
  repo.git(['mv', 'old name.md', 'new name.md']);
  repo.commit('Move policy', '2024-10-01');
  // Merge requests merged with merge commits: GitLab puts the MR title in the merge message, and the merge is the approval.
  mergeRequest('review', 'Review with space', '2024-07-01', 'Annual review of the space policy', '2024-11-15T09:00:00+01:00');
  mergeRequest('typo', 'Review wording', '2024-12-01', 'Fix typo', '2024-12-02');
  repo.write({ 'draft.md': 'not committed yet' });
});

afterAll(removeTemporaryDirectories);

describe('loadReviewHistory', () => {
  it('finds the last change of every path, following merges as their merge date', async () => {
    expect(summarize(await loadReviewHistory(repo.root, PATHS))).toEqual({
      'a.md': '2024-09-01 Fix typo in a',
      'b.md': '2024-03-01 chore: bulk reformat',
      'ignored.md': '2024-03-01 chore: bulk reformat',
      'new name.md': '2024-10-01 Move policy',
      // The rename deletes the old path; its last change is the rename itself.
      'old name.md': '2024-10-01 Move policy',
      'with space.md': "2024-12-02 Merge branch 'typo' into 'main'",
      'ünïcødé.md': '2024-01-10 Add policies',
      'draft.md': 'uncommitted',
    });
  });

  it('skips commits matching the ignore pattern and keeps looking further back', async () => {
    const history = await loadReviewHistory(repo.root, PATHS, { ignoreCommitPattern: IGNORE });
    expect(history?.shallow).toBe(false);
    expect(summarize(history)).toMatchObject({
      'a.md': '2024-06-01 Annual review of a',
      'b.md': '2024-01-10 Add policies',
      'ignored.md': 'ignored-only',
      // The typo MR's merge does not count, and its branch commit is not a merge to main: the previous MR is the review.
      'with space.md': "2024-11-15 Merge branch 'review' into 'main'",
      'draft.md': 'uncommitted',
    });
  });

  it('tests the pattern against the whole message, subject and body', async () => {
    const history = await loadReviewHistory(repo.root, ['a.md'], { ignoreCommitPattern: compilePattern('/^no review happened\\.$/im', plainText.substring) });
    expect(summary(history?.paths.get('a.md'))).toBe('2024-06-01 Annual review of a');
  });

  it('runs git twice for all paths, not once per path', async () => {
    const calls = await gitCallsDuring(() => loadReviewHistory(repo.root, PATHS, { ignoreCommitPattern: IGNORE }));
    expect(calls.map((call) => call.split(' ').find((word) => !word.startsWith('-') && !word.includes('=')))).toEqual(['rev-parse', 'log']);
  });

  it('names paths from the directory it is given, not from the top of the work tree', async () => {
    const nested = new TempRepo().commit('Add', '2025-02-03', { 'handbook/policy.md': 'p', 'policy.md': 'top' });
    const history = await loadReviewHistory(path.join(nested.root, 'handbook'), ['policy.md']);
    expect(summarize(history)).toEqual({ 'policy.md': '2025-02-03 Add' });
  });

  it('marks files whose last visible commit is the shallow boundary', async () => {
    const shallow = temporaryDirectory('policylint-shallow-');
    repo.git(['clone', '-q', '--depth', '2', `file://${repo.root}`, shallow]);
    const history = await loadReviewHistory(shallow, ['a.md', 'with space.md', 'missing.md']);
    expect(history?.shallow).toBe(true);
    // Depth 2 keeps the last merge and its parents; only that merge is a real change, its parents show every file as added.
    expect(summarize(history)).toEqual({
      'a.md': "2024-11-15 (boundary) Merge branch 'review' into 'main'",
      'with space.md': "2024-12-02 Merge branch 'typo' into 'main'",
      'missing.md': 'uncommitted',
    });
  });

  it('treats a repository without commits as having no history, and a plain directory as no repository', async () => {
    const empty = new TempRepo().write({ 'a.md': 'a' });
    expect(summarize(await loadReviewHistory(empty.root, ['a.md']))).toEqual({ 'a.md': 'uncommitted' });
    const plain = temporaryDirectory('policylint-plain-');
    fs.writeFileSync(path.join(plain, 'a.md'), 'a');
    expect(await loadReviewHistory(plain, ['a.md'])).toBeNull();
  });

  it('takes paths with glob characters literally', async () => {
    const globby = new TempRepo().commit('Add', '2025-01-01', { '[draft] *.md': 'x', 'd.md': 'y' }).commit('Change d', '2025-05-05', { 'd.md': 'z' });
    expect(summarize(await loadReviewHistory(globby.root, ['[draft] *.md']))).toEqual({ '[draft] *.md': '2025-01-01 Add' });
  });
});

describe('parseLog', () => {
  it('splits records and keeps tabs in messages and file names with newlines after the first', () => {
    const output = '\0h1\t2025-01-01T00:00:00Z\tsubject\twith tab\n\0\na.md\0b c.md\0\0h2\t2024-01-01T00:00:00Z\told\n\0\na.md\0';
    expect(parseLog(output)).toEqual([
      { hash: 'h1', committedAt: '2025-01-01T00:00:00Z', message: 'subject\twith tab\n', files: ['a.md', 'b c.md'] },
      { hash: 'h2', committedAt: '2024-01-01T00:00:00Z', message: 'old\n', files: ['a.md'] },
    ]);
  });
});
