// The default branch's history over a period, read with a fixed number of git commands whatever
// its length: two to find where the period starts and ends on the branch, one `git log` of the
// branch's own commits (first parent, with each commit's diff against the branch before it),
// one of every commit merged in between, and one listing of the tree at the start.
import { ConfigError } from '../config/errors.js';
import { GitError, git } from '../git/exec.js';
import type { GitPerson } from './types.js';

/** One file a branch commit changed, as `git log --raw -M` reports it against the first parent. */
export interface FileChange {
  status: 'A' | 'M' | 'D' | 'R' | 'T' | 'C';
  /** The path before: null for an added (or copied) file. */
  oldPath: string | null;
  /** The path after: null for a deleted file. */
  newPath: string | null;
  oldBlob: string | null;
  newBlob: string | null;
}

export interface CommitInfo {
  sha: string;
  parents: string[];
  /** Committer date, ISO 8601 with the committer's offset. */
  date: string;
  author: GitPerson;
  subject: string;
}

/** A commit of the default branch itself (a merge, a squashed or fast-forwarded commit, or a direct push). */
export interface MainlineCommit extends CommitInfo {
  message: string;
  changes: FileChange[];
}

/** A commit a merge brought in from its branch, with the paths it touched. */
export interface BranchCommit extends CommitInfo {
  files: string[];
}

export interface PeriodHistory {
  /** The default branch just before the period (exclusive), or null when its history starts inside the period. */
  base: string | null;
  /** The default branch at the period's end, or null when it has no commit by then. */
  tip: string | null;
  /** The branch's commits in the period, oldest first. */
  mainline: MainlineCommit[];
  /** For each merge in `mainline`, the commits it brought in (oldest first). */
  broughtBy: Map<string, BranchCommit[]>;
  /** Every file of the tree at `base`, path → blob id. */
  baseTree: Map<string, string>;
  /** Commits of the period dated outside it: among its commits on the branch, so their committer date is not when they reached it. */
  misdated: Array<{ sha: string; date: string }>;
}

const ZERO_SHA = /^0+$/;
const RECORD = '\x1e';
const COMMIT_FORMAT = `${RECORD}%H%x00%P%x00%cI%x00%an%x00%ae%x00`;

/** The first-parent line of `ref`, newest first, with committer dates: one `git log`, however long the history. */
async function branchLine(gitRoot: string, ref: string): Promise<Array<{ sha: string; date: string }>> {
  const out = await git(gitRoot, ['log', '--first-parent', '--format=%H %cI', ref, '--']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', date = ''] = line.split(' ');
      return { sha, date };
    });
}

/** Commits after a commit on the branch that show whether its date is ahead of its place: all dated before it, it is. */
const LOOK_AHEAD = 3;

/**
 * Where the period lies on the branch. Commits reach a branch in the order of its first-parent
 * line, so a commit dated before the one it follows (a backdated push), or after every one of the
 * few that follow it (dated ahead), is misdated: it is placed where it sits, at the date of the
 * commit before it. The period's commits are those so placed in it, oldest first; `base` is the
 * commit before them. With none, base and tip are the last commit placed before the period.
 */
function periodOnLine(line: ReadonlyArray<{ sha: string; date: string }>, since: Date, until: Date) {
  const oldestFirst = [...line].reverse();
  let placedBefore = -Infinity;
  const placed = oldestFirst.map((commit, index) => {
    const date = Date.parse(commit.date);
    const following = oldestFirst.slice(index + 1, index + 1 + LOOK_AHEAD);
    const ahead = following.length > 0 && following.every((next) => Date.parse(next.date) < date);
    const misdated = date < placedBefore || ahead;
    if (!misdated) placedBefore = date;
    return { ...commit, at: misdated ? placedBefore : date, misdated };
  });
  const inPeriod = placed.filter((commit) => commit.at >= since.getTime() && commit.at <= until.getTime());
  if (inPeriod.length === 0) {
    const before = placed.filter((commit) => commit.at < since.getTime()).at(-1);
    return { base: before?.sha ?? null, tip: before?.sha ?? null, misdated: [] };
  }
  const first = placed.indexOf(inPeriod[0]!);
  return {
    base: placed[first - 1]?.sha ?? null,
    tip: inPeriod.at(-1)!.sha,
    misdated: inPeriod.filter((commit) => commit.misdated).map(({ sha, date }) => ({ sha, date })),
  };
}

function header(fields: string[]): CommitInfo & { rest: string[] } {
  const [sha = '', parents = '', date = '', name = '', email = '', ...rest] = fields;
  return { sha, parents: parents.split(' ').filter(Boolean), date, author: { name, email }, subject: '', rest };
}

/** Splits `--raw -z` entries (`:mode mode old new status\0path\0[path\0]`) after a commit's header. */
function parseRaw(tokens: string[]): FileChange[] {
  const changes: FileChange[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!.replace(/^\n+/, '');
    if (!token.startsWith(':')) continue;
    const [, , oldBlob = '', newBlob = '', statusField = ''] = token.slice(1).split(' ');
    const status = statusField[0] as FileChange['status'];
    const first = tokens[++i] ?? '';
    const second = status === 'R' || status === 'C' ? (tokens[++i] ?? '') : undefined;
    const blob = (id: string) => (ZERO_SHA.test(id) ? null : id);
    if (status === 'R') changes.push({ status, oldPath: first, newPath: second!, oldBlob: blob(oldBlob), newBlob: blob(newBlob) });
    else if (status === 'C') changes.push({ status: 'A', oldPath: null, newPath: second!, oldBlob: null, newBlob: blob(newBlob) });
    else if (status === 'A') changes.push({ status, oldPath: null, newPath: first, oldBlob: null, newBlob: blob(newBlob) });
    else if (status === 'D') changes.push({ status, oldPath: first, newPath: null, oldBlob: blob(oldBlob), newBlob: null });
    else changes.push({ status: status === 'T' ? 'T' : 'M', oldPath: first, newPath: first, oldBlob: blob(oldBlob), newBlob: blob(newBlob) });
  }
  return changes;
}

