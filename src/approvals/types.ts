// What a merge request must have approved, and what GitLab says about who approved it. Built by
// `policylint mr` from trusted inputs (target-branch CODEOWNERS and config) and the API; judged
// by the owner-approval, codeowners-coverage and governance-files rules.
import type { Owner } from '../codeowners/types.js';

/** Why a change needs code-owner approval. */
export type SubjectKind =
  /** A controlled document (on the base or the head) that the merge request adds, edits or renames. */
  | 'document'
  /** A document controlled on the base that is not controlled on the head: deleted, moved out of the class, unflagged. */
  | 'leaves'
  /** The policy itself: the policylint config, CODEOWNERS, or a configured governance file. */
  | 'governance';

export interface ApprovalSubject {
  kind: SubjectKind;
  /** Repository-relative path the finding is reported on: the new path, or the old one when the file is gone. */
  path: string;
  /** Paths whose code owners must approve: the old and the new path of a rename, each as CODEOWNERS sees it. */
  ownerPaths: string[];
  /** Line for the finding (the document's title line when it was linted). */
  line: number;
  /**
   * The classes that select the file on the head and on the base (one when they agree, none for
   * governance files): the strictest of their rule settings applies, so moving a document into a
   * laxer class does not lower what its change needs.
   */
  classes: string[];
  /** What happened, in a few words, for 'leaves' and renames: `deleted`, `renamed to x.markdown`. */
  detail: string | undefined;
}

export interface Approval {
  userId: number;
  username: string;
  /** When GitLab recorded the approval; undefined when the API did not say (older GitLab). */
  approvedAt: string | undefined;
}

/** The answer to "does this approver stand for this owner?", or why it could not be told. */
export type Membership = 'yes' | 'no' | { unverified: string };

/** Everything the approval rules need from GitLab, fetched once before they run. */
export interface ApprovalFacts {
  author: { id: number; username: string } | undefined;
  /** Users who pushed to the merge request or whose commit email identifies them. */
  committerIds: ReadonlySet<number>;
  approvals: readonly Approval[];
  /** When each path last changed in the merge request: created_at of the newest version that changed it. */
  lastChangedAt: ReadonlyMap<string, string>;
  /** Approvers who are not eligible code owners (not an active project member with Developer or higher), with why. */
  ineligible: ReadonlyMap<number, string>;
  /** Whether an approver belongs to a group or role owner; user owners are compared by username. */
  membership(owner: Owner, approverId: number): Membership;
  /** Owners that name nobody GitLab could find (`@name` with no such user and no visible group), with why. */
  unresolvedOwners: ReadonlyMap<string, string>;
}

/** Facts, or the reason they could not be had: then no approval can be verified. */
export type ApprovalEvidence = { verified: true; facts: ApprovalFacts } | { verified: false; reason: string; fix: string };

export interface ApprovalPolicy {
  committersMayApprove: boolean;
}
