// The audit evidence of a period, as `policylint evidence` exports it. The JSON output is exactly
// an `Evidence` (documented field by field in docs/governance.md, "Audit evidence"); the other
// formats show the same facts. Adding a field is a minor change; renaming or removing one bumps
// `schemaVersion`.
import type { ReviewState } from '../reviews/status.js';

export const EVIDENCE_SCHEMA_VERSION = 1;

/** Where a fact comes from: `gitlab` was read from the GitLab API; `git` was read from commit messages and is unverified. */
export type FactSource = 'gitlab' | 'git';

export interface GitPerson {
  name: string;
  email: string;
}

export interface EvidenceCommit {
  sha: string;
  /** Committer date as git records it (ISO 8601 with the committer's offset). */
  date: string;
  author: GitPerson;
  subject: string;
}

export interface EvidenceMergeRequest {
  iid: number;
  /** Null when only a commit message names the merge request (`source: git`). */
  title: string | null;
  webUrl: string | null;
  /** Username of who merged it. */
  mergedBy: string | null;
  mergedAt: string | null;
  /** Username of the merge request's author. */
  author: string | null;
  source: FactSource;
}

export interface EvidenceApproval {
  /** GitLab username; null for a trailer that names a person by name and email only. */
  username: string | null;
  /** As a trailer writes it (`Jane Doe <jane@example.com>`); null for approvals read from GitLab. */
  trailer: string | null;
  approvedAt: string | null;
  source: FactSource;
  /** Whether the approval counts for a required owner, and why not. Null when that could not be decided (git only). */
  counted: boolean | null;
  why: string | null;
}

/** One CODEOWNERS entry whose approval the change needed, as the target branch had it just before the change landed. */
export interface OwnerRequirement {
  section: string;
  pattern: string;
  line: number;
  /** Owners as written in the entry. */
  owners: string[];
  approvalsRequired: number;
  /** Approvals that counted for this entry; null when not verified. */
  approvalsCounted: number | null;
}

export interface RequiredOwners {
  /** The CODEOWNERS file that applied (GitLab reads the first of CODEOWNERS, docs/CODEOWNERS, .gitlab/CODEOWNERS), or null when there was none. */
  codeownersPath: string | null;
  /** The commit whose CODEOWNERS applied: the first parent of the change's commit (the target branch before the merge). */
  asOf: string | null;
  entries: OwnerRequirement[];
}

/** `met`: the procedure was followed and GitLab confirms it. `not-met`: it was not. `unverified`: it could not be confirmed either way. */
export type ChangeVerdict = 'met' | 'not-met' | 'unverified';

/** `reclassified`: the file did not change, a change of the config moved it into or out of the controlled set. */
export type ChangeAction = 'added' | 'modified' | 'deleted' | 'renamed' | 'reclassified';

export interface EvidenceChange {
  /** The commit on the default branch that made the change: a merge commit, a squashed or fast-forwarded commit, or a direct push. */
  commit: string;
  date: string;
  author: GitPerson;
  subject: string;
  action: ChangeAction;
  path: string;
  /** The path before a rename; null otherwise. */
  oldPath: string | null;
  /** The document class that selected the file before and after the change (null: not a controlled document then). */
  classBefore: string | null;
  classAfter: string | null;
  /** Commits the change brought that touched the document: for a merge, the branch's commits; otherwise the change's commit itself. */
  commits: EvidenceCommit[];
  mergeRequest: EvidenceMergeRequest | null;
  approvals: EvidenceApproval[];
  requiredOwners: RequiredOwners;
  verdict: ChangeVerdict;
  /** Why the verdict is not `met`, one sentence each; empty when met. */
  reasons: string[];
  /** Fields not confirmed by GitLab (`mergeRequest`, `approvals`, `verdict`); empty when everything was verified. */
  unverified: string[];
}

export interface ReviewEvent {
  date: string;
  commit: string;
  /** The front-matter field that changed, and its value before and after. */
  field: string;
  from: string | null;
  to: string | null;
  mergeRequest: number | null;
}

export type DocumentState = 'controlled' | 'deleted' | 'no longer controlled';

export interface EvidenceDocument {
  /** The document's path at the end of the period, or its last path before it was deleted or left the controlled set. */
  path: string;
  /** Earlier paths in the period, oldest first. */
  formerPaths: string[];
  state: DocumentState;
  id: string | null;
  title: string | null;
  class: string | null;
  /** Owners the CODEOWNERS file at the end of the period names for the document (every matching section). */
  codeOwners: string[];
  review: {
    lastReviewed: string | null;
    due: string | null;
    /** At the period's end; `unknown` for a document no longer controlled. */
    status: ReviewState;
  };
  changes: EvidenceChange[];
  reviews: ReviewEvent[];
  /**
   * Tracked exceptions the document cited at any point in the period, in order of first citation, as
   * the exception-reference rule finds them. A version is read in full only when what can decide its
   * citations (its headings and the paragraphs that may cite) differs from the version before it.
   */
  exceptions: string[];
}

export interface ChangeReference {
  path: string;
  commit: string;
  date: string;
  mergeRequest: number | null;
  webUrl: string | null;
  /** The commit's page in GitLab, when the project's URL is known (a direct push has no merge request to link). */
  commitUrl: string | null;
  verdict: ChangeVerdict;
  reasons: string[];
}

export interface EvidenceSummary {
  documents: number;
  changes: number;
  met: number;
  notMet: ChangeReference[];
  unverified: ChangeReference[];
  /** Paths of documents overdue for review at the period's end. */
  overdue: string[];
  /** Paths of documents no CODEOWNERS entry owned at the period's end. */
  noOwner: string[];
  /**
   * Commits dated outside the period that sit among its commits on the branch (a backdated direct
   * push): they are part of the period, and their committer date is not when they reached the branch.
   */
  misdated: Array<{ commit: string; date: string }>;
}

export interface Evidence {
  schemaVersion: typeof EVIDENCE_SCHEMA_VERSION;
  generator: { name: 'policylint'; version: string };
  /** `--now`, POLICYLINT_NOW, else the clock: ISO 8601 in UTC. */
  generatedAt: string;
  /** Inclusive calendar days, UTC. */
  period: { since: string; until: string };
  /** The commits examined: `from` (exclusive, the default branch just before the period; null when history starts inside it) to `to` (inclusive). */
  range: { ref: string; from: string | null; to: string | null };
  config: { path: string; sha256: string };
  /** `gitlab` when merge requests and approvals were read from the API; `git` when only git was (then nothing can be `met`). */
  source: { kind: FactSource; gitlabUrl: string | null; project: string | null; projectUrl: string | null; note: string | null };
  summary: EvidenceSummary;
  documents: EvidenceDocument[];
}
