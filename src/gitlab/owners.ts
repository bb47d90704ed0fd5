// What a CODEOWNERS owner reference names in GitLab, shared by the approval check (approvals.ts)
// and the review issues' assignees (review-issues.ts). Each switches on the parsed `Owner.kind`.
import type { Owner } from '../codeowners/types.js';
import type { GitLabApi } from './client.js';

/** GitLab's access levels; code owners, and assignees from a group or role, need at least Developer (research/codeowners.md §7). */
export const DEVELOPER = 30;
const ROLE_LEVELS: Readonly<Record<string, number>> = { developer: 30, maintainer: 40, owner: 50 };

/** The access level a role reference means (`@@maintainers`, `@@Maintainer`: 40); undefined for any other owner. */
export function roleLevel(owner: Owner): number | undefined {
  return owner.kind === 'role' ? ROLE_LEVELS[owner.text.slice(2).toLowerCase().replace(/s$/, '')] : undefined;
}

export interface GitLabUser {
  id: number;
  username: string;
  state?: string;
}

/** The user whose username is exactly `name`, ignoring case (GitLab's `username` filter may answer others). */
export async function findUser(api: GitLabApi, name: string): Promise<GitLabUser | undefined> {
  const users = (await api.Users.all({ username: name })) as GitLabUser[];
  return users.find((user) => user.username.toLowerCase() === name.toLowerCase());
}
