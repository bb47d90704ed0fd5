// Whose approval counts for one change, decided only from trusted inputs: CODEOWNERS of the
// target branch and what GitLab recorded (approvals with their times, versions, members).
import type { CodeownersFile, Owner } from '../codeowners/types.js';
import type { Approval, ApprovalEvidence, ApprovalFacts, ApprovalPolicy, ApprovalSubject, Membership } from './types.js';

export interface ApproverVerdict {
  username: string;
  counted: boolean;
  /** Why the approval does not count (absent when it counts). */
  why?: string;
}

/** One CODEOWNERS section (entry) whose approval the change needs. */
export interface Requirement {
  codeownersPath: string;
  section: string;
  pattern: string;
  line: number;
  /** Owners as written in the entry. */
  owners: Owner[];
  needed: number;
  /** Approvers who stand for an owner of this entry, counted or not; and approvers who do not, as "not a code owner". */
  approvers: ApproverVerdict[];
  counted: number;
  /** What could not be checked and might have made it count. */
  unverified: string[];
}

export type SubjectStatus = 'approved' | 'missing' | 'not-verified' | 'no-owners';

export interface SubjectVerdict {
  subject: ApprovalSubject;
  requirements: Requirement[];
  /** No entry owns the subject's own paths, so the owners of the policylint config stand in. */
  ownersOfConfig: boolean;
  status: SubjectStatus;
  /** Set when nothing about approvals could be verified (no token, fork, API failure). */
  notVerified?: { reason: string; fix: string };
  /** Owners that name nobody GitLab knows, with why. */
  unresolvedOwners: string[];
}

function entriesFor(codeowners: CodeownersFile | null, paths: readonly string[]): Requirement[] {
  if (!codeowners) return [];
  const byEntry = new Map<string, Requirement>();
  for (const path of paths) {
    for (const match of codeowners.match(path)) {
      if (match.approvalsRequired === 0) continue;
      const key = `${match.section.name.toLowerCase()}\0${match.entry.line}`;
      if (byEntry.has(key)) continue;
      byEntry.set(key, {
        codeownersPath: codeowners.path,
        section: match.section.name,
        pattern: match.entry.pattern,
        line: match.entry.line,
        owners: match.entry.owners,
        needed: match.approvalsRequired,
        approvers: [],
        counted: 0,
        unverified: [],
      });
    }
  }
  return [...byEntry.values()];
}

/** Does the approver stand for any of the entry's owners? */
function standsFor(owners: readonly Owner[], approval: Approval, facts: ApprovalFacts): Membership {
  let unverified: string | undefined;
  for (const owner of owners) {
    let answer: Membership;
    if (owner.kind === 'email')
      answer = 'no'; // resolving an email to a user needs administrator rights
    else if (owner.kind === 'user' && owner.text.slice(1).toLowerCase() === approval.username.toLowerCase()) answer = 'yes';
    else answer = facts.membership(owner, approval.userId);
    if (answer === 'yes') return 'yes';
    if (answer !== 'no') unverified ??= answer.unverified;
  }
  return unverified === undefined ? 'no' : { unverified };
}

function latest(times: Iterable<string | undefined>): number | undefined {
  let newest: number | undefined;
  for (const time of times) {
    const value = time === undefined ? Number.NaN : Date.parse(time);
    if (!Number.isNaN(value) && (newest === undefined || value > newest)) newest = value;
  }
  return newest;
}

/** Why an owner's approval does not count, or undefined when it does. */
function disqualification(
  approval: Approval,
  facts: ApprovalFacts,
  policy: ApprovalPolicy,
  changedAt: number | undefined,
  path: string,
): string | { unverified: string } | undefined {
  if (facts.author?.id === approval.userId) return 'author of the merge request';
  if (!policy.committersMayApprove && facts.committerIds.has(approval.userId)) return 'pushed or authored commits of the merge request';
  if (approval.approvedAt === undefined || Number.isNaN(Date.parse(approval.approvedAt))) {
    return { unverified: `GitLab did not say when @${approval.username} approved, so it cannot be told whether the approval predates the last change` };
  }
  if (changedAt !== undefined && Date.parse(approval.approvedAt) <= changedAt) return `approved before the last change to ${path}`;
  return facts.ineligible.get(approval.userId);
}

