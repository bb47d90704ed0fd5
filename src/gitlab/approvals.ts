// Who approved the MR, who the CODEOWNERS owners are, and CODEOWNERS as the target branch has it.
import { CODEOWNERS_PATHS } from '../codeowners/load.js';
import type { CodeownersFile, Owner } from '../codeowners/types.js';
import { git, GitError } from '../git/exec.js';
import { GitLabApiError, type GitLabApi } from './client.js';

/** Usernames of everyone who approved (GitLab lists all approvers, whether or not a rule counts them). */
export async function fetchApprovedBy(api: GitLabApi, projectId: string | number, iid: number): Promise<string[]> {
  const approvals = await api.MergeRequestApprovals.showConfiguration(projectId, { mergerequestIId: iid });
  const approvedBy = (approvals.approved_by ?? []) as Array<{ user?: { username?: string } }>;
  return approvedBy.flatMap((a) => (a.user?.username ? [a.user.username] : []));
}

/** `@@developer` means direct project members with exactly that role (research/codeowners.md §7). */
const ROLE_LEVELS: Readonly<Record<string, number>> = { developer: 30, maintainer: 40, owner: 50 };

interface Member {
  username: string;
  state?: string;
  access_level?: number;
}

const activeUsernames = (members: readonly Member[]) => members.filter((m) => (m.state ?? 'active') === 'active').map((m) => m.username);

/** Direct members of a group, or null when no such group exists (then `@name` is a user). */
async function groupMembers(api: GitLabApi, fullPath: string): Promise<string[] | null> {
  try {
    await api.Groups.show(fullPath);
  } catch (error) {
    if (error instanceof GitLabApiError && error.status === 404) return null;
    throw error;
  }
  return activeUsernames((await api.GroupMembers.all(fullPath, { perPage: 100 })) as Member[]);
}

/**
 * Members behind every group and role owner, keyed by the owner as written. `@name` may be a
 * user or a top-level group; it is looked up as a group and left out when there is none.
 */
export async function resolveOwnerMembers(api: GitLabApi, projectId: string | number, owners: readonly Owner[]): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  let projectMembers: Member[] | undefined;
  for (const owner of owners) {
    if (members.has(owner.text)) continue;
    if (owner.kind === 'role') {
      projectMembers ??= (await api.ProjectMembers.all(projectId, { perPage: 100 })) as Member[];
      const level = ROLE_LEVELS[owner.text.slice(2).toLowerCase().replace(/s$/, '')];
      members.set(owner.text, activeUsernames(projectMembers.filter((m) => m.access_level === level)));
    } else if (owner.kind === 'group' || owner.kind === 'user') {
      const found = await groupMembers(api, owner.text.slice(1));
      if (found) members.set(owner.text, found);
    }
  }
  return members;
}

/** Owners of every section that matches any of the paths. */
export function ownersFor(codeowners: CodeownersFile, paths: readonly string[]): Owner[] {
  const owners = new Map<string, Owner>();
  for (const path of paths) for (const match of codeowners.match(path)) for (const owner of match.entry.owners) owners.set(owner.text, owner);
  return [...owners.values()];
}

/** Where the MR's CODEOWNERS was found, for the log. */
export interface CodeownersSource {
  /** A git ref holding CODEOWNERS as on the target branch, for `loadCodeownersAtRef`. */
  ref: string;
  description: string;
}

async function isCommit(gitRoot: string, ref: string): Promise<boolean> {
  try {
    await git(gitRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return true;
  } catch (error) {
    if (error instanceof GitError) return false;
    throw error;
  }
}

/** The target branch's CODEOWNERS from the API, the first of GitLab's lookup paths that exists. */
async function codeownersFromApi(api: GitLabApi, projectId: string | number, branch: string): Promise<{ path: string; content: string } | null> {
  for (const path of CODEOWNERS_PATHS) {
    try {
      const raw = await api.RepositoryFiles.showRaw(projectId, path, branch);
      return { path, content: typeof raw === 'string' ? raw : await raw.text() };
    } catch (error) {
      if (!(error instanceof GitLabApiError && error.status === 404)) throw error;
    }
  }
  return null;
}

const API_COPY_REF = 'refs/policylint/target-codeowners';

/** Stores a file as the only content of a local commit, so the engine reads it like any ref. */
async function commitFile(gitRoot: string, path: string, content: string): Promise<string> {
  const env = { GIT_AUTHOR_NAME: 'policylint', GIT_AUTHOR_EMAIL: 'policylint@localhost', GIT_COMMITTER_NAME: 'policylint', GIT_COMMITTER_EMAIL: 'policylint@localhost' };
  const blob = (await git(gitRoot, ['hash-object', '-w', '--stdin'], { input: content, env })).trim();
  const segments = path.split('/');
  let entry = `100644 blob ${blob}\t${segments.pop()}\n`;
  // Build the tree bottom-up for paths like `.gitlab/CODEOWNERS`.
  for (const directory of segments.reverse()) entry = `040000 tree ${(await git(gitRoot, ['mktree'], { input: entry, env })).trim()}\t${directory}\n`;
  const tree = (await git(gitRoot, ['mktree'], { input: entry, env })).trim();
  const commit = (await git(gitRoot, ['commit-tree', tree, '-m', 'CODEOWNERS of the merge request target branch (policylint)'], { input: '', env })).trim();
  await git(gitRoot, ['update-ref', API_COPY_REF, commit]);
  return API_COPY_REF;
}

/**
 * GitLab applies CODEOWNERS from the target branch, never the MR's own edits. Prefer the
 * fetched remote branch; else copy the file from the API into a local ref; else the MR's merge base.
 */
export async function targetCodeownersRef(options: {
  gitRoot: string;
  targetBranch: string;
  api: GitLabApi | null;
  projectId: string | number;
  baseSha: string | undefined;
}): Promise<CodeownersSource | null> {
  const remote = `refs/remotes/origin/${options.targetBranch}`;
  if (await isCommit(options.gitRoot, remote)) return { ref: remote, description: `origin/${options.targetBranch}` };
  if (options.api) {
    const file = await codeownersFromApi(options.api, options.projectId, options.targetBranch);
    if (file) return { ref: await commitFile(options.gitRoot, file.path, file.content), description: `${options.targetBranch} (read through the API)` };
    return { ref: await commitFile(options.gitRoot, '.policylint-no-codeowners', ''), description: `${options.targetBranch}, which has no CODEOWNERS` };
  }
  if (options.baseSha && (await isCommit(options.gitRoot, options.baseSha))) return { ref: options.baseSha, description: `the merge base ${options.baseSha.slice(0, 8)} (origin/${options.targetBranch} is not fetched)` };
  return null;
}
