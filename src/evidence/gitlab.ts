// What GitLab says about the changes `policylint evidence` reports: for each commit on the default branch, the
// merged merge request that brought it and who approved it; and, to judge those approvals, who each owner is.
// Calls are batched, de-duplicated and bounded in number at once; a GitLab that fails or refuses the token stops
// being asked. What could not be told is `unavailable`, never `none`: a direct push must be confirmed by GitLab.
import type { Approval, Membership } from '../approvals/types.js';
import type { Owner } from '../codeowners/types.js';
import { committerIds, memberOf, readApprovals, resolveOwner, type OwnerKind } from '../gitlab/approvals.js';
import { fixForApiError, GitLabApiError, type ApiErrorFixes, type GitLabApi } from '../gitlab/client.js';
import { describeError } from '../gitlab/redact.js';

export interface MergedRequestFacts {
  iid: number;
  title: string;
  webUrl: string;
  author: { id: number; username: string } | null;
  /** Username. */
  mergedBy: string | null;
  mergedAt: string | null;
  /** From `GET .../merge_requests/:iid/approvals` (`approved_by[].user`, `approved_at`). */
  approvals: Approval[];
  /**
   * Users who pushed to it or wrote or committed its commits (as `policylint mr` tells them), when
   * asked for (`committers`); `unavailable` when GitLab could not say.
   */
  committers: { ids: number[] } | { unavailable: string } | null;
}

export type CommitMergeRequest =
  | { kind: 'merge-request'; mr: MergedRequestFacts }
  /** GitLab confirms no merged MR into the default branch brought this commit (a direct push). */
  | { kind: 'none' }
  /** Could not be told: never treated as "none". */
  | { kind: 'unavailable'; reason: string; fix: string };

export interface MergeRequestLookupOptions {
  api: GitLabApi;
  projectId: string;
  defaultBranch: string;
  /** Start of the period (ISO): merged MRs updated before it cannot have been merged in it. */
  updatedAfter: string;
  /** Requests to GitLab at once; default 4. */
  concurrency?: number;
  /** Also read who pushed to and wrote each merge request (when committers may not approve), an approver's public email with this. */
  committers?: { publicEmail(userId: number): Promise<string | null> };
  onProgress?: (done: number, total: number) => void;
}

/** What to do when the token cannot read the project's history of merge requests. */
export const EVIDENCE_API_FIXES: ApiErrorFixes = {
  unauthorized: 'The token was refused: it is invalid, revoked or expired; renew it and run policylint evidence again.',
  forbidden: "The token may not read the project's merge requests: give it the read_api scope and at least the Reporter role in the project, then run again.",
  notFound:
    "GitLab answered 404 Not Found: check the project and that the token's user is a member of it; a commit GitLab does not have was never pushed to that project.",
  otherwise: 'GitLab did not answer in time or failed; run policylint evidence again later.',
};

/** Failures in a row (each after the client's own retries) after which GitLab is no longer asked. */
const FAILURES_IN_A_ROW = 3;
const PER_PAGE = 100;

/** The fields of GitLab's MergeRequestBasic entity read here. */
interface MergeRequestEntity {
  iid: number;
  title?: string;
  web_url?: string;
  state?: string;
  target_branch?: string;
  author?: { id?: number; username?: string } | null;
  /** Deprecated for `merge_user`; both name who merged (`merge_user` may also be who set auto-merge). */
  merged_by?: { username?: string } | null;
  merge_user?: { username?: string } | null;
  merged_at?: string | null;
  merge_commit_sha?: string | null;
  squash_commit_sha?: string | null;
  /** Head of the latest diff: the commit a fast-forward merge lands. */
  sha?: string | null;
}

interface PageOf<T> {
  data: T[];
  paginationInfo: { next: number | null; totalPages: number };
}

/** Thrown instead of calling GitLab once it refused the token or stopped answering. */
class NotAsked extends Error {
  constructor(
    readonly why: string,
    readonly trippedBy: unknown,
  ) {
    super(why);
  }
}

