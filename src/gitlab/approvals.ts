// What GitLab recorded about a merge request's approvals, gathered once before the approval
// rules judge it: who approved and when, who authored and pushed, when each file last changed,
// and whether each approver is an eligible member of the groups and roles CODEOWNERS names.
// Anything that cannot be read makes the evidence "not verified": the control fails closed.
import { createHash } from 'node:crypto';
import type { Approval, ApprovalEvidence, ApprovalFacts, Membership } from '../approvals/types.js';
import type { Owner } from '../codeowners/types.js';
import { readBlobsAt } from '../git/objects.js';
import { fixForApiError, GitLabApiError, type ApiErrorFixes, type GitLabApi } from './client.js';
import { DEVELOPER, findUser, roleLevel } from './owners.js';
import { describeError } from './redact.js';

export interface EvidenceOptions {
  api: GitLabApi;
  projectId: string;
  iid: number;
  gitRoot: string;
  author: { id: number; username: string } | undefined;
  /** Paths whose last change matters (every owner path of every subject). */
  paths: readonly string[];
  /** Owners of every CODEOWNERS entry that must approve something. */
  owners: readonly Owner[];
}

interface Member {
  id: number;
  username: string;
  state?: string;
  access_level?: number;
}

interface Version {
  id: number;
  head_commit_sha: string;
  base_commit_sha: string;
  created_at: string;
}

interface DiffEntry {
  old_path: string;
  new_path: string;
  diff: string;
  deleted_file?: boolean;
  collapsed?: boolean;
  too_large?: boolean;
}

/** What to do when the job's token cannot read something. */
export const MR_API_FIXES: ApiErrorFixes = {
  unauthorized: 'The token was refused: it is invalid, revoked or expired; renew it (CI/CD variable GITLAB_TOKEN) and retry the job.',
  forbidden: 'The token may not read this: give it the read_api (or api) scope and at least the Reporter role in the project, then retry the job.',
  notFound: "GitLab answered 404 Not Found: check CI_MERGE_REQUEST_PROJECT_ID and that the token's user is a member of the project.",
  otherwise: 'GitLab did not answer in time or failed; retry the job.',
};

const isNotFound = (error: unknown) => error instanceof GitLabApiError && error.status === 404;

/** Thrown by a step whose failure leaves nothing verifiable. */
class EvidenceUnavailable extends Error {
  constructor(
    readonly what: string,
    override readonly cause: unknown,
  ) {
    super(what);
  }
}

async function step<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new EvidenceUnavailable(what, error);
  }
}

/** Who approved a merge request and when (`approved_by[].user`, `approved_at`), as GitLab's approvals endpoint reports it. */
export async function readApprovals(api: GitLabApi, projectId: string, iid: number): Promise<Approval[]> {
  const state = await api.MergeRequestApprovals.showConfiguration(projectId, { mergerequestIId: iid });
  const approvedBy = (state.approved_by ?? []) as Array<{ user?: { id?: number; username?: string }; approved_at?: string | null }>;
  return approvedBy.flatMap((entry) =>
    entry.user?.id !== undefined && entry.user.username
      ? [{ userId: entry.user.id, username: entry.user.username, approvedAt: entry.approved_at ?? undefined }]
      : [],
  );
}

/**
 * What a version showed of a file: the pair (content at the version's base, content at its head) by
 * git blob when the clone has every version's commits, else the version's diff from the API. A pair,
 * not the head alone: merging the target branch while keeping a document's old text changes what
 * the merge request does to it although its head content stays the same.
 */
type Signature = string | null;

/** Each path's content digest at a commit, or undefined when git cannot tell (commit missing, path unnameable). */
async function digestsAt(gitRoot: string, commit: string, paths: readonly string[]): Promise<Map<string, string | null> | undefined> {
  const read = await readBlobsAt(gitRoot, commit, paths);
  if (!read.commitFound) return undefined;
  const digests = new Map<string, string | null>();
  for (const path of paths) {
    const blob = read.blobs.get(path);
    if (blob === undefined) return undefined; // unnameable in a batch: let the API decide
    digests.set(path, blob === null ? null : createHash('sha256').update(blob).digest('hex'));
  }
  return digests;
}

async function signaturesFromGit(gitRoot: string, versions: readonly Version[], paths: readonly string[]): Promise<Map<string, Signature[]> | undefined> {
  const byPath = new Map<string, Signature[]>(paths.map((path) => [path, []]));
  // Versions share bases (and a push's head is often the next one's base): read each commit once.
  const read = new Map<string, Promise<Map<string, string | null> | undefined>>();
  const at = (commit: string) => {
    if (!read.has(commit)) read.set(commit, digestsAt(gitRoot, commit, paths));
    return read.get(commit)!;
  };
  const oldestBase = versions.at(-1)!.base_commit_sha;
  // One more "version" at the end, showing no change: so a file the first push changed counts as changed then.
  for (const [base, head] of [...versions.map((v) => [v.base_commit_sha, v.head_commit_sha] as const), [oldestBase, oldestBase] as const]) {
    const before = await at(base);
    const after = await at(head);
    if (!before || !after) return undefined;
    for (const path of paths) byPath.get(path)!.push(before.get(path) === after.get(path) ? 'unchanged' : `${before.get(path)}>${after.get(path)}`);
  }
  return byPath;
}

