/**
 * The benchmark's large history for `policylint evidence`: a handbook repository of corpus pages
 * (every one a controlled document) with a year of first-parent history on `main`, most of it
 * merge requests merged with GitLab's merge commits, some direct pushes; and the fake GitLab's
 * seed that serves those merge requests, their authors and approvals.
 *
 * The history is streamed into one `git fast-import` (seconds, where thousands of `git commit`
 * calls would take minutes), then the commit SHAs are read back with one `git log`. The result is
 * cached under the bench work directory, keyed by the parameters and the corpus it came from.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SeedData } from '../../tests/fake-gitlab/server.js';
import { markdownFiles } from './bare-parse.js';

export interface EvidenceHistoryParams {
  /** Corpus pages in the repository (all controlled documents). */
  pages: number;
  /** First-parent commits on `main` in the period (merge commits and direct pushes). */
  commits: number;
  /** The calendar year the history spans; the period exported is the whole year. */
  year: number;
  /** Share of the commits pushed directly to `main`. */
  directShare: number;
  /** Share of the merge requests approved by their author only. */
  authorOnlyShare: number;
  seed: number;
}

export const DEFAULT_EVIDENCE_PARAMS: EvidenceHistoryParams = { pages: 4500, commits: 5000, year: 2026, directShare: 0.1, authorOnlyShare: 0.08, seed: 15 };

type Action = 'modified' | 'renamed' | 'deleted' | 'review';

export interface BenchMergeRequest {
  iid: number;
  title: string;
  authorId: number;
  branchCommit: string;
  mergeCommit: string;
  createdAt: string;
  mergedAt: string;
  approvals: Array<{ user_id: number; approved_at: string }>;
}

export interface EvidenceHistory {
  /** The repository (work tree with only the config and CODEOWNERS checked out; the history is what is read). */
  dir: string;
  params: EvidenceHistoryParams;
  since: string;
  until: string;
  pages: number;
  commits: number;
  mergeRequests: BenchMergeRequest[];
  directPushes: string[];
  /** Changes to a controlled document, as the evidence must count them: one per page a commit touched. */
  pageChanges: number;
  /** Of them: by direct push, and those merge requests approved by every required owner (the `met` ones). */
  directChanges: number;
  expectedMet: number;
  actions: Record<Action, number>;
  /** Review-date changes that changed the date (a review event in the evidence). */
  reviewEvents: number;
  generateMs: number;
  packBytes: number;
  cached: boolean;
}

/** Bumped when what is generated changes, so a cached history is rebuilt. */
const EVIDENCE_LAYOUT = 3;

export const PROJECT_ID = 42;
export const TOKEN = 'glpat-bench-evidence-token';

const USER = { bot: 1, maintainer: 2, lead: 3, secOwner: 4, secMember: 5, engOwner: 6, companyOwner: 7, legalOwner: 8 } as const;
const WRITERS = Array.from({ length: 20 }, (_, i) => ({ id: 10 + i, username: `writer${String(i + 1).padStart(2, '0')}` }));
const USERNAMES: Record<number, string> = {
  [USER.bot]: 'policylint-bot',
  [USER.maintainer]: 'maintainer',
  [USER.lead]: 'handbook-lead',
  [USER.secOwner]: 'sec-owner',
  [USER.secMember]: 'sec-member',
  [USER.engOwner]: 'eng-owner',
  [USER.companyOwner]: 'company-owner',
  [USER.legalOwner]: 'legal-owner',
  ...Object.fromEntries(WRITERS.map((w) => [w.id, w.username])),
};
const emailOf = (id: number) => `${USERNAMES[id]}@example.com`;
const nameOf = (id: number) => USERNAMES[id]!.replace(/(^|-)(\w)/g, (_, dash: string, c: string) => `${dash ? ' ' : ''}${c.toUpperCase()}`);

/** Four sections, so a page needs the handbook lead and, in three folders, that folder's owner (a group for security). */
const CODEOWNERS = `# Benchmark CODEOWNERS: every page needs the handbook lead; these folders their owners too.
[Handbook]
/content/ @handbook-lead

[Security]
/content/handbook/security/ @sec-owner @acme/security

[Engineering]
/content/handbook/engineering/ @eng-owner

[Company]
/content/handbook/company/ @company-owner
/content/handbook/legal/ @legal-owner
`;