/**
 * Stops calling GitLab once it refused the token (401, 403), does not show the project (404 Project Not Found) or
 * failed `FAILURES_IN_A_ROW` times in a row: then every call not yet made fails at once with NotAsked. A refusal of
 * one resource (404 Commit Not Found, 400) is an answer, not a failure.
 */
class CircuitBreaker {
  private inARow = 0;
  private tripped: NotAsked | undefined;

  async call<T>(run: () => Promise<T>): Promise<T> {
    if (this.tripped) throw this.tripped;
    try {
      const result = await run();
      this.inARow = 0;
      return result;
    } catch (error) {
      this.record(error);
      throw error;
    }
  }

  private record(error: unknown): void {
    const status = error instanceof GitLabApiError ? error.status : null;
    if (status === 401 || status === 403) {
      this.trip(`GitLab refused the token (${describeError(error, [])})`, error);
    } else if (status === 404 && /\b404 Project Not Found\b/.test((error as Error).message)) {
      // Every other question is about the same project.
      this.trip(`GitLab does not show the project to the token (${describeError(error, [])})`, error);
    } else if (status === null || status === 429 || status >= 500) {
      this.inARow += 1;
      if (this.inARow >= FAILURES_IN_A_ROW)
        this.trip(`GitLab stopped answering after ${this.inARow} failed requests in a row (the last: ${describeError(error, [])})`, error);
    } else {
      this.inARow = 0;
    }
  }

  private trip(why: string, error: unknown): void {
    this.tripped ??= new NotAsked(why, error);
  }
}

type Limit = <T>(task: () => Promise<T>, first?: boolean) => Promise<T>;

/** Runs at most `concurrency` tasks at once, the others in the order they were given; `first` ones ahead of the rest. */
function limiter(concurrency: number): Limit {
  let active = 0;
  const ahead: Array<() => void> = [];
  const waiting: Array<() => void> = [];
  return async (task, first = false) => {
    if (active < concurrency) active += 1;
    else await new Promise<void>((resolve) => (first ? ahead : waiting).push(resolve));
    try {
      return await task();
    } finally {
      const next = ahead.shift() ?? waiting.shift();
      if (next) next();
      else active -= 1;
    }
  };
}

const short = (sha: string) => sha.slice(0, 8);
const time = (value: string | null | undefined) => (value ? Date.parse(value) : NaN);

/** Of several merged MRs related to `sha`: the one whose merge or squash commit it is, else the earliest merged (then the lowest iid). */
function pick(candidates: readonly MergeRequestEntity[], sha: string): MergeRequestEntity {
  const exact = candidates.filter((mr) => mr.merge_commit_sha === sha || mr.squash_commit_sha === sha);
  const pool = exact.length > 0 ? exact : candidates;
  const mergedAt = (mr: MergeRequestEntity) => (Number.isNaN(time(mr.merged_at)) ? Infinity : time(mr.merged_at));
  return [...pool].sort((a, b) => mergedAt(a) - mergedAt(b) || a.iid - b.iid)[0]!;
}

function factsOf(mr: MergeRequestEntity, approvals: Approval[], committers: MergedRequestFacts['committers']): MergedRequestFacts {
  const author = mr.author?.id !== undefined && mr.author.username ? { id: mr.author.id, username: mr.author.username } : null;
  return {
    iid: mr.iid,
    title: mr.title ?? '',
    webUrl: mr.web_url ?? '',
    author,
    mergedBy: mr.merged_by?.username ?? mr.merge_user?.username ?? null,
    mergedAt: mr.merged_at ?? null,
    approvals,
    committers,
  };
}

