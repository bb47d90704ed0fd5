import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const directories: string[] = [];

/** Removes every directory made by these helpers; call from afterEach/afterAll. */
export function removeTemporaryDirectories(): void {
  for (const directory of directories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
}

export function temporaryDirectory(prefix: string): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  directories.push(directory);
  return directory;
}

/** A real git repository whose commits carry chosen dates. */
export class TempRepo {
  readonly root: string;

  constructor(root = temporaryDirectory('policylint-reviews-')) {
    this.root = root;
    this.git(['init', '-q', '-b', 'main']);
  }

  git(args: string[], env: Record<string, string> = {}): string {
    return execFileSync('git', ['-c', 'user.name=Reviewer', '-c', 'user.email=reviewer@example.com', ...args], {
      cwd: this.root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
  }

  write(files: Record<string, string>): this {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(this.root, name)), { recursive: true });
      fs.writeFileSync(path.join(this.root, name), content);
    }
    return this;
  }

  /** Commits everything staged plus `files`, authored and committed on `date` (UTC noon when only a day is given). */
  commit(message: string, date: string, files: Record<string, string> = {}): this {
    this.write(files);
    this.git(['add', '-A']);
    const when = /T/.test(date) ? date : `${date}T12:00:00Z`;
    this.git(['commit', '-q', '--allow-empty', '-m', message], { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
    return this;
  }
}

/**
 * A directory holding a `git` that logs each call's arguments before running the real git.
 * Prepend `dir` to PATH; `calls()` reads what ran, to prove history is not loaded per file.
 */
export function loggingGit(): { dir: string; calls(): string[] } {
  const dir = temporaryDirectory('policylint-git-log-');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = path.join(dir, 'calls.log');
  fs.writeFileSync(log, '');
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  return { dir, calls: () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** Runs in-process work with the logging git first on PATH; returns the git calls it made. */
export async function gitCallsDuring(work: () => Promise<unknown>): Promise<string[]> {
  const logging = loggingGit();
  const originalPath = process.env.PATH;
  process.env.PATH = `${logging.dir}${path.delimiter}${originalPath}`;
  try {
    await work();
  } finally {
    process.env.PATH = originalPath;
  }
  return logging.calls();
}

/** A controlled document with this title (quoted as YAML) and front-matter lines `extra`. */
export const policy = (title: string, extra = '') => `---\ntitle: ${JSON.stringify(title)}\ncontrolled_document: true\n${extra}---\n\n# Policy\n`;