/** Every page under content/ is a controlled document: one class over `**\/*.md`, no `when`. */
const CONFIG = `# Benchmark: every page is a controlled document.
include: ['content/**/*.md']
classes:
  controlled-document:
    description: Every handbook page
    paths: ['**/*.md']
    rules:
      review-date: error
      exception-reference: error
`;

/** The approvers one required owner's approval takes, for a page at `file` (the lead is added for every page). */
function folderOwner(file: string, random: () => number): number | undefined {
  if (file.startsWith('content/handbook/security/')) return random() < 0.5 ? USER.secOwner : USER.secMember;
  if (file.startsWith('content/handbook/engineering/')) return USER.engOwner;
  if (file.startsWith('content/handbook/company/')) return USER.companyOwner;
  if (file.startsWith('content/handbook/legal/')) return USER.legalOwner;
  return undefined;
}

/** mulberry32: a small seeded generator, so the same parameters give the same history. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A path as fast-import reads it: C-style quoted, so spaces and quotes are safe. */
const quote = (file: string) => `"${file.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n')}"`;

const FRONT_MATTER = /^---\r?\n(?:[\s\S]*?\r?\n)?---\r?\n/;

/**
 * The page's `last_reviewed`, or null when it has none; undefined when its front matter is not valid YAML (a few
 * corpus pages), where no review date can be read, so setting one is no review event.
 */
function reviewDateOf(text: string): string | null | undefined {
  const block = FRONT_MATTER.exec(text)?.[0];
  if (!block) return null;
  try {
    const data = parseYaml(block.replace(/^---\r?\n/, '').replace(/---\r?\n$/, '')) as Record<string, unknown> | null;
    const value = data?.last_reviewed;
    return value === undefined || value === null ? null : String(value);
  } catch {
    return undefined;
  }
}

/** Sets `last_reviewed` in the page's front matter (adding front matter when it has none). */
function setReviewDate(text: string, day: string): string {
  const block = FRONT_MATTER.exec(text);
  if (!block) return `---\nlast_reviewed: ${day}\n---\n\n${text}`;
  const head = block[0];
  const updated = /^last_reviewed:.*$/m.test(head)
    ? head.replace(/^last_reviewed:.*$/m, `last_reviewed: ${day}`)
    : head.replace(/^---\r?\n/, (m) => `${m}last_reviewed: ${day}\n`);
  return updated + text.slice(head.length);
}

/** Buffers the fast-import stream and writes it in large chunks, waiting when the pipe is full. */
class Stream {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(private readonly sink: NodeJS.WritableStream) {}
  push(data: string | Buffer): Promise<void> | undefined {
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    this.parts.push(buffer);
    this.size += buffer.length;
    return this.size >= 4 << 20 ? this.flush() : undefined;
  }
  async flush(): Promise<void> {
    const chunk = Buffer.concat(this.parts);
    this.parts = [];
    this.size = 0;
    if (!this.sink.write(chunk)) await new Promise((resolve) => this.sink.once('drain', resolve));
  }
}

interface Op {
  action: Action;
  file: string;
  /** New path of a rename. */
  to?: string;
  /** Blob mark of the new content (modified, review). */
  blob?: number;
}

interface Planned {
  kind: 'merge' | 'direct';
  iid: number;
  authorId: number;
  title: string;
  time: number;
  ops: Op[];
  approvals: Array<{ user_id: number; approved_at: string }>;
  met: boolean;
}

function cacheKey(corpusDir: string, params: EvidenceHistoryParams): string {
  const stampFile = path.join(corpusDir, '.bench-source.json');
  const corpus = existsSync(stampFile) ? readFileSync(stampFile, 'utf8') : `${corpusDir} ${statSync(path.join(corpusDir, 'content')).mtimeMs}`;
  return createHash('sha256')
    .update(JSON.stringify({ layout: EVIDENCE_LAYOUT, params, corpus, codeowners: CODEOWNERS, config: CONFIG }))
    .digest('hex')
    .slice(0, 12);
}