/** The merged merge request (into the default branch) that brought each commit, with its approvals. */
export async function findMergeRequests(commits: readonly string[], options: MergeRequestLookupOptions): Promise<Map<string, CommitMergeRequest>> {
  const { api, projectId, defaultBranch } = options;
  const unique = [...new Set(commits)];
  const results = new Map<string, CommitMergeRequest>();
  if (unique.length === 0) return results;

  const limit = limiter(Math.max(1, Math.floor(options.concurrency ?? 4)));
  const breaker = new CircuitBreaker();
  const call = <T>(run: () => Promise<T>, first = false) => limit(() => breaker.call(run), first);
  const isMergedIntoDefault = (mr: MergeRequestEntity) => mr.state === 'merged' && mr.target_branch === defaultBranch;

  const unavailable = (error: unknown, what: string, notAsked: string): CommitMergeRequest =>
    error instanceof NotAsked
      ? { kind: 'unavailable', reason: `${error.why}; ${notAsked}.`, fix: fixForApiError(error.trippedBy, EVIDENCE_API_FIXES) }
      : { kind: 'unavailable', reason: `${what} (${describeError(error, [])}).`, fix: fixForApiError(error, EVIDENCE_API_FIXES) };

  // 1. Merged MRs of the period, indexed by the commits a merge lands on the default branch.
  const index = await indexMergedRequests(options, call, isMergedIntoDefault);

  // 3. Approvals, once per merge request; ahead of the lookups still waiting, so each commit is done as soon as can be.
  const approvals = new Map<number, Promise<Approval[]>>();
  const approvalsOf = (iid: number): Promise<Approval[]> => {
    const known = approvals.get(iid);
    if (known) return known;
    const read = call(() => readApprovals(api, projectId, iid), true);
    approvals.set(iid, read);
    return read;
  };

  // Who wrote and pushed each merge request: once per merge request, after its approvals (an approver's email is compared).
  const committers = new Map<number, Promise<MergedRequestFacts['committers']>>();
  const committersOf = (iid: number, approved: readonly Approval[]): Promise<MergedRequestFacts['committers']> => {
    const reader = options.committers;
    if (!reader) return Promise.resolve(null);
    // With no approval there is no approver to set aside.
    if (approved.length === 0) return Promise.resolve({ ids: [] });
    if (!committers.has(iid)) {
      const read = call(() => committerIds(api, projectId, iid, approved, (userId) => reader.publicEmail(userId)), true).then(
        (ids) => ({ ids: [...ids].sort((a, b) => a - b) }),
        (error: unknown) => ({ unavailable: error instanceof NotAsked ? error.why : describeError(error, []) }),
      );
      committers.set(iid, read);
    }
    return committers.get(iid)!;
  };

  const lookUp = async (sha: string): Promise<CommitMergeRequest> => {
    let mr = index.has(sha) ? pick(index.get(sha)!, sha) : undefined;
    if (!mr) {
      // 2. Not merged in the period as a merge, squash or fast-forward: ask GitLab about this commit.
      let related: MergeRequestEntity[];
      try {
        related = (await call(() => api.Commits.allMergeRequests(projectId, sha, { perPage: PER_PAGE }))) as unknown as MergeRequestEntity[];
      } catch (error) {
        return unavailable(error, `GitLab could not tell which merge request brought commit ${short(sha)}`, `commit ${short(sha)} was not looked up`);
      }
      const merged = related.filter(isMergedIntoDefault);
      if (merged.length === 0) return { kind: 'none' };
      mr = pick(merged, sha);
    }
    let approved: Approval[];
    try {
      approved = await approvalsOf(mr.iid);
    } catch (error) {
      return unavailable(error, `GitLab could not tell who approved !${mr.iid}`, `the approvals of !${mr.iid} were not read`);
    }
    return { kind: 'merge-request', mr: factsOf(mr, approved, await committersOf(mr.iid, approved)) };
  };

  let done = 0;
  const settled = new Map<string, CommitMergeRequest>();
  await Promise.all(
    unique.map(async (sha) => {
      settled.set(sha, await lookUp(sha));
      done += 1;
      options.onProgress?.(done, unique.length);
    }),
  );
  // In the order the commits were given, whatever order GitLab answered in.
  for (const sha of unique) results.set(sha, settled.get(sha)!);
  return results;
}

/**
 * Merged MRs into the default branch updated since the period started, by merge commit and squash commit, or by head
 * for a fast-forward merge (which lands the head itself). A page that fails leaves its MRs out: their commits are asked
 * about one by one.
 */
