// Whether one change to a controlled document followed the procedure: approved by the code
// owners the target branch's CODEOWNERS named when it landed, through a merge request, by
// someone other than its author. Judged with the same rules as `policylint mr` (approvals/judge.ts)
// from what GitLab recorded; from git alone nothing can be confirmed, so nothing is `met`.
import { judgeSubject, requirementsOf, type Requirement } from '../approvals/judge.js';
import type { Approval, ApprovalFacts, ApprovalSubject, Membership } from '../approvals/types.js';
import type { CommitMergeRequest, OwnerDirectory } from './gitlab.js';
import type { ChangeVerdict, EvidenceApproval, EvidenceMergeRequest, OwnerRequirement, RequiredOwners } from './types.js';
import type { TrackedChange } from './walk.js';

/** GitLab's default merge commit message ends with `See merge request group/project!12`. */
const MERGE_REQUEST_REFERENCE = /^See merge request (?:\S+)?!(\d+)\s*$/m;
/** Trailers GitLab's merge commit templates can write (`%{approved_by}`). */
const APPROVED_BY_TRAILER = /^Approved-by:[ \t]*(\S.*?)\s*$/gim;

/** What the commit message alone says: unverified, since anyone who can push can write it. */
export function gitFacts(message: string): { mergeRequest: EvidenceMergeRequest | null; approvals: EvidenceApproval[] } {
  const reference = MERGE_REQUEST_REFERENCE.exec(message);
  const mergeRequest: EvidenceMergeRequest | null = reference
    ? { iid: Number(reference[1]), title: null, webUrl: null, mergedBy: null, mergedAt: null, author: null, source: 'git' }
    : null;
  const approvals = [...message.matchAll(APPROVED_BY_TRAILER)].map((match): EvidenceApproval => ({
    username: null,
    trailer: match[1]!,
    approvedAt: null,
    source: 'git',
    counted: null,
    why: null,
  }));
  return { mergeRequest, approvals };
}

export interface ChangeJudgement {
  requiredOwners: RequiredOwners;
  mergeRequest: EvidenceMergeRequest | null;
  approvals: EvidenceApproval[];
  verdict: ChangeVerdict;
  reasons: string[];
  unverified: string[];
}

export interface JudgeContext {
  /** The config file, from the config's folder: its owners stand in for a document leaving the set that no entry owns. */
  configOwnerPaths: readonly string[];
  branch: string;
  directory: OwnerDirectory | undefined;
  /** Why GitLab was not asked at all (no token), with what to do; undefined when it was. */
  notAsked: string | undefined;
}

function subjectOf(change: TrackedChange): ApprovalSubject {
  const prefix = change.codeowners?.prefix ?? '';
  const paths = [change.before?.path, change.after?.path].filter((path): path is string => path !== undefined);
  const path = change.after?.path ?? change.before!.path;
  const classes = [...new Set([change.before?.documentClass, change.after?.documentClass].filter((c): c is string => !!c))];
  return {
    kind: change.after?.documentClass ? 'document' : 'leaves',
    path,
    ownerPaths: [...new Set(paths)].map((p) => prefix + p),
    line: 1,
    classes,
    detail: undefined,
  };
}

function ownerRequirement(requirement: Requirement, verified: boolean): OwnerRequirement {
  return {
    section: requirement.section,
    pattern: requirement.pattern,
    line: requirement.line,
    owners: requirement.owners.map((owner) => owner.text),
    approvalsRequired: requirement.needed,
    approvalsCounted: verified ? requirement.counted : null,
  };
}

function requiredOwnersOf(change: TrackedChange, requirements: readonly Requirement[], verified: boolean): RequiredOwners {
  return {
    codeownersPath: change.codeowners?.repositoryPath ?? null,
    asOf: change.codeownersAsOf,
    entries: requirements.map((requirement) => ownerRequirement(requirement, verified)),
  };
}

const NO_OWNER =
  'No CODEOWNERS entry on the target branch owned the document when the change landed, so nobody was required to approve it: add an entry for it to CODEOWNERS.';

function unverifiedJudgement(change: TrackedChange, requirements: Requirement[], why: string): ChangeJudgement {
  const { mergeRequest, approvals } = gitFacts(change.commit.message);
  const reasons = [why];
  if (!mergeRequest) reasons.push('The commit message names no merge request: it may have been pushed directly.');
  return {
    requiredOwners: requiredOwnersOf(change, requirements, false),
    mergeRequest,
    approvals,
    verdict: 'unverified',
    reasons,
    unverified: ['mergeRequest', 'approvals', 'verdict'],
  };
}

