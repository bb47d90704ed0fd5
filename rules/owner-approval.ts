import { z } from 'zod';
import type { Owner, SectionMatch } from '../src/codeowners/types.js';
import { defineRule } from '../src/engine/types.js';
import type { MergeRequestInfo } from '../src/project/types.js';

const options = z.object({}).strict();

/** Lower-cased usernames an owner stands for: the user itself, or the resolved group/role members. */
function usersOf(owner: Owner, members: MergeRequestInfo['ownerMembers']): string[] {
  const resolved = members.get(owner.text);
  if (resolved) return resolved.map((name) => name.toLowerCase());
  // Unresolved `@name` is a user; emails cannot be resolved without admin rights, groups/roles need the API.
  return owner.kind === 'user' ? [owner.text.slice(1).toLowerCase()] : [];
}

function missingApprovalMessage(path: string, match: SectionMatch, approvedOwners: string[], codeownersPath: string): string {
  const needed = match.approvalsRequired - approvedOwners.length;
  const owners = match.entry.owners.map((o) => o.text).join(', ');
  const got = approvedOwners.length > 0 ? `; approved so far by ${approvedOwners.map((u) => `@${u}`).join(', ')}` : '';
  return (
    `${path} needs ${needed} more code-owner approval${needed === 1 ? '' : 's'} from [${match.section.name}] ` +
    `(${codeownersPath}:${match.entry.line} ${match.entry.pattern}: ${owners}${got})`
  );
}

export default defineRule({
  meta: {
    id: 'owner-approval',
    description: 'In a merge request, a changed controlled document needs the approvals its CODEOWNERS sections require (from the target branch)',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/owner-approval.md',
  },
  async check(doc, ctx) {
    const mr = ctx.project.mergeRequest;
    if (!mr || !mr.changedPaths.includes(doc.path)) return;
    // Loaded from the target branch: an MR cannot change who must approve it.
    const codeowners = await ctx.project.codeowners();
    if (!codeowners) return; // codeowners-coverage reports a missing CODEOWNERS
    const approvers = new Set(mr.approvedBy.map((name) => name.toLowerCase()));
    for (const match of codeowners.match(doc.path)) {
      if (match.approvalsRequired === 0) continue;
      const eligible = new Set(match.entry.owners.flatMap((owner) => usersOf(owner, mr.ownerMembers)));
      const approvedOwners = [...eligible].filter((user) => approvers.has(user)).sort();
      if (approvedOwners.length >= match.approvalsRequired) continue;
      ctx.report({
        line: doc.titleLine,
        key: `section:${match.section.name.toLowerCase()}`,
        message: missingApprovalMessage(doc.path, match, approvedOwners, codeowners.path),
      });
    }
  },
});