async function indexMergedRequests(
  options: MergeRequestLookupOptions,
  call: <T>(run: () => Promise<T>) => Promise<T>,
  isMergedIntoDefault: (mr: MergeRequestEntity) => boolean,
): Promise<Map<string, MergeRequestEntity[]>> {
  const index = new Map<string, MergeRequestEntity[]>();
  const add = (mrs: readonly MergeRequestEntity[]) => {
    for (const mr of mrs.filter(isMergedIntoDefault)) {
      // The head lands on the default branch only when GitLab made neither a merge nor a squash commit (fast-forward).
      const landed = mr.merge_commit_sha || mr.squash_commit_sha ? [mr.merge_commit_sha, mr.squash_commit_sha] : [mr.sha];
      for (const sha of new Set(landed)) {
        if (!sha) continue;
        const known = index.get(sha) ?? [];
        if (!known.some((other) => other.iid === mr.iid)) index.set(sha, [...known, mr]);
      }
    }
  };
  const page = async (n: number) => {
    const response = (await call(() =>
      options.api.MergeRequests.all({
        projectId: options.projectId,
        state: 'merged',
        targetBranch: options.defaultBranch,
        updatedAfter: options.updatedAfter,
        // Oldest first: MRs merged while this runs land on the last pages rather than shifting the others.
        orderBy: 'created_at',
        sort: 'asc',
        perPage: PER_PAGE,
        page: n,
        showExpanded: true,
      }),
    )) as unknown as PageOf<MergeRequestEntity>;
    add(response.data);
    return response.paginationInfo;
  };

  try {
    const first = await page(1);
    if (Number.isFinite(first.totalPages)) {
      // GitLab counted the pages: fetch the rest side by side.
      const rest = Array.from({ length: Math.max(0, first.totalPages - 1) }, (_, i) => i + 2);
      await Promise.all(rest.map((n) => page(n).catch(() => undefined)));
    } else {
      // Over 10,000 MRs GitLab sends no totals: follow x-next-page.
      for (let next = first.next; next !== null; next = (await page(next)).next);
    }
  } catch {
    // Not fatal: every commit not indexed is asked about on its own.
  }
  return index;
}

/** Who CODEOWNERS owners are, for judging approvals across many merge requests; each answer is read from GitLab once. */
export interface OwnerDirectory {
  /** Whether the user stands for a group or role owner, as the merge request check decides it; user owners are matched by username (`no` here). */
  membership(owner: Owner, userId: number): Promise<Membership>;
  /** Why an owner names nobody GitLab can find, or undefined when it names someone (or that could not be told: then `membership` is unverified). */
  unresolved(owner: Owner): Promise<string | undefined>;
  /** The email the user shows on their profile (`GET /users/:id` `public_email`), null when none. Rejects when GitLab could not be asked. */
  publicEmail(userId: number): Promise<string | null>;
}

export function createOwnerDirectory(api: GitLabApi, projectId: string): OwnerDirectory {
  const kinds = new Map<string, Promise<OwnerKind>>();
  const memberships = new Map<string, Promise<Membership>>();
  const emails = new Map<number, Promise<string | null>>();

  const kindOf = (owner: Owner): Promise<OwnerKind> => {
    const key = owner.text.toLowerCase();
    if (!kinds.has(key)) {
      kinds.set(
        key,
        resolveOwner(api, owner).catch((error: unknown): OwnerKind => ({
          kind: 'unverified',
          why: `${owner.text}: who it names could not be read (${describeError(error, [])})`,
        })),
      );
    }
    return kinds.get(key)!;
  };

  return {
    membership(owner, userId) {
      const key = `${owner.text.toLowerCase()}\0${userId}`;
      if (!memberships.has(key))
        memberships.set(
          key,
          kindOf(owner).then((kind) => memberOf(api, projectId, owner, kind, userId)),
        );
      return memberships.get(key)!;
    },
    async unresolved(owner) {
      const kind = await kindOf(owner);
      return kind.kind === 'unresolved' ? kind.why : undefined;
    },
    publicEmail(userId) {
      if (!emails.has(userId)) {
        const read = (async () => {
          const user = (await api.Users.show(userId)) as { public_email?: string | null };
          return user.public_email || null;
        })();
        // A failure is not remembered: the next caller asks again.
        read.catch(() => emails.delete(userId));
        emails.set(userId, read);
      }
      return emails.get(userId)!;
    },
  };
}
