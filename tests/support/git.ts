// Real git for tests: a fixed identity and no user or system config, so commits come out the same on
// every machine, and nothing inherited (a hook's GIT_DIR) points git at another repository.
import { execFileSync } from 'node:child_process';
import { makeTree } from './cli.js';

/** process.env for git, with `extra` on top (an `undefined` value removes a variable). */
export function gitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_DIR: undefined,
    GIT_WORK_TREE: undefined,
    GIT_INDEX_FILE: undefined,
    GIT_AUTHOR_NAME: 'T',
    GIT_AUTHOR_EMAIL: 't@example.com',
    GIT_COMMITTER_NAME: 'T',
    GIT_COMMITTER_EMAIL: 't@example.com',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    ...extra,
  };
}

/** A git runner with `gitEnv(extra)`: runs in `cwd` and returns stdout; a failure throws with git's stderr. */
export function gitWith(extra: NodeJS.ProcessEnv = {}): (cwd: string, ...args: string[]) => string {
  const env = gitEnv(extra);
  return (cwd, ...args) => execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
}

export const git = gitWith();

/** A clone whose `main` holds `files`, committed as "base" and pushed (with upstream) to a local bare `remote`. */
export function repoWithRemote(files: Record<string, string>): { repo: string; remote: string } {
  const remote = makeTree({}, 'policylint-remote-');
  git(remote, 'init', '-q', '--bare', '-b', 'main');
  const repo = makeTree(files);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  git(repo, 'remote', 'add', 'origin', remote);
  git(repo, 'push', '-q', '-u', 'origin', 'main');
  return { repo, remote };
}