async function signaturesFromApi(options: EvidenceOptions, versions: readonly Version[]): Promise<Map<string, Signature[]>> {
  const byPath = new Map<string, Signature[]>(options.paths.map((path) => [path, []]));
  let unique = 0;
  for (const version of versions) {
    const detail = await options.api.MergeRequests.showDiffVersion(options.projectId, options.iid, version.id);
    const diffs = ((detail as { diffs?: DiffEntry[] }).diffs ?? []) as DiffEntry[];
    for (const path of options.paths) {
      const entry = diffs.find((d) => d.new_path === path || d.old_path === path);
      // A collapsed diff hides the content: count it as a change (it cannot be shown the same).
      const signature = !entry
        ? null
        : entry.collapsed || entry.too_large
          ? `unknown ${unique++}`
          : JSON.stringify([entry.old_path, entry.new_path, entry.deleted_file ?? false, entry.diff]);
      byPath.get(path)!.push(signature);
    }
  }
  for (const signatures of byPath.values()) signatures.push(null); // before the first version, the merge request changed nothing
  return byPath;
}

/**
 * created_at of the newest version in which each path differs from the version before it. A path
 * with no such version is dated at the newest version: only approvals of what is there now count.
 */
async function lastChanges(options: EvidenceOptions): Promise<Map<string, string>> {
  const versions = (await options.api.MergeRequests.allDiffVersions(options.projectId, options.iid)) as unknown as Version[];
  if (versions.length === 0) throw new Error('GitLab has no version of the merge request yet (its diff is still being computed); retry the job');
  versions.sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || b.id - a.id);
  const changed = new Map<string, string>();
  if (options.paths.length === 0) return changed;
  const signatures = (await signaturesFromGit(options.gitRoot, versions, options.paths)) ?? (await signaturesFromApi(options, versions));
  for (const [path, list] of signatures) {
    const index = versions.findIndex((_, i) => list[i] !== list[i + 1]);
    changed.set(path, versions[index === -1 ? 0 : index]!.created_at);
  }
  return changed;
}

/** GitLab writes private commit emails as `<id>-<username>@users.noreply.<host>`: the id is the user. */
const NOREPLY_EMAIL = /^(\d+)-[^@]+@users\.noreply\./i;

/** An approver's public email, from their profile (`GET /users/:id`). */
async function readPublicEmail(api: GitLabApi, userId: number): Promise<string | null> {
  const user = (await api.Users.show(userId)) as { public_email?: string | null };
  return user.public_email || null;
}

/**
 * Users who pushed to the merge request (GitLab's "added N commits" notes name the pusher) or
 * whose commit email identifies them: a private commit email names the user, and an approver
 * whose public email (read with `publicEmail`) wrote or committed one of its commits.
 */
export async function committerIds(
  api: GitLabApi,
  projectId: string,
  iid: number,
  approvals: readonly Approval[],
  publicEmail: (userId: number) => Promise<string | null> = (userId) => readPublicEmail(api, userId),
): Promise<Set<number>> {
  const ids = new Set<number>();
  const notes = (await api.MergeRequestNotes.all(projectId, iid, { perPage: 100 })) as Array<{
    system?: boolean;
    body?: string;
    author?: { id?: number };
  }>;
  for (const note of notes) {
    if (note.system && /^added \d+ (?:new )?commits?\b/.test(note.body ?? '') && note.author?.id !== undefined) ids.add(note.author.id);
  }
  const commits = (await api.MergeRequests.allCommits(projectId, iid, { perPage: 100 })) as Array<{
    author_email?: string;
    committer_email?: string;
  }>;
  const emails = new Set(
    commits
      .flatMap((c) => [c.author_email, c.committer_email])
      .filter((e): e is string => !!e)
      .map((e) => e.toLowerCase()),
  );
  for (const email of emails) {
    const noreply = NOREPLY_EMAIL.exec(email);
    if (noreply) ids.add(Number(noreply[1]));
  }
  for (const approval of approvals) {
    if (ids.has(approval.userId)) continue;
    const email = await publicEmail(approval.userId);
    if (email && emails.has(email.toLowerCase())) ids.add(approval.userId);
  }
  return ids;
}

