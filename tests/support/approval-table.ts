import { describe, expect, it } from 'vitest';
import { approvalFindings } from '../../src/approvals/findings.js';
import { judgeSubject } from '../../src/approvals/judge.js';
import type { ApprovalEvidence, ApprovalFacts, ApprovalSubject, Membership } from '../../src/approvals/types.js';
import { parseCodeowners } from '../../src/codeowners/parse.js';
import { loadConfigText } from '../../src/config/load.js';
import type { AnyRule } from '../../src/engine/types.js';

/**
 * Table tests for the merge-request-only rules (owner-approval, governance-files), which a lint
 * cannot run: each case judges one changed file against a real CODEOWNERS and the approvals
 * GitLab would report, then turns the verdict into findings as `policylint mr` does.
 */

export const CHANGED_AT = '2026-03-01T10:00:00.000Z';
export const BEFORE_CHANGE = '2026-03-01T09:00:00.000Z';
export const AFTER_CHANGE = '2026-03-01T11:00:00.000Z';

export interface ApprovalCase {
  name: string;
  subject: ApprovalSubject;
  codeowners: string;
  /** Approvals as `username` (approved after the last change) or with a time; user ids are given in order. */
  approvals?: Array<string | { username: string; approvedAt: string | undefined }>;
  facts?: Partial<ApprovalFacts>;
  /** Group memberships, `owner:userId` → membership. */
  groups?: Record<string, Membership>;
  /** Evidence could not be gathered: the reason. */
  unverified?: string;
  config?: string;
  /** Empty for a change approved as required. */
  findings: Array<{ messageId: string; severity?: string; message?: string | RegExp }>;
}

/** A changed controlled document as the merge request's subjects list it, its title on line 2. */
export function documentSubject(path: string, extra: Partial<ApprovalSubject> = {}): ApprovalSubject {
  return { kind: 'document', path, ownerPaths: [path], line: 2, classes: ['controlled-document'], detail: undefined, ...extra };
}

/** Evidence GitLab verified: by `author` (id 1), no approvals, nobody ineligible, `groups` as memberships (`owner:userId`); `facts` on top. */
export function verifiedEvidence(facts: Partial<ApprovalFacts> = {}, groups: Record<string, Membership> = {}): ApprovalEvidence {
  return {
    verified: true,
    facts: {
      author: { id: 1, username: 'author' },
      committerIds: new Set(),
      approvals: [],
      lastChangedAt: new Map(),
      ineligible: new Map(),
      unresolvedOwners: new Map(),
      membership: (owner, id) => groups[`${owner.text}:${id}`] ?? 'no',
      ...facts,
    },
  };
}

function evidenceOf(testCase: ApprovalCase): ApprovalEvidence {
  if (testCase.unverified !== undefined) return { verified: false, reason: testCase.unverified, fix: 'Add a token.' };
  const approvals = (testCase.approvals ?? []).map((approval, index) => {
    const { username, approvedAt } = typeof approval === 'string' ? { username: approval, approvedAt: AFTER_CHANGE } : approval;
    return { userId: 100 + index, username, approvedAt };
  });
  const lastChangedAt = new Map(testCase.subject.ownerPaths.map((path) => [path, CHANGED_AT]));
  return verifiedEvidence({ approvals, lastChangedAt, ...testCase.facts }, testCase.groups);
}

export function approvalRuleTester(rule: AnyRule, cases: readonly ApprovalCase[]): void {
  describe(rule.meta.id, () => {
    it('has cases that pass and cases that fail', () => {
      expect(cases.some((c) => c.findings.length === 0)).toBe(true);
      expect(cases.some((c) => c.findings.length > 0)).toBe(true);
    });
    for (const testCase of cases) {
      it(testCase.name, () => {
        const config = loadConfigText(testCase.config ?? 'extends: gitlab-handbook', '.policylint.yml', '/repo');
        const verdict = judgeSubject(
          testCase.subject,
          parseCodeowners(testCase.codeowners, 'CODEOWNERS'),
          evidenceOf(testCase),
          { committersMayApprove: false },
          ['.policylint.yml'],
        );
        const findings = approvalFindings([verdict], config, '.policylint.yml');
        for (const finding of findings) {
          expect(finding.ruleId).toBe(rule.meta.id);
          expect(Object.keys(rule.meta.messages)).toContain(finding.messageId);
        }
        expect(findings).toMatchObject(
          testCase.findings.map(({ messageId, severity, message }) => ({
            messageId,
            ...(severity ? { severity } : {}),
            ...(message === undefined ? {} : { message: typeof message === 'string' ? message : expect.stringMatching(message) }),
          })),
        );
      });
    }
  });
}
