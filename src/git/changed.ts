import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import { isOutsideRoot, toPosix } from '../util/paths.js';
import { git, GitError } from './exec.js';

/** The branch a change will merge into: the MR's target in CI, else the default branch, else origin/main. */
export function defaultBaseRef(env: NodeJS.ProcessEnv = process.env): string {
  const target = env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME || env.CI_DEFAULT_BRANCH;
  return target ? `origin/${target}` : 'origin/main';
}

export interface ChangedPaths {
  /** Files to lint: changed and still there. */
  present: string[];
  /** Every path the change touches, deleted ones too: what its project-wide findings may be about. */
  touched: string[];
}

/**
 * Paths (relative to `root`) changed since the merge base with `base`: committed, staged,
 * unstaged and untracked, so a pre-push or local run sees what the merge request will.
 */
export async function changedFiles(root: string, gitRoot: string, base: string): Promise<ChangedPaths> {
  let mergeBase: string;
  try {
    mergeBase = (await git(root, ['merge-base', base, 'HEAD'])).trim();
  } catch (error) {
    const detail = error instanceof GitError ? error.message : String(error);
    throw new ConfigError(
      `--changed: cannot find the merge base of ${base} and HEAD (${detail}). Fetch the branch (git fetch origin) or name another with --base.`,
    );
  }
  const [present, deleted, untracked] = await Promise.all([
    git(gitRoot, ['-c', 'core.quotePath=false', 'diff', '--name-only', '-z', '--no-renames', '--diff-filter=d', mergeBase]),
    git(gitRoot, ['-c', 'core.quotePath=false', 'diff', '--name-only', '-z', '--no-renames', '--diff-filter=D', mergeBase]),
    git(gitRoot, ['-c', 'core.quotePath=false', 'ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  const fromRoot = (...lists: string[]) => {
    const relative = lists
      .flatMap((list) => list.split('\0'))
      .filter(Boolean)
      .map((file) => toPosix(path.relative(root, path.join(gitRoot, file))));
    return [...new Set(relative.filter((file) => !isOutsideRoot(file)))].sort();
  };
  return { present: fromRoot(present, untracked), touched: fromRoot(present, untracked, deleted) };
}
