// The shipped git hooks (hooks/pre-push, hooks/pre-commit) and the flags they use (--from/--to,
// --staged), driven by real `git push` to a local bare remote and real `git commit`: they lint
// what git records, never the work tree.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JsonFinding } from '../src/reporters/json.js';
import { CLI, controlledDocument, makeExecutable, makeTree, REPO_ROOT, runCli, withoutScope } from './support/cli.js';
import { gitEnv, gitWith, repoWithRemote } from './support/git.js';

const OFF = ['codeowners-coverage', 'links', 'review-date', 'exception-reference'];
const CONFIG = `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
${OFF.map((id) => `      ${id}: "off"\n`).join('')}`;

/** The Scope heading misspelled: one required-sections error. */
function scoop(title: string): string {
  return controlledDocument(title).replace('## Scope\n', '## Scoop\n');
}

/** A folder with `policylint` → the built CLI, for PATH: how the hooks find it without node_modules. */
const binDir = makeTree({}, 'policylint-bin-');
symlinkSync(CLI, path.join(binDir, 'policylint'));

/** What the hooks run with: the CLI on PATH, no colour, a fixed today, and no CI variables. */
const HOOK_ENV: NodeJS.ProcessEnv = {
  PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
  POLICYLINT_NOW: '2026-11-27',
  FORCE_COLOR: undefined,
  CI_MERGE_REQUEST_TARGET_BRANCH_NAME: undefined,
  CI_DEFAULT_BRANCH: undefined,
  CI_PIPELINE_SOURCE: undefined,
};
const ENV = gitEnv(HOOK_ENV);
const git = gitWith(HOOK_ENV);

/** A git command whose hook may refuse it: exit code and everything it printed. */
function gitRun(cwd: string, ...args: string[]): { code: number | null; output: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', env: ENV, timeout: 60_000 });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

function write(repo: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), content);
}

function installHook(repo: string, name: 'pre-push' | 'pre-commit'): void {
  const target = path.join(repo, '.git/hooks', name);
  copyFileSync(path.join(REPO_ROOT, 'hooks', name), target);
  makeExecutable(target);
}

/** A clone whose main (pushed without the hook) holds a clean document and an old broken one, which no push below changes. */
function handbook(): { repo: string; remote: string } {
  return repoWithRemote({
    '.policylint.yml': CONFIG,
    'content/clean.md': controlledDocument('Clean'),
    'content/old-broken.md': withoutScope('Old broken'),
  });
}

/** Only the user's own work tree is registered: every temporary checkout was removed. */
function expectNoSnapshotLeft(repo: string): void {
  expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  expect(readdirSync(os.tmpdir()).filter((name) => name.startsWith('policylint-snapshot-'))).toEqual([]);
}

