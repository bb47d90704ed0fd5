// Findings from approval verdicts: each under the rule that owns it (owner-approval for
// documents, codeowners-coverage for documents leaving the controlled set, governance-files
// for the policy's own files), at that rule's severity in the trusted config.
import codeownersCoverage from '../../rules/codeowners-coverage.js';
import governanceFiles from '../../rules/governance-files.js';
import ownerApproval from '../../rules/owner-approval.js';
import type { ResolvedConfig } from '../config/types.js';
import { docsUrlFor, draftFinding, type DraftFinding } from '../engine/findings.js';
import type { AnyRule, Severity } from '../engine/types.js';
import type { Requirement, SubjectVerdict } from './judge.js';
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
  const severities = subject.classes.flatMap((name) => SETTINGS_OF[subject.kind].map((setting) => config.classes.find((c) => c.name === name)?.rules[setting.meta.id]?.severity));
  return severities.includes('error') ? 'error' : severities.includes('warn') ? 'warn' : undefined;
}

export function describeRequirement(requirement: Requirement): string {
  const owners = requirement.owners.map((owner) => owner.text).join(', ');
  return `[${requirement.section}] (${requirement.codeownersPath}:${requirement.line} ${requirement.pattern}: ${owners})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** How messages about a change begin: before "needs …", and when its approval could not be verified. */
function lead(subject: ApprovalSubject): { needs: string; unverified: string } {
  const detail = subject.detail ? ` (${subject.detail})` : '';
  switch (subject.kind) {
    case 'document':
      return { needs: `${subject.path}${detail}`, unverified: `Code-owner approval of ${subject.path}${detail} was not verified` };
    case 'leaves': {
      const what = `${subject.path} leaves the controlled set${detail}`;
      return { needs: `${what}, so it`, unverified: `${what}, and its code owners' approval was not verified` };
    }
    case 'governance': {
      const what = `${subject.path} changes the policy (a governance file${subject.detail ? `, ${subject.detail}` : ''})`;
      return { needs: `${what}, so it`, unverified: `${what}, and its code owners' approval was not verified` };
    }
  }
}

function notCounted(requirement: Requirement): string {
  const others = requirement.approvers.filter((a) => !a.counted && a.why !== 'not verified');
  return others.length === 0 ? '' : `; not counted: ${others.map((a) => `@${a.username} (${a.why})`).join(', ')}`;
}

function messages(verdict: SubjectVerdict, configPath: string | undefined): Array<{ key: string; message: string }> {
  const { subject } = verdict;
  const { needs, unverified } = lead(subject);
  const byConfig = verdict.ownersOfConfig ? `; no CODEOWNERS entry owns it, so the owners of ${configPath ?? 'the policylint config'} decide` : '';
  const unresolved = verdict.unresolvedOwners.length > 0 ? `; ${verdict.unresolvedOwners.join('; ')}` : '';
  switch (verdict.status) {
    case 'approved':
      return [];
    case 'no-owners':
      if (subject.kind === 'document') return []; // codeowners-coverage reports a document nobody owns
      return [
        {
          key: 'no-owners',
          message: `${needs} needs a code owner's approval, but no CODEOWNERS entry on the target branch owns it or ${configPath ?? 'the policylint config'}: add one for ${configPath ?? 'the config'} so that the owners of the policy decide`,
        },
      ];
    case 'not-verified':
      if (verdict.notVerified) {
        return [{ key: 'not-verified', message: `${unverified}: ${verdict.notVerified.reason}. ${verdict.notVerified.fix}` }];
      }
      return verdict.requirements
        .filter((r) => r.counted < r.needed)
        .map((r) => ({
          key: `not-verified:${r.section.toLowerCase()}`,
          message: `${needs} needs ${plural(r.needed - r.counted, 'more code-owner approval')} from ${describeRequirement(r)}${byConfig}, and approvals that might count could not be verified: ${[...new Set(r.unverified)].join('; ')}${notCounted(r)}`,
        }));
    case 'missing':
      return verdict.requirements
        .filter((r) => r.counted < r.needed)
        .map((r) => ({
          key: `section:${r.section.toLowerCase()}`,
          message: `${needs} needs ${plural(r.needed - r.counted, 'more code-owner approval')} from ${describeRequirement(r)}${byConfig}${notCounted(r)}${unresolved}`,
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
    for (const { key, message } of messages(verdict, configPath)) {
      drafts.push(draftFinding({ ruleId: rule.meta.id, severity, path: verdict.subject.path, docsUrl: docsUrlFor(rule.meta.docs) }, { line: verdict.subject.line, key, message }));
    }
  }
  return drafts;
}