/** The cached history for these parameters, generated first when there is none. */
export async function prepareEvidenceHistory(corpusDir: string, params: EvidenceHistoryParams, log: (message: string) => void): Promise<EvidenceHistory> {
  const root = path.join(corpusDir, '.bench-evidence');
  const key = cacheKey(corpusDir, params);
  const work = path.join(root, key);
  const metaFile = path.join(work, 'history.json');
  if (existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as Omit<EvidenceHistory, 'dir' | 'cached'>;
    return { ...meta, dir: path.join(work, 'repo'), cached: true };
  }
  // Other parameters' histories are dropped: they are a minute's work to make again.
  rmSync(root, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  log(`generating the evidence history (${params.pages} pages, ${params.commits} commits) in ${work}`);
  const started = process.hrtime.bigint();
  const meta = await generate(corpusDir, path.join(work, 'repo'), params);
  const generateMs = Number(process.hrtime.bigint() - started) / 1e6;
  const result = { ...meta, generateMs };
  writeFileSync(metaFile, `${JSON.stringify(result)}\n`);
  return { ...result, dir: path.join(work, 'repo'), cached: false };
}

async function generate(corpusDir: string, repo: string, params: EvidenceHistoryParams): Promise<Omit<EvidenceHistory, 'dir' | 'cached' | 'generateMs'>> {
  const random = generator(params.seed);
  const all = markdownFiles(path.join(corpusDir, 'content')).map((file) => path.relative(corpusDir, file).split(path.sep).join('/'));
  if (all.length < params.pages) throw new Error(`the corpus has ${all.length} pages, fewer than the ${params.pages} asked for`);
  // Spread over the whole corpus rather than the first folders alphabetically.
  const chosen = Array.from({ length: params.pages }, (_, i) => all[Math.floor((i * all.length) / params.pages)]!);

  rmSync(repo, { recursive: true, force: true });
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd: repo, maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q');
  const importer = spawn('git', ['fast-import', '--quiet', '--done', '--date-format=raw'], { cwd: repo, stdio: ['pipe', 'ignore', 'pipe'] });
  let importerErrors = '';
  importer.stderr.on('data', (chunk: Buffer) => (importerErrors += chunk.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    importer.on('error', reject);
    importer.on('exit', (code) => resolve(code ?? 1));
  });
  const out = new Stream(importer.stdin);
  let nextMark = 1;
  const blob = async (data: string | Buffer): Promise<number> => {
    const mark = nextMark++;
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    await out.push(`blob\nmark :${mark}\ndata ${bytes.length}\n`);
    await out.push(bytes);
    await out.push('\n');
    return mark;
  };
  const person = (id: number, time: number) => `${nameOf(id)} <${emailOf(id)}> ${time} +0000`;
  const commit = async (
    ref: string,
    author: number,
    committer: number,
    time: number,
    message: string,
    from: number | undefined,
    merge: number | undefined,
    ops: readonly Op[],
  ) => {
    const mark = nextMark++;
    const lines = [
      `commit ${ref}`,
      `mark :${mark}`,
      `author ${person(author, time)}`,
      `committer ${person(committer, time)}`,
      `data ${Buffer.byteLength(message)}`,
      message,
    ];
    if (from !== undefined) lines.push(`from :${from}`);
    if (merge !== undefined) lines.push(`merge :${merge}`);
    for (const op of ops) {
      if (op.action === 'deleted') lines.push(`D ${quote(op.file)}`);
      else if (op.action === 'renamed') lines.push(`R ${quote(op.file)} ${quote(op.to!)}`);
      else lines.push(`M 100644 :${op.blob} ${quote(op.file)}`);
    }
    await out.push(`${lines.join('\n')}\n\n`);
    return mark;
  };

  // The handbook as it stood before the year: every chosen page, the config and CODEOWNERS.
  const contents = new Map<string, string>();
  const initialOps: Op[] = [];
  for (const file of chosen) {
    const text = readFileSync(path.join(corpusDir, file), 'utf8');
    contents.set(file, text);
    initialOps.push({ action: 'modified', file, blob: await blob(text) });
  }
  initialOps.push({ action: 'modified', file: '.policylint.yml', blob: await blob(CONFIG) });
  initialOps.push({ action: 'modified', file: '.gitlab/CODEOWNERS', blob: await blob(CODEOWNERS) });
  const yearStart = Date.UTC(params.year, 0, 1) / 1000;
  const yearEnd = Date.UTC(params.year + 1, 0, 1) / 1000;
  let main = await commit('refs/heads/main', USER.maintainer, USER.maintainer, yearStart - 30 * 86400, 'Import the handbook', undefined, undefined, initialOps);

  // Pages still in the tree, with O(1) removal.
  const live = [...chosen];
  const at = new Map(live.map((file, i) => [file, i]));
  const remove = (file: string) => {
    const i = at.get(file)!;
    const last = live.pop()!;
    if (last !== file) {
      live[i] = last;
      at.set(last, i);
    }
    at.delete(file);
  };
  const add = (file: string) => {
    at.set(file, live.length);
    live.push(file);
  };
  const pick = () => live[Math.floor(random() * live.length)]!;
  const iso = (time: number) => new Date(time * 1000).toISOString();
  const day = (time: number) => iso(time).slice(0, 10);

  const planned: Planned[] = [];
  const actions: Record<Action, number> = { modified: 0, renamed: 0, deleted: 0, review: 0 };
  let reviewEvents = 0;
  const step = (yearEnd - yearStart) / params.commits;
  let iid = 0;
  for (let n = 0; n < params.commits; n++) {
    const time = Math.floor(yearStart + (n + 0.5) * step);
    const direct = random() < params.directShare;
    const authorId = WRITERS[Math.floor(random() * WRITERS.length)]!.id;
    const roll = random();
    const ops: Op[] = [];
    let title: string;
    if (roll < 0.02) {
      const file = pick();
      ops.push({ action: 'deleted', file });
      remove(file);
      contents.delete(file);
      title = `Retire ${path.posix.basename(file)}`;
    } else if (roll < 0.05) {
      const file = pick();
      const to = file.replace(/\.md$/, `-r${n}.md`);
      ops.push({ action: 'renamed', file, to });
      remove(file);
      add(to);
      contents.set(to, contents.get(file)!);
      contents.delete(file);
      title = `Rename ${path.posix.basename(file)}`;
    } else if (roll < 0.15) {
      const file = pick();
      const text = setReviewDate(contents.get(file)!, day(time));
      const before = reviewDateOf(contents.get(file)!);
      if (before !== undefined && before !== day(time) && reviewDateOf(text) === day(time)) reviewEvents += 1;
      contents.set(file, text);
      ops.push({ action: 'review', file, blob: await blob(text) });
      title = `Annual review of ${path.posix.basename(file)}`;
    } else {
      const files = new Set([pick()]);
      if (random() < 0.3) files.add(pick());
      for (const file of files) {
        const text = `${contents.get(file)!}\nChange ${n + 1}: clarified by ${USERNAMES[authorId]} on ${day(time)}.\n`;
        contents.set(file, text);
        ops.push({ action: 'modified', file, blob: await blob(text) });
      }
      title = `Update ${[...files].map((f) => path.posix.basename(f)).join(' and ')}`;
    }
    for (const op of ops) actions[op.action] += 1;
    let approvals: Planned['approvals'] = [];
    let met = false;
    if (!direct) {
      if (random() < params.authorOnlyShare) approvals = [{ user_id: authorId, approved_at: iso(time - 900) }];
      else {
        const approvers = new Set<number>([USER.lead]);
        for (const op of ops) {
          const owner = folderOwner(op.file, random);
          if (owner !== undefined) approvers.add(owner);
        }
        approvals = [...approvers].map((user_id, i) => ({ user_id, approved_at: iso(time - 1200 + i * 60) }));
        met = true;
      }
    }
    planned.push({ kind: direct ? 'direct' : 'merge', iid: direct ? 0 : ++iid, authorId, title, time, ops, approvals, met });
  }

  for (const plan of planned) {
    if (plan.kind === 'direct') {
      main = await commit('refs/heads/main', plan.authorId, plan.authorId, plan.time, plan.title, main, undefined, plan.ops);
    } else {
      const branch = await commit('refs/heads/merge-request', plan.authorId, plan.authorId, plan.time - 1800, plan.title, main, undefined, plan.ops);
      const message = `Merge branch 'mr-${plan.iid}' into 'main'\n\n${plan.title}\n\nSee merge request acme/handbook!${plan.iid}`;
      main = await commit('refs/heads/main', USER.maintainer, USER.maintainer, plan.time, message, main, branch, plan.ops);
    }
  }
  await out.push('done\n');
  await out.flush();
  importer.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import exited ${code}: ${importerErrors.slice(-2000)}`);
  git('update-ref', '-d', 'refs/heads/merge-request');

  // One git log gives every first-parent commit, oldest first, with its parents: the branch commit is a merge's second parent.
  const log = git('log', '--first-parent', '--reverse', '--format=%H %P', 'main').toString().trim().split('\n');
  if (log.length !== params.commits + 1) throw new Error(`expected ${params.commits + 1} commits on main, git log shows ${log.length}`);
  const mergeRequests: BenchMergeRequest[] = [];
  const directPushes: string[] = [];
  let pageChanges = 0;
  let directChanges = 0;
  let expectedMet = 0;
  for (const [i, plan] of planned.entries()) {
    const [sha, , second] = log[i + 1]!.split(' ') as [string, string, string | undefined];
    pageChanges += plan.ops.length;
    if (plan.kind === 'direct') {
      directPushes.push(sha);
      directChanges += plan.ops.length;
      continue;
    }
    if (plan.met) expectedMet += plan.ops.length;
    mergeRequests.push({
      iid: plan.iid,
      title: plan.title,
      authorId: plan.authorId,
      branchCommit: second!,
      mergeCommit: sha,
      createdAt: iso(plan.time - 3 * 3600),
      mergedAt: iso(plan.time),
      approvals: plan.approvals,
    });
  }

  // Only what the command reads from the work tree: the config (CODEOWNERS too, for a person looking).
  mkdirSync(path.join(repo, '.gitlab'), { recursive: true });
  writeFileSync(path.join(repo, '.policylint.yml'), CONFIG);
  writeFileSync(path.join(repo, '.gitlab', 'CODEOWNERS'), CODEOWNERS);
  const packBytes = Number(/size-pack: (\d+)/.exec(git('count-objects', '-v').toString())?.[1] ?? NaN) * 1024;

  return {
    params,
    since: `${params.year}-01-01`,
    until: `${params.year}-12-31`,
    pages: params.pages,
    commits: params.commits,
    mergeRequests,
    directPushes,
    pageChanges,
    directChanges,
    expectedMet,
    actions,
    reviewEvents,
    packBytes,
  };
}

/** The fake GitLab's seed: project 42 `acme/handbook`, the owners (one a group), the writers, every merged merge request, and the direct pushes as commits no merge request brought. */
export function evidenceSeed(history: EvidenceHistory): Partial<SeedData> {
  const users = Object.entries(USERNAMES).map(([id, username]) => ({
    id: Number(id),
    username,
    name: nameOf(Number(id)),
    bot: Number(id) === USER.bot,
    public_email: emailOf(Number(id)),
  }));
  return {
    users,
    tokens: [{ token: TOKEN, user_id: USER.bot, scopes: ['read_api'] }],
    groups: [
      {
        id: 100,
        full_path: 'acme/security',
        members: [
          { user_id: USER.secOwner, access_level: 40 },
          { user_id: USER.secMember, access_level: 30 },
        ],
      },
    ],
    projects: [
      {
        id: PROJECT_ID,
        path_with_namespace: 'acme/handbook',
        default_branch: 'main',
        members: users.filter((u) => u.id !== USER.bot).map((u) => ({ user_id: u.id, access_level: u.id === USER.maintainer ? 40 : 30 })),
        repository_commits: history.directPushes,
      },
    ],
    merge_requests: history.mergeRequests.map((mr) => ({
      project_id: PROJECT_ID,
      iid: mr.iid,
      state: 'merged' as const,
      title: mr.title,
      author_id: mr.authorId,
      source_branch: `mr-${mr.iid}`,
      target_branch: 'main',
      created_at: mr.createdAt,
      commits: [
        {
          id: mr.branchCommit,
          message: mr.title,
          author_name: nameOf(mr.authorId),
          author_email: emailOf(mr.authorId),
          // The branch commit is written half an hour before the merge.
          authored_date: new Date(Date.parse(mr.mergedAt) - 1800_000).toISOString(),
        },
      ],
      merged_by: USER.maintainer,
      merged_at: mr.mergedAt,
      merge_commit_sha: mr.mergeCommit,
      approved_by: mr.approvals,
    })),
  };
}
