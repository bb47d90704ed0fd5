import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { GitError, git } from '../git/exec.js';
import type { Pattern } from '../model/match.js';
import type { ProjectContext } from '../project/types.js';
import { parseDate } from './dates.js';

export interface LastChange {
  commit: string;
  /** Committer date as git printed it (ISO 8601 with the committer's offset). */
  committedAt: string;
  /** The calendar day of `committedAt` as written, in the committer's offset. */
  committedOn: Date;
  /** First line of the commit message. */
  subject: string;
  /** The commit is a shallow clone's boundary: it shows every file as added, so the date says nothing about this file. */
  shallowBoundary: boolean;
}

/** What git knows about one path; `ignored-only` means every commit touching it matched the ignore pattern. */
export type PathHistory = { kind: 'changed'; last: LastChange } | { kind: 'ignored-only' } | { kind: 'uncommitted' };

export interface ReviewHistory {
  shallow: boolean;
  /** Keyed by the paths asked for (relative to the directory history was loaded from). */
  paths: ReadonlyMap<string, PathHistory>;
}

export interface HistoryOptions {
  /** Commits whose message (subject and body) matches do not count as a change. */
  ignoreCommitPattern?: Pattern;
  /** The commit whose history is read (default HEAD): the audit evidence dates reviews as of a period's start. */
  rev?: string;
}

/** Bounds each `git log` command line well below every OS's argument limit; large sets take a few calls, never one per file. */
const MAX_PATHSPEC_CHARS = 100_000;

/**
 * Last commit touching each path, read with one `git rev-parse` and one `git log` per batch of paths.
 * Follows the first parent with merges diffed against it, so in a merge-commit workflow the date is
 * the merge (the approval), not when the branch commit was written. Renames are a change to the new path.
 * Returns null outside a git work tree.
 */
export async function loadReviewHistory(cwd: string, paths: readonly string[], options: HistoryOptions = {}): Promise<ReviewHistory | null> {
  let revParse: string;
  try {
    revParse = await git(cwd, ['rev-parse', '--is-shallow-repository', '--show-prefix', '--git-path', 'shallow']);
  } catch (error) {
    if (error instanceof GitError) return null;
    throw error;
  }
  const [shallowFlag = '', prefix = '', shallowFile = ''] = revParse.split('\n');
  const shallow = shallowFlag.trim() === 'true';
  const boundaries = shallow ? await readShallowBoundaries(resolve(cwd, shallowFile)) : new Set<string>();
  const ignore = options.ignoreCommitPattern;

  const result = new Map<string, PathHistory>(paths.map((path) => [path, { kind: 'uncommitted' }]));
  for (const batch of batches(paths)) {
    const log = await gitLog(cwd, batch, options.rev);
    for (const commit of parseLog(log)) {
      const counts = !ignore?.test(commit.message);
      for (const name of commit.files) {
        // git names files from the top of the work tree; callers name them from `cwd`.
        if (!name.startsWith(prefix)) continue;
        const path = name.slice(prefix.length);
        const seen = result.get(path);
        if (!seen || seen.kind === 'changed') continue;
        if (!counts) {
          result.set(path, { kind: 'ignored-only' });
          continue;
        }
        result.set(path, {
          kind: 'changed',
          last: {
            commit: commit.hash,
            committedAt: commit.committedAt,
            committedOn: commitDay(commit.committedAt),
            subject: commit.message.split('\n', 1)[0] ?? '',
            shallowBoundary: boundaries.has(commit.hash),
          },
        });
      }
    }
  }
  return { shallow, paths: result };
}

/** Memoized per project, ignore pattern and path set, so every rule and document shares one load. */
export function projectReviewHistory(project: ProjectContext, paths: readonly string[], options: HistoryOptions = {}): Promise<ReviewHistory | null> {
  const sorted = [...new Set(paths)].sort();
  const digest = createHash('sha256').update(sorted.join('\0')).digest('hex');
  return project.memo(`reviews:history:${options.ignoreCommitPattern?.source ?? ''}:${digest}`, () => loadReviewHistory(project.root, sorted, options));
}

function commitDay(committedAt: string): Date {
  const parsed = parseDate(committedAt, 'iso');
  if ('error' in parsed) throw new Error(`git printed an unexpected commit date: ${committedAt}`);
  return parsed.date;
}

async function readShallowBoundaries(file: string): Promise<Set<string>> {
  try {
    return new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean));
  } catch {
    return new Set();
  }
}

function* batches(paths: readonly string[]): Generator<string[]> {
  let batch: string[] = [];
  let size = 0;
  for (const path of paths) {
    if (batch.length > 0 && size + path.length > MAX_PATHSPEC_CHARS) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(path);
    size += path.length + 1;
  }
  if (batch.length > 0) yield batch;
}

async function gitLog(cwd: string, paths: readonly string[], rev: string | undefined): Promise<string> {
  const args = [
    '--literal-pathspecs',
    '-c',
    'core.quotePath=false',
    'log',
    '--first-parent',
    '--diff-merges=first-parent',
    '--no-renames',
    '--name-only',
    '-z',
    // A NUL opens each record, so a record is: '' then header, then its file names.
    '--format=%x00%H%x09%cI%x09%B',
    ...(rev === undefined ? [] : [rev]),
    '--',
    ...paths,
  ];
  try {
    return await git(cwd, args);
  } catch (error) {
    // A repository without commits has no history for anything.
    if (error instanceof GitError && /does not have any commits/.test(error.message)) return '';
    throw error;
  }
}

interface LoggedCommit {
  hash: string;
  committedAt: string;
  message: string;
  files: string[];
}

/** Parses `git log -z --name-only` output whose format starts each record with a NUL. */
export function parseLog(output: string): LoggedCommit[] {
  const commits: LoggedCommit[] = [];
  const tokens = output.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token !== '' || i + 1 >= tokens.length) {
      // A file name; git separates the header from the first name with a newline.
      const current = commits.at(-1);
      if (current && token !== '') current.files.push(current.files.length === 0 ? token.replace(/^\n/, '') : token);
      continue;
    }
    const header = tokens[++i]!;
    const [hash = '', committedAt = '', ...message] = header.split('\t');
    commits.push({ hash, committedAt, message: message.join('\t'), files: [] });
  }
  return commits;
}