/** Approvers who are not an active project member with at least Developer, with why. */
async function ineligibleApprovers(options: EvidenceOptions, approvals: readonly Approval[]): Promise<Map<number, string>> {
  const ineligible = new Map<number, string>();
  for (const approval of approvals) {
    let member: Member;
    try {
      member = (await options.api.ProjectMembers.show(options.projectId, approval.userId, { includeInherited: true })) as unknown as Member;
    } catch (error) {
      if (!isNotFound(error)) throw error;
      ineligible.set(approval.userId, 'not a member of the project');
      continue;
    }
    if ((member.state ?? 'active') !== 'active') ineligible.set(approval.userId, `account is ${member.state}`);
    else if ((member.access_level ?? 0) < DEVELOPER) ineligible.set(approval.userId, 'project role below Developer');
  }
  return ineligible;
}

export type OwnerKind =
  { kind: 'user' } | { kind: 'group' } | { kind: 'role'; level: number } | { kind: 'unresolved'; why: string } | { kind: 'unverified'; why: string };

/**
 * What an owner reference names. `@name` may be a user or a top-level group; `@a/b` is a group,
 * which the token must be able to see (GitLab hides private groups behind 404).
 */
export async function resolveOwner(api: GitLabApi, owner: Owner): Promise<OwnerKind> {
  if (owner.kind === 'role') {
    const level = roleLevel(owner);
    return level === undefined ? { kind: 'unresolved', why: 'is not a role' } : { kind: 'role', level };
  }
  if (owner.kind === 'email') return { kind: 'user' };
  const name = owner.text.slice(1);
  try {
    await api.Groups.show(name);
    return { kind: 'group' };
  } catch (error) {
    if (!isNotFound(error)) return { kind: 'unverified', why: `${owner.text}: the group could not be read (${describeError(error, [])})` };
  }
  if (owner.kind === 'group')
    return { kind: 'unverified', why: `${owner.text} is not a group the token can see (a private group the token's user is not a member of, or deleted)` };
  if (await findUser(api, name)) return { kind: 'user' };
  return { kind: 'unresolved', why: 'names no user and no group the token can see' };
}

/** Whether `userId` stands for a group or role owner; user owners are matched by username, so always `no` here. */
export async function memberOf(api: GitLabApi, projectId: string, owner: Owner, kind: OwnerKind, userId: number): Promise<Membership> {
  if (kind.kind === 'user' || kind.kind === 'unresolved') return 'no'; // users are matched by username
  if (kind.kind === 'unverified') return { unverified: kind.why };
  try {
    if (kind.kind === 'role') {
      // Roles mean direct project members with exactly that role.
      const member = (await api.ProjectMembers.show(projectId, userId)) as unknown as Member;
      return member.access_level === kind.level ? 'yes' : 'no';
    }
    // Groups mean their direct members, with at least Developer in the group.
    const member = (await api.GroupMembers.show(owner.text.slice(1), userId)) as unknown as Member;
    return (member.access_level ?? 0) >= DEVELOPER && (member.state ?? 'active') === 'active' ? 'yes' : 'no';
  } catch (error) {
    if (isNotFound(error)) return 'no';
    return { unverified: `membership in ${owner.text} could not be read (${describeError(error, [])})` };
  }
}

export async function gatherApprovalEvidence(options: EvidenceOptions): Promise<ApprovalEvidence> {
  try {
    const approvals = await step('the approvals', () => readApprovals(options.api, options.projectId, options.iid));
    const lastChangedAt = await step('the versions of the merge request (to tell approvals given before the last push)', () => lastChanges(options));
    const committers = await step('the commits and pushes of the merge request', () => committerIds(options.api, options.projectId, options.iid, approvals));
    const ineligible = await step("the approvers' project membership", () => ineligibleApprovers(options, approvals));

    const owners = new Map(options.owners.map((owner) => [owner.text.toLowerCase(), owner]));
    const kinds = new Map<string, OwnerKind>();
    for (const [key, owner] of owners) kinds.set(key, await step(`who ${owner.text} is`, () => resolveOwner(options.api, owner)));
    const memberships = new Map<string, Membership>();
    for (const [key, owner] of owners) {
      for (const approval of approvals)
        memberships.set(`${key}\0${approval.userId}`, await memberOf(options.api, options.projectId, owner, kinds.get(key)!, approval.userId));
    }

    const unresolvedOwners = new Map<string, string>();
    for (const [key, kind] of kinds) if (kind.kind === 'unresolved') unresolvedOwners.set(key, kind.why);
    const facts: ApprovalFacts = {
      author: options.author,
      committerIds: committers,
      approvals,
      lastChangedAt,
      ineligible,
      unresolvedOwners,
      membership: (owner, approverId) => memberships.get(`${owner.text.toLowerCase()}\0${approverId}`) ?? 'no',
    };
    return { verified: true, facts };
  } catch (error) {
    if (!(error instanceof EvidenceUnavailable)) throw error;
    return {
      verified: false,
      reason: `GitLab could not be asked for ${error.what} (${describeError(error.cause, [])})`,
      fix: fixForApiError(error.cause, MR_API_FIXES),
    };
  }
}