async function readMainline(gitRoot: string, range: string[]): Promise<MainlineCommit[]> {
  // -m with --first-parent: a merge is diffed against the branch before it, i.e. what the merge request changed.
  const out = await git(gitRoot, [
    '-c',
    'log.showSignature=false',
    'log',
    '--first-parent',
    '-m',
    // A branch whose history starts inside the period: its first commit shows as adding every file.
    '--root',
    '--raw',
    '-z',
    '-M',
    // Whatever the user's diff.renameLimit: the same renames found on every machine.
    '-l10000',
    '--no-abbrev',
    `--format=${COMMIT_FORMAT}%B%x00`,
    ...range,
    '--',
  ]);
  const commits: MainlineCommit[] = [];
  for (const record of out.split(RECORD)) {
    if (!record) continue;
    const fields = record.split('\0');
    const info = header(fields);
    const [message = '', ...raw] = info.rest;
    commits.push({ ...info, subject: message.split('\n', 1)[0] ?? '', message, changes: parseRaw(raw) });
  }
  return commits.reverse();
}

async function readBranchCommits(gitRoot: string, range: string[], mainline: ReadonlySet<string>): Promise<Map<string, BranchCommit>> {
  const out = await git(gitRoot, [
    '-c',
    'log.showSignature=false',
    'log',
    '-z',
    '--name-only',
    '--no-renames',
    `--format=${COMMIT_FORMAT}%s%x00`,
    ...range,
    '--',
  ]);
  const commits = new Map<string, BranchCommit>();
  for (const record of out.split(RECORD)) {
    if (!record) continue;
    const info = header(record.split('\0'));
    if (mainline.has(info.sha)) continue;
    const [subject = '', ...files] = info.rest;
    commits.set(info.sha, { ...info, subject, files: files.map((file) => file.replace(/^\n+/, '')).filter(Boolean) });
  }
  return commits;
}

/** Gives each merge the branch commits first reachable through it: walking its other parents until the branch line or an earlier merge's commits. */
function assignBranchCommits(mainline: readonly MainlineCommit[], branch: ReadonlyMap<string, BranchCommit>): Map<string, BranchCommit[]> {
  const claimed = new Set<string>();
  const broughtBy = new Map<string, BranchCommit[]>();
  for (const merge of mainline) {
    if (merge.parents.length < 2) continue;
    const brought: BranchCommit[] = [];
    const stack = merge.parents.slice(1);
    while (stack.length > 0) {
      const sha = stack.pop()!;
      const commit = branch.get(sha);
      if (!commit || claimed.has(sha)) continue;
      claimed.add(sha);
      brought.push(commit);
      stack.push(...commit.parents);
    }
    brought.sort((a, b) => Date.parse(a.date) - Date.parse(b.date) || (a.sha < b.sha ? -1 : 1));
    broughtBy.set(merge.sha, brought);
  }
  return broughtBy;
}

/** Every blob of a commit's tree, path → blob id. */
async function readTree(gitRoot: string, commit: string): Promise<Map<string, string>> {
  const out = await git(gitRoot, ['ls-tree', '-r', '-z', '--full-tree', commit]);
  const tree = new Map<string, string>();
  for (const entry of out.split('\0')) {
    const tab = entry.indexOf('\t');
    if (tab === -1) continue;
    const [, type, id] = entry.slice(0, tab).split(' ');
    const path = entry.slice(tab + 1);
    if (type === 'blob' && id) tree.set(path, id);
  }
  return tree;
}

/**
 * What reached `ref` from the start of `since` to the end of `until` (first-parent commit dates, see periodOnLine):
 * the branch's commits with their changes, the commits each merge brought, and the tree before.
 * Paths are repository-relative (from the top of the work tree).
 */
export async function readPeriodHistory(gitRoot: string, ref: string, since: Date, until: Date): Promise<PeriodHistory> {
  let shallow: string | undefined;
  try {
    [shallow] = (await git(gitRoot, ['rev-parse', '--is-shallow-repository', '--verify', `${ref}^{commit}`])).split('\n');
  } catch (error) {
    if (error instanceof GitError) throw new ConfigError(`--ref ${ref} names no commit in ${gitRoot} (${error.message})`);
    throw error;
  }
  // A shallow clone's history stops somewhere: changes before that point would be missing without a word.
  if (shallow === 'true') {
    throw new ConfigError('evidence needs the whole history, and this clone is shallow: run `git fetch --unshallow` (in GitLab CI, set GIT_DEPTH: 0)');
  }
  const { base, tip, misdated } = periodOnLine(await branchLine(gitRoot, ref), since, until);
  if (!tip || tip === base) return { base, tip, mainline: [], broughtBy: new Map(), baseTree: base ? await readTree(gitRoot, base) : new Map(), misdated };
  const range = base ? [`${base}..${tip}`] : [tip];
  const [mainline, baseTree] = await Promise.all([readMainline(gitRoot, range), base ? readTree(gitRoot, base) : Promise.resolve(new Map<string, string>())]);
  const branch = await readBranchCommits(gitRoot, range, new Set(mainline.map((commit) => commit.sha)));
  return { base, tip, mainline, broughtBy: assignBranchCommits(mainline, branch), baseTree, misdated };
}