/** Judges one change; `lookup` is what GitLab said about its commit (undefined when GitLab was not asked). */
export async function judgeChange(change: TrackedChange, lookup: CommitMergeRequest | undefined, context: JudgeContext): Promise<ChangeJudgement> {
  const subject = subjectOf(change);
  const codeowners = change.codeowners?.file ?? null;
  const configOwnerPaths = context.configOwnerPaths.map((path) => (change.codeowners?.prefix ?? '') + path);
  const { requirements } = requirementsOf(subject, codeowners, configOwnerPaths);
  if (requirements.length === 0) {
    // Nobody was required to approve: not met whatever GitLab says; what it says is shown when it was asked.
    const mr = lookup?.kind === 'merge-request' ? lookup : undefined;
    const fromGit = mr || lookup?.kind === 'none' ? undefined : gitFacts(change.commit.message);
    return {
      requiredOwners: requiredOwnersOf(change, requirements, true),
      mergeRequest: mr ? mergeRequestOf(mr) : (fromGit?.mergeRequest ?? null),
      approvals: mr ? mr.mr.approvals.map((a) => approvalOf(a, undefined)) : (fromGit?.approvals ?? []),
      verdict: 'not-met',
      reasons: [NO_OWNER],
      unverified: fromGit ? ['mergeRequest', 'approvals'] : [],
    };
  }
  if (lookup === undefined || context.directory === undefined) return unverifiedJudgement(change, requirements, context.notAsked ?? 'GitLab was not asked.');
  if (lookup.kind === 'unavailable') return unverifiedJudgement(change, requirements, `${lookup.reason} ${lookup.fix}`.trim());
  if (lookup.kind === 'none') {
    return {
      requiredOwners: requiredOwnersOf(change, requirements, true),
      mergeRequest: null,
      approvals: [],
      verdict: 'not-met',
      reasons: [`Pushed directly: no merge request into ${context.branch} brought commit ${change.commit.sha.slice(0, 8)}, so nobody approved it.`],
      unverified: [],
    };
  }

  const { mr } = lookup;
  const directory = context.directory;
  const owners = [...new Map(requirements.flatMap((r) => r.owners).map((owner) => [owner.text.toLowerCase(), owner])).values()];
  const memberships = new Map<string, Membership>();
  const unresolvedOwners = new Map<string, string>();
  for (const owner of owners) {
    const why = await directory.unresolved(owner);
    if (why !== undefined) unresolvedOwners.set(owner.text.toLowerCase(), why);
    for (const approval of mr.approvals) memberships.set(`${owner.text.toLowerCase()}\0${approval.userId}`, await directory.membership(owner, approval.userId));
  }
  if (!change.policy.committersMayApprove && !(mr.committers && 'ids' in mr.committers)) {
    // Whether an approver pushed or wrote commits cannot be told: no approval can be confirmed to count.
    const why = mr.committers && 'unavailable' in mr.committers ? ` (${mr.committers.unavailable})` : '';
    return {
      requiredOwners: requiredOwnersOf(change, requirements, false),
      mergeRequest: mergeRequestOf(lookup),
      approvals: mr.approvals.map((a) => ({ ...approvalOf(a, undefined), counted: null, why: null })),
      verdict: 'unverified',
      reasons: [`Not verified: GitLab could not say who pushed to or wrote the commits of !${mr.iid}, so no approval can be confirmed to count${why}.`],
      unverified: ['approvals', 'verdict'],
    };
  }
  const committers = new Set(change.policy.committersMayApprove || !mr.committers || !('ids' in mr.committers) ? [] : mr.committers.ids);
  const facts: ApprovalFacts = {
    author: mr.author ?? undefined,
    committerIds: committers,
    approvals: mr.approvals,
    // Merged long ago: GitLab's versions are not read, so approvals are not compared with the last push (the MR check did that at merge time).
    lastChangedAt: new Map(),
    ineligible: new Map(),
    unresolvedOwners,
    membership: (owner, approverId) => memberships.get(`${owner.text.toLowerCase()}\0${approverId}`) ?? 'no',
  };
  const verdict = judgeSubject(subject, codeowners, { verified: true, facts }, { committersMayApprove: change.policy.committersMayApprove }, configOwnerPaths);
  const why = new Map<string, string>();
  const counted = new Set<string>();
  for (const requirement of verdict.requirements) {
    for (const approver of requirement.approvers) {
      if (approver.counted) counted.add(approver.username);
      else if (approver.why && !why.has(approver.username)) why.set(approver.username, approver.why);
    }
  }
  const isAuthor = (a: Approval) => a.userId === mr.author?.id;
  const approvals = mr.approvals.map((a) =>
    approvalOf(a, counted.has(a.username) ? true : isAuthor(a) ? 'author of the merge request' : (why.get(a.username) ?? 'not a code owner of this entry')),
  );
  const reasons: string[] = [];
  const unmet = verdict.requirements.filter((r) => r.counted < r.needed);
  if (unmet.length > 0) {
    if (mr.approvals.length === 0) reasons.push('Nobody approved the merge request.');
    else if (mr.author && mr.approvals.every((a) => a.userId === mr.author!.id)) reasons.push(`Only the author (@${mr.author.username}) approved it.`);
    for (const requirement of unmet) {
      const needed = `${requirement.needed} approval${requirement.needed === 1 ? '' : 's'}`;
      reasons.push(
        `[${requirement.section}] ${requirement.pattern} needed ${needed} from ${requirement.owners.map((o) => o.text).join(' ')}; ${requirement.counted} counted.`,
      );
      reasons.push(...requirement.unverified);
    }
    reasons.push(...verdict.unresolvedOwners.map((note) => `Owner ${note}.`));
  }
  return {
    requiredOwners: requiredOwnersOf(change, verdict.requirements, verdict.status !== 'not-verified'),
    mergeRequest: mergeRequestOf(lookup),
    approvals,
    verdict: verdict.status === 'approved' ? 'met' : verdict.status === 'not-verified' ? 'unverified' : 'not-met',
    reasons,
    unverified: verdict.status === 'not-verified' ? ['verdict'] : [],
  };
}

function mergeRequestOf(lookup: Extract<CommitMergeRequest, { kind: 'merge-request' }>): EvidenceMergeRequest {
  const { mr } = lookup;
  return {
    iid: mr.iid,
    title: mr.title,
    webUrl: mr.webUrl,
    mergedBy: mr.mergedBy,
    mergedAt: mr.mergedAt,
    author: mr.author?.username ?? null,
    source: 'gitlab',
  };
}

function approvalOf(approval: { username: string; approvedAt: string | undefined }, counted: true | string | undefined): EvidenceApproval {
  return {
    username: approval.username,
    trailer: null,
    approvedAt: approval.approvedAt ?? null,
    source: 'gitlab',
    counted: counted === undefined ? false : counted === true,
    why: counted === true ? null : (counted ?? 'no code owner was required'),
  };
}
