// The messages of approval findings, one set per subject kind, declared by the rule that owns
// the kind (owner-approval, codeowners-coverage, governance-files) and filled in by findings.ts.
// `{{approvals}}` ("1 more code-owner approval") and `{{reason}}` change between pipelines
// without the problem changing, so they are never identity.
import type { MessageSpec } from '../engine/types.js';
import type { SubjectKind } from './types.js';

export type ApprovalMessageId = 'approvalMissing' | 'approvalNotVerified' | 'notVerified' | 'noOwners';

const NEEDS = '{{approvals}} from [{{section}}]';
const UNVERIFIABLE = ', and approvals that might count could not be verified';
const NOBODY = "needs a code owner's approval, but no CODEOWNERS entry on the target branch owns it or {{config}}";

export const APPROVAL_MESSAGES = {
  /** `{{change}}`: the document's path, and how it was renamed. */
  document: {
    approvalMissing: { text: `{{change}} needs ${NEEDS}`, identity: ['change', 'section'] },
    approvalNotVerified: { text: `{{change}} needs ${NEEDS}${UNVERIFIABLE}`, identity: ['change', 'section'] },
    notVerified: { text: 'Code-owner approval of {{change}} was not verified: {{reason}}', identity: ['change'] },
    noOwners: "{{change}} needs a code owner's approval, but no CODEOWNERS entry on the target branch owns it",
  },
  /** `{{change}}`: the path the document had on the base; `{{how}}`: deleted, renamed, no longer selected. */
  leaves: {
    approvalMissing: { text: `{{change}} leaves the controlled set ({{how}}), so it needs ${NEEDS}`, identity: ['change', 'how', 'section'] },
    approvalNotVerified: {
      text: `{{change}} leaves the controlled set ({{how}}), so it needs ${NEEDS}${UNVERIFIABLE}`,
      identity: ['change', 'how', 'section'],
    },
    notVerified: {
      text: "{{change}} leaves the controlled set ({{how}}), and its code owners' approval was not verified: {{reason}}",
      identity: ['change', 'how'],
    },
    noOwners: `{{change}} leaves the controlled set ({{how}}), so it ${NOBODY}`,
  },
  /** `{{change}}`: the governance file's path, and how it was renamed or deleted. */
  governance: {
    approvalMissing: { text: `{{change}} changes the policy (a governance file), so it needs ${NEEDS}`, identity: ['change', 'section'] },
    approvalNotVerified: { text: `{{change}} changes the policy (a governance file), so it needs ${NEEDS}${UNVERIFIABLE}`, identity: ['change', 'section'] },
    notVerified: {
      text: "{{change}} changes the policy (a governance file), and its code owners' approval was not verified: {{reason}}",
      identity: ['change'],
    },
    noOwners: `{{change}} changes the policy (a governance file), so it ${NOBODY}`,
  },
} as const satisfies Record<SubjectKind, Partial<Record<ApprovalMessageId, MessageSpec>>>;
