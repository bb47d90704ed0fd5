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

/** Runs git without a shell; resolves stdout, rejects with git's own first stderr line. */
export function git(cwd: string, args: readonly string[], options: { maxBuffer?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd, maxBuffer: options.maxBuffer ?? 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const code = typeof error.code === 'number' ? error.code : null;
      const detail = stderr.trim().split('\n')[0] || error.message;
      reject(new GitError(`git ${args[0]} failed: ${detail}`, code));
    });
  });
}

/** Top of the git work tree holding `dir`, or null outside one (or without git). */
export async function findGitRoot(dir: string): Promise<string | null> {
  try {
    return (await git(dir, ['rev-parse', '--show-toplevel'])).trim() || null;
  } catch {
    return null;
  }
}
