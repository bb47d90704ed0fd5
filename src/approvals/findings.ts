// Findings from approval verdicts: each under the rule that owns it (owner-approval for
// documents, codeowners-coverage for documents leaving the controlled set, governance-files
// for the policy's own files), at that rule's severity in the trusted config.
import codeownersCoverage from '../../rules/codeowners-coverage.js';
import governanceFiles from '../../rules/governance-files.js';
import ownerApproval from '../../rules/owner-approval.js';
import type { ResolvedConfig } from '../config/types.js';
import { docsUrl, draftFinding, type DraftFinding } from '../engine/findings.js';
import type { AnyRule, MessageData, Severity } from '../engine/types.js';
import { plural } from '../util/text.js';
import type { Requirement, SubjectVerdict } from './judge.js';
import type { ApprovalMessageId } from './messages.js';
import type { ApprovalSubject, SubjectKind } from './types.js';

const RULE_OF: Record<SubjectKind, AnyRule> = { document: ownerApproval, leaves: codeownersCoverage, governance: governanceFiles };

/** The rules that judge approvals, for reports that list the rules that ran. */
export const APPROVAL_RULES: readonly AnyRule[] = Object.values(RULE_OF);

/**
 * The rules whose settings decide how a subject is judged: a document leaving the controlled set
 * needs its owners as much as one that stays, so owner-approval's setting counts for it too (the
 * codeowners-coverage lint may be off for reasons of its own).
 */
const SETTINGS_OF: Record<SubjectKind, readonly AnyRule[]> = { document: [ownerApproval], leaves: [codeownersCoverage, ownerApproval], governance: [] };

/** The strictest severity the trusted config gives a subject's rules in its classes; undefined when all are off. */
export function severityFor(subject: ApprovalSubject, config: ResolvedConfig): Severity | undefined {
  const rule = RULE_OF[subject.kind];
  if (rule.meta.alwaysOn) return rule.meta.defaultSeverity;
  const severities = subject.classes.flatMap((name) =>
    SETTINGS_OF[subject.kind].map((setting) => config.classes.find((c) => c.name === name)?.rules[setting.meta.id]?.severity),
  );
  return severities.includes('error') ? 'error' : severities.includes('warn') ? 'warn' : undefined;
}

/** The CODEOWNERS entry a requirement comes from: `CODEOWNERS:2 /policies/: @alice, @acme/security`. */
function describeEntry(requirement: Requirement): string {
  const owners = requirement.owners.map((owner) => owner.text).join(', ');
  return `${requirement.codeownersPath}:${requirement.line} ${requirement.pattern}: ${owners}`;
}

/** The subject as its messages name it; see APPROVAL_MESSAGES. */
function subjectData(subject: ApprovalSubject): { change: string; how?: string } {
  if (subject.kind === 'leaves') return { change: subject.path, how: subject.detail ?? 'no longer controlled' };
  return { change: subject.detail ? `${subject.path} (${subject.detail})` : subject.path };
}

/** Who approved without it counting, and why. */
function notCounted(requirement: Requirement): string | undefined {
  const others = requirement.approvers.filter((a) => !a.counted && a.why !== 'not verified');
  return others.length === 0 ? undefined : `Not counted: ${others.map((a) => `@${a.username} (${a.why})`).join(', ')}.`;
}

interface ApprovalReport {
  messageId: ApprovalMessageId;
  data?: MessageData;
  details?: string;
}

/** Supporting lines, in the order an approver reads them; empty ones are left out. */
function lines(...parts: Array<string | undefined | false>): string {
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join('\n');
}

function reports(verdict: SubjectVerdict, configPath: string | undefined): ApprovalReport[] {
  const { subject } = verdict;
  const named = subjectData(subject);
  const config = configPath ?? 'the policylint config';
  const byConfig = verdict.ownersOfConfig && `No CODEOWNERS entry owns it, so the owners of ${config} decide.`;
  const unmet = verdict.requirements.filter((r) => r.counted < r.needed);
  const needs = (r: Requirement) => ({ ...named, approvals: plural(r.needed - r.counted, 'more code-owner approval'), section: r.section });
  switch (verdict.status) {
    case 'approved':
      return [];
    case 'no-owners':
      // Reported here, not left to codeowners-coverage: that rule reads the merge request's CODEOWNERS, which may still own the document.
      if (subject.kind === 'document')
        return [
          {
            messageId: 'noOwners',
            data: named,
            details: "Add a CODEOWNERS entry for it on the target branch: the merge request's own CODEOWNERS does not decide who approves it.",
          },
        ];
      return [
        {
          messageId: 'noOwners',
          data: { ...named, config },
          details: `Add a CODEOWNERS entry for ${config} on the target branch, so that the owners of the policy decide.`,
        },
      ];
    case 'not-verified':
      if (verdict.notVerified) {
        const { reason, fix } = verdict.notVerified;
        return [{ messageId: 'notVerified', data: { ...named, reason }, ...(fix === '' ? {} : { details: fix }) }];
      }
      return unmet.map((r) => ({
        messageId: 'approvalNotVerified',
        data: needs(r),
        details: lines(`CODEOWNERS entry: ${describeEntry(r)}.`, byConfig, `Not verified: ${[...new Set(r.unverified)].join('; ')}.`, notCounted(r)),
      }));
    case 'missing':
      return unmet.map((r) => ({
        messageId: 'approvalMissing',
        data: needs(r),
        details: lines(`CODEOWNERS entry: ${describeEntry(r)}.`, byConfig, notCounted(r), ...verdict.unresolvedOwners.map((owner) => `${owner}.`)),
      }));
  }
}

/** Findings for every verdict that is not approved, under the owning rule and its configured severity. */
export function approvalFindings(verdicts: readonly SubjectVerdict[], config: ResolvedConfig, configPath: string | undefined): DraftFinding[] {
  const drafts: DraftFinding[] = [];
  for (const verdict of verdicts) {
    const configured = severityFor(verdict.subject, config);
    if (!configured) continue;
    // The one documented way to soften the fail-closed default.
    const severity = verdict.status === 'not-verified' && config.mergeRequest.unverifiedApprovals === 'warn' ? 'warn' : configured;
    const rule = RULE_OF[verdict.subject.kind];
    const source = { ruleId: rule.meta.id, severity, path: verdict.subject.path, messages: rule.meta.messages, docsUrl: docsUrl(rule.meta.id) };
    for (const report of reports(verdict, configPath)) drafts.push(draftFinding(source, { line: verdict.subject.line, ...report }));
  }
  return drafts;
}
