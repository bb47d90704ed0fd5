// A temporary checkout holding exactly what git records (a pushed commit, or the staged index),
// for hooks: the engine reads files from a folder, so it is given one without the user's
// uncommitted (or unstaged) edits and untracked files.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { git, GitError } from './exec.js';

/**
 * Variables git sets for hooks (pre-commit: GIT_INDEX_FILE, the index being committed) or a
 * caller sets, which pin git commands to the user's repository and index. They are read while
 * the snapshot is built, then must not reach git commands run inside the snapshot.
 */
const REPOSITORY_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_COMMON_DIR',
  'GIT_IMPLICIT_WORK_TREE',
  'GIT_INTERNAL_SUPER_PREFIX',
];

export interface Snapshot {
  /** Top of the temporary work tree. */
  dir: string;
  /** Top of the user's work tree, which `dir` stands for. */
  gitRoot: string;
  /**
   * The commit to pass as the `--changed` base inside the snapshot (only files that differ from
   * it are linted), or undefined to lint every document the snapshot holds.
   */
  base: string | undefined;
  /** Removes the temporary work tree (safe to call more than once). */
  dispose(): void;
}

function describe(error: unknown): string {
  return error instanceof GitError ? error.message : String(error);
}

function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !REPOSITORY_VARIABLES.includes(key)) env[key] = value;
  return env;
}

/** Runs git in the snapshot (or on it), without the user's repository variables. */
function gitClean(cwd: string, args: readonly string[]): Promise<string> {
  // exec.ts merges into process.env; here the hook's variables must be absent, not overridden.
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, env: cleanEnv(), maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const detail = String(stderr).trim().split('\n')[0] || error.message;
      reject(new GitError(`git failed: ${detail}`, typeof error.code === 'number' ? error.code : null));
    });
  });
}

async function resolveCommit(gitRoot: string, ref: string, flag: string): Promise<string> {
  try {
    return (await git(gitRoot, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch (error) {
    throw new ConfigError(
      `${flag}: ${ref} is not a commit in this repository${error instanceof GitError && error.exitCode === 1 ? '' : ` (${describe(error)})`}. Fetch it, or name another.`,
    );
  }
}

async function repositoryTop(cwd: string, flag: string): Promise<string> {
  try {
    return (await git(cwd, ['rev-parse', '--show-toplevel'])).trim();
  } catch (error) {
    throw new ConfigError(`${flag} needs a git work tree, and ${cwd} is not in one (${describe(error)})`);
  }
}

/** Temporary worktree of `commit` (detached, no hooks run), removed by the returned function, also on exit or a signal. */
async function addWorktree(gitRoot: string, commit: string, checkout: boolean): Promise<{ dir: string; dispose: () => void }> {
  const parent = realpathSync.native(mkdtempSync(path.join(os.tmpdir(), 'policylint-snapshot-')));
  const dir = path.join(parent, 'tree');
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    process.off('exit', dispose);
    for (const signal of SIGNALS) process.off(signal, onSignal);
    try {
      execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: gitRoot, env: cleanEnv(), stdio: 'ignore' });
    } catch {
      // Not registered (adding failed half-way) or already gone: prune below forgets it.
    }
    rmSync(parent, { recursive: true, force: true });
    try {
      execFileSync('git', ['worktree', 'prune'], { cwd: gitRoot, env: cleanEnv(), stdio: 'ignore' });
    } catch {
      // Nothing to prune.
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    dispose();
    process.kill(process.pid, signal);
  };
  process.on('exit', dispose);
  for (const signal of SIGNALS) process.once(signal, onSignal);
  try {
    // core.hooksPath: the user's post-checkout hook must not run on (or from) the snapshot.
    await gitClean(gitRoot, ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', ...(checkout ? [] : ['--no-checkout']), dir, commit]);
  } catch (error) {
    dispose();
    throw new ConfigError(`Cannot make a temporary checkout of ${commit.slice(0, 12)} (${describe(error)})`);
  }
  return { dir, dispose };
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The repository as commit `to` holds it. With `from`, only files that differ between the merge
 * base of `from` and `to` and `to` are to be linted; without, every document.
 */
export async function snapshotRange(cwd: string, from: string | undefined, to: string): Promise<Snapshot> {
  const gitRoot = await repositoryTop(cwd, '--to');
  const toCommit = await resolveCommit(gitRoot, to, '--to');
  let base: string | undefined;
  if (from !== undefined) {
    const fromCommit = await resolveCommit(gitRoot, from, '--from');
    try {
      base = (await git(gitRoot, ['merge-base', fromCommit, toCommit])).trim();
    } catch (error) {
      throw new ConfigError(`--from: ${from} and ${to} have no common ancestor (${describe(error)}); leave out --from to lint every document of ${to}`);
    }
  }
  const { dir, dispose } = await addWorktree(gitRoot, toCommit, true);
  return { dir, gitRoot, base, dispose };
}

/**
 * The repository as the next commit will record it: HEAD's history, with the index (what
 * `git add` staged, or the index git passes a pre-commit hook in GIT_INDEX_FILE) as the files.
 * Only files staged differently from HEAD are to be linted; before the first commit, every one.
 */
export async function snapshotStaged(cwd: string): Promise<Snapshot> {
  const gitRoot = await repositoryTop(cwd, '--staged');
  let tree: string;
  try {
    // Reads the index this process was given (GIT_INDEX_FILE in a hook), so it runs with the caller's environment.
    tree = (await git(gitRoot, ['write-tree'])).trim();
  } catch (error) {
    throw new ConfigError(`--staged: cannot read the staged files (${describe(error)}); resolve merge conflicts first`);
  }
  let head: string | undefined;
  try {
    head = (await git(gitRoot, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])).trim();
  } catch {
    head = undefined; // No commit yet.
  }
  // Before the first commit there is no history to check out: a parentless commit of the index stands in.
  const start = head ?? (await git(gitRoot, ['commit-tree', tree, '-m', 'policylint --staged snapshot'])).trim();
  const { dir, dispose } = await addWorktree(gitRoot, start, false);
  try {
    // Index and files of the snapshot become the staged tree; HEAD stays HEAD, so the staged changes show as changes.
    await gitClean(dir, ['read-tree', '--reset', '-u', tree]);
  } catch (error) {
    dispose();
    throw new ConfigError(`--staged: cannot check out the staged files (${describe(error)})`);
  }
  return { dir, gitRoot, base: head, dispose };
}

/** Removes the variables that pin git to the user's repository while `run` works in a snapshot. */
export async function withoutRepositoryVariables<T>(run: () => Promise<T>): Promise<T> {
  const saved = new Map<string, string>();
  for (const key of REPOSITORY_VARIABLES) {
    const value = process.env[key];
    if (value !== undefined) saved.set(key, value);
    delete process.env[key];
  }
  try {
    return await run();
  } finally {
    for (const [key, value] of saved) process.env[key] = value;
  }
}

/** Where `file` (absolute, in the user's work tree) is in the snapshot; unchanged when outside the repository. */
export function inSnapshot(snapshot: Pick<Snapshot, 'dir' | 'gitRoot'>, file: string): string {
  const relative = path.relative(snapshot.gitRoot, file);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return file;
  return path.join(snapshot.dir, relative);
}