describe('hooks/pre-push: lints the pushed commits, not the work tree', () => {
  let repo: string;
  let remote: string;

  beforeAll(() => {
    ({ repo, remote } = handbook());
    installHook(repo, 'pre-push');
  });

  it('an uncommitted new page with errors does not block pushing an unrelated branch', () => {
    git(repo, 'checkout', '-q', '-b', 'unrelated', 'main');
    write(repo, 'content/other.md', controlledDocument('Other'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'a clean page');
    write(repo, 'content/draft.md', withoutScope('Draft'));
    const pushed = gitRun(repo, 'push', '-u', 'origin', 'unrelated');
    expect(pushed.output).not.toContain('draft.md');
    expect(pushed.code).toBe(0);
    expect(git(remote, 'rev-parse', 'unrelated')).toBe(git(repo, 'rev-parse', 'unrelated'));
    unlinkSync(path.join(repo, 'content/draft.md'));
    expectNoSnapshotLeft(repo);
  });

  it('a committed "## Scoop" is blocked although the fix sits uncommitted in the work tree', () => {
    git(repo, 'checkout', '-q', '-b', 'scoop', 'main');
    write(repo, 'content/backup.md', scoop('Backup'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'backup policy');
    write(repo, 'content/backup.md', controlledDocument('Backup'));
    const pushed = gitRun(repo, 'push', '-u', 'origin', 'scoop');
    expect(pushed.code).not.toBe(0);
    expect(pushed.output).toContain('Required section "Scope" is missing');
    expect(pushed.output).toContain('pre-push: policylint found errors in refs/heads/scoop');
    // The heading names the file in the user's work tree, not the temporary checkout.
    expect(pushed.output).toContain(path.join(repo, 'content/backup.md'));
    expect(pushed.output).not.toContain('policylint-snapshot-');
    // Only what the push adds: main's old broken page is not reported.
    expect(pushed.output).not.toContain('old-broken.md');
    expect(gitRun(remote, 'rev-parse', '--verify', '--quiet', 'refs/heads/scoop').code).not.toBe(0);
    expectNoSnapshotLeft(repo);
    // Committing the fix lets the same branch through.
    git(repo, 'commit', '-q', '-am', 'fix the Scope heading');
    expect(gitRun(repo, 'push', '-u', 'origin', 'scoop').code).toBe(0);
  });

  it('a branch already on the remote is linted from the remote commit: only what the push adds', () => {
    git(repo, 'checkout', '-q', 'unrelated');
    write(repo, 'content/later.md', scoop('Later'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'broken page');
    const refused = gitRun(repo, 'push', 'origin', 'unrelated');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('later.md');
    expect(refused.output).not.toContain('other.md');
  });

  it('pushing several refs: blocked when one has errors, naming it; deletions are not linted', () => {
    git(repo, 'checkout', '-q', '-b', 'fine', 'main');
    write(repo, 'content/fine.md', controlledDocument('Fine'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'fine page');
    const both = gitRun(repo, 'push', 'origin', 'fine', 'unrelated');
    expect(both.code).not.toBe(0);
    expect(both.output).toContain('errors in refs/heads/unrelated');
    expect(both.output).not.toContain('errors in refs/heads/fine');
    expect(gitRun(repo, 'push', 'origin', 'fine').code).toBe(0);
    expect(gitRun(repo, 'push', 'origin', '--delete', 'fine').code).toBe(0);
  });
});

describe('hooks/pre-commit: lints the staged content, not the work tree', () => {
  let repo: string;

  beforeAll(() => {
    ({ repo } = handbook());
    installHook(repo, 'pre-commit');
  });

  it('a staged broken document blocks the commit although its fix is unstaged', () => {
    write(repo, 'content/new/staged.md', scoop('Staged'));
    git(repo, 'add', 'content/new/staged.md');
    write(repo, 'content/new/staged.md', controlledDocument('Staged'));
    const before = git(repo, 'rev-parse', 'HEAD');
    const committed = gitRun(repo, 'commit', '-m', 'staged page');
    expect(committed.code).not.toBe(0);
    expect(committed.output).toContain('Required section "Scope" is missing');
    expect(committed.output).toContain(path.join(repo, 'content/new/staged.md'));
    expect(committed.output).toContain('pre-commit: policylint found errors in the staged documents');
    expect(committed.output).not.toContain('old-broken.md');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(before);
    expectNoSnapshotLeft(repo);
  });

  it('a staged fixed document passes although the work tree holds a broken unstaged edit', () => {
    git(repo, 'add', 'content/new/staged.md'); // the fixed version
    write(repo, 'content/new/staged.md', withoutScope('Staged'));
    write(repo, 'content/untracked.md', withoutScope('Untracked'));
    const committed = gitRun(repo, 'commit', '-m', 'staged page');
    expect(committed.output).not.toContain('Required section');
    expect(committed.code).toBe(0);
    expect(git(repo, 'show', 'HEAD:content/new/staged.md')).toBe(controlledDocument('Staged'));
    expectNoSnapshotLeft(repo);
  });

  it('git commit -a checks the index it is about to commit (the broken edit), not the previous index', () => {
    const committed = gitRun(repo, 'commit', '-a', '-m', 'break it');
    expect(committed.code).not.toBe(0);
    expect(committed.output).toContain('content/new/staged.md');
    expect(committed.output).not.toContain('untracked.md');
    // A failed commit -a leaves the user's index as it was.
    expect(git(repo, 'diff', '--cached', '--name-only')).toBe('');
  });
});

describe('--from/--to and --staged on the command line', () => {
  let repo: string;
  let broken: string;

  beforeAll(() => {
    ({ repo } = handbook());
    git(repo, 'checkout', '-q', '-b', 'feature');
    write(repo, 'content/added.md', scoop('Added'));
    write(repo, 'content/clean.md', withoutScope('Clean'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'feature work');
    broken = git(repo, 'rev-parse', 'HEAD').trim();
    // The work tree fixes everything and adds a broken untracked page: none of it is committed.
    write(repo, 'content/added.md', controlledDocument('Added'));
    write(repo, 'content/clean.md', controlledDocument('Clean'));
    write(repo, 'content/untracked.md', withoutScope('Untracked'));
  });

  const paths = (args: string[], cwd = repo) => {
    const result = runCli(['--format', 'json', ...args], { cwd });
    expect(result.stderr).toBe('');
    return { code: result.code, paths: (JSON.parse(result.stdout) as JsonFinding[]).map((f) => f.path) };
  };

  it('--from main --to <commit>: the files the range changes, as the commit holds them', () => {
    expect(paths(['--from', 'main', '--to', broken])).toEqual({ code: 1, paths: ['content/added.md', 'content/clean.md'] });
    expect(paths(['--from', 'main', '--to', 'feature'])).toEqual({ code: 1, paths: ['content/added.md', 'content/clean.md'] });
    // --to defaults to HEAD.
    expect(paths(['--from', 'main'])).toEqual({ code: 1, paths: ['content/added.md', 'content/clean.md'] });
    // The work tree alone, for contrast: fixed, plus the untracked page.
    expect(paths(['--changed', '--base', 'main']).paths).toEqual(['content/untracked.md']);
    // From a subfolder, paths stay repository-relative.
    expect(paths(['--from', 'main', '--to', broken], path.join(repo, 'content')).paths).toEqual(['content/added.md', 'content/clean.md']);
    expectNoSnapshotLeft(repo);
  });

  it('--to alone lints every document of the commit; --from main --to main lints nothing', () => {
    expect(paths(['--to', broken])).toEqual({ code: 1, paths: ['content/added.md', 'content/clean.md', 'content/old-broken.md'] });
    expect(paths(['--from', 'main', '--to', 'main'])).toEqual({ code: 0, paths: [] });
  });

  it('stylish output names files in the work tree', () => {
    const result = runCli(['--from', 'main', '--to', broken], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(path.join(repo, 'content/added.md'));
    expect(result.stdout).not.toContain('policylint-snapshot-');
  });

  it('--staged: the staged content of the staged files only', () => {
    git(repo, 'checkout', '-q', '-f', 'main');
    write(repo, 'content/untracked.md', withoutScope('Untracked'));
    expect(paths(['--staged'])).toEqual({ code: 0, paths: [] });
    write(repo, 'content/clean.md', scoop('Clean'));
    git(repo, 'add', 'content/clean.md');
    write(repo, 'content/clean.md', controlledDocument('Clean'));
    expect(paths(['--staged'])).toEqual({ code: 1, paths: ['content/clean.md'] });
    // A staged deletion leaves nothing to lint.
    git(repo, 'rm', '-q', '-f', '--cached', 'content/clean.md');
    expect(paths(['--staged'])).toEqual({ code: 0, paths: [] });
    git(repo, 'reset', '-q');
    expectNoSnapshotLeft(repo);
  });

  it('--staged before the first commit lints every staged document', () => {
    const fresh = makeTree({ '.policylint.yml': CONFIG, 'content/a.md': scoop('A'), 'content/b.md': controlledDocument('B') });
    git(fresh, 'init', '-q', '-b', 'main');
    git(fresh, 'add', '-A');
    write(fresh, 'content/a.md', controlledDocument('A'));
    expect(paths(['--staged'], fresh)).toEqual({ code: 1, paths: ['content/a.md'] });
    expect(existsSync(path.join(fresh, '.git/worktrees')) ? readdirSync(path.join(fresh, '.git/worktrees')) : []).toEqual([]);
  });

  it('exits 2 on a bad combination or an unknown commit', () => {
    const both = runCli(['--staged', '--to', 'HEAD'], { cwd: repo });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--staged');
    const changed = runCli(['--changed', '--from', 'main'], { cwd: repo });
    expect(changed.code).toBe(2);
    const unknown = runCli(['--from', 'no-such-branch', '--to', 'HEAD'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^policylint: --from: no-such-branch is not a commit/);
    const outside = runCli(['--staged'], { cwd: makeTree({ '.policylint.yml': CONFIG }) });
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--staged needs a git work tree');
    expect(readFileSync(path.join(repo, '.policylint.yml'), 'utf8')).toBe(CONFIG);
  });
});
