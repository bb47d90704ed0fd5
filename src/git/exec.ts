import { execFile } from 'node:child_process';

export class GitError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  /** Written to git's standard input. */
  input?: string;
  /** Added to the environment (e.g. GIT_INDEX_FILE). */
  env?: Record<string, string>;
  maxBuffer?: number;
}

function run<T extends string | Buffer>(cwd: string, args: readonly string[], options: GitOptions, encoding: 'utf8' | 'buffer'): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      args,
      { cwd, env: options.env ? { ...process.env, ...options.env } : process.env, maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024, encoding },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout as T);
        const code = typeof error.code === 'number' ? error.code : null;
        const detail = String(stderr).trim().split('\n')[0] || error.message;
        reject(new GitError(`git ${args[0]} failed: ${detail}`, code));
      },
    );
    // A failure shows in git's exit status; a write after git stopped reading must not crash the process.
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.input ?? '');
  });
}

/** Runs git without a shell; resolves stdout, rejects with git's own first stderr line. */
export function git(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<string> {
  return run<string>(cwd, args, options, 'utf8');
}

/** As `git`, for output that is not text (blobs from `cat-file --batch`). */
export function gitBytes(cwd: string, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  return run<Buffer>(cwd, args, options, 'buffer');
}

/** Top of the git work tree holding `dir`, or null outside one (or without git). */
export async function findGitRoot(dir: string): Promise<string | null> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim() || null;
  } catch {
    return null;
  }
}