function judgeRequirement(requirement: Requirement, facts: ApprovalFacts, policy: ApprovalPolicy, changedAt: number | undefined, path: string): void {
  for (const approval of facts.approvals) {
    const member = standsFor(requirement.owners, approval, facts);
    if (member === 'no') {
      requirement.approvers.push({ username: approval.username, counted: false, why: 'not a code owner of this entry' });
      continue;
    }
    const why = disqualification(approval, facts, policy, changedAt, path);
    if (typeof why === 'string') {
      requirement.approvers.push({ username: approval.username, counted: false, why });
    } else if (why !== undefined || member !== 'yes') {
      // It might count: only what could not be verified stands in the way.
      const reason = why?.unverified ?? (member as { unverified: string }).unverified;
      requirement.approvers.push({ username: approval.username, counted: false, why: 'not verified' });
      requirement.unverified.push(reason);
    } else {
      requirement.approvers.push({ username: approval.username, counted: true });
      requirement.counted++;
    }
  }
  requirement.approvers.sort((a, b) => Number(b.counted) - Number(a.counted) || a.username.localeCompare(b.username));
}

/**
 * The CODEOWNERS entries (target branch) whose approval a change needs: those owning one of its
 * paths; for files leaving the controlled set and governance files that no entry owns, those
 * owning the config.
 */
export function requirementsOf(
  subject: ApprovalSubject,
  codeowners: CodeownersFile | null,
  configOwnerPaths: readonly string[],
): { requirements: Requirement[]; ownersOfConfig: boolean } {
  const own = entriesFor(codeowners, subject.ownerPaths);
  if (own.length > 0 || subject.kind === 'document') return { requirements: own, ownersOfConfig: false };
  const ofConfig = entriesFor(codeowners, configOwnerPaths);
  return { requirements: ofConfig, ownersOfConfig: ofConfig.length > 0 };
}

/**
 * The verdict on one change: every CODEOWNERS entry (target branch) that owns one of its paths
 * needs its number of approvals from distinct owners that are not the author, not committers
 * (unless allowed), approved after the last change and are eligible members. Files that leave
 * the controlled set and governance files that no entry owns fall to the owners of the config.
 */
export function judgeSubject(
  subject: ApprovalSubject,
  codeowners: CodeownersFile | null,
  evidence: ApprovalEvidence,
  policy: ApprovalPolicy,
  configOwnerPaths: readonly string[],
): SubjectVerdict {
  const { requirements, ownersOfConfig } = requirementsOf(subject, codeowners, configOwnerPaths);
  const verdict: SubjectVerdict = { subject, requirements, ownersOfConfig, status: 'approved', unresolvedOwners: [] };
  if (requirements.length === 0) return { ...verdict, status: 'no-owners' };
  if (!evidence.verified) return { ...verdict, status: 'not-verified', notVerified: { reason: evidence.reason, fix: evidence.fix } };

  const { facts } = evidence;
  const changedAt = latest([subject.path, ...subject.ownerPaths].map((path) => facts.lastChangedAt.get(path)));
  for (const requirement of requirements) {
    judgeRequirement(requirement, facts, policy, changedAt, subject.path);
    for (const owner of requirement.owners) {
      const why = facts.unresolvedOwners.get(owner.text.toLowerCase());
      const note = `${owner.text} ${why}`;
      if (why && !verdict.unresolvedOwners.includes(note)) verdict.unresolvedOwners.push(note);
    }
  }
  const unmet = requirements.filter((r) => r.counted < r.needed);
  verdict.status = unmet.length === 0 ? 'approved' : unmet.some((r) => r.unverified.length > 0) ? 'not-verified' : 'missing';
  return verdict;
}
