import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lint, type LintResult } from '../src/engine/run.js';
import { makeTree, REPO_ROOT } from './support/cli.js';

// The 26 real GitLab Handbook controlled documents and their CODEOWNERS (CC BY-SA 4.0, see the fixture's NOTICE.md).
const CORPUS = path.join(REPO_ROOT, 'fixtures/gitlab-handbook');
const NOW = new Date('2026-11-27T00:00:00Z');
const H = 'content/handbook/';

function corpusCopy(config: string): string {
  const root = makeTree({}, 'policylint-corpus-');
  cpSync(CORPUS, root, { recursive: true });
  writeFileSync(path.join(root, '.policylint.yml'), config);
  return root;
}

/** The messages of one rule's findings with this message id, by document. */
function byDocument(result: LintResult, ruleId: string, messageId: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  for (const f of result.findings) {
    if (f.ruleId !== ruleId || f.messageId !== messageId) continue;
    (found[f.path.slice(H.length)] ??= []).push(f.message);
  }
  return found;
}

// Every document, selected or not by its markers, so each defect ANALYSIS.md lists is in reach.
const EVERY_DOCUMENT = `extends: gitlab-handbook
classes:
  controlled-document:
    paths: ["content/**/*.md"]
    when: []
    rules:
      links: "off"
      review-date: "off"
`;

describe('gitlab-handbook preset on the real handbook corpus', () => {
  let result: LintResult;
  beforeAll(async () => {
    result = await lint({ cwd: corpusCopy(EVERY_DOCUMENT), now: NOW });
  });

  it('reports exactly the missing sections the corpus has', () => {
    const missing = byDocument(result, 'required-sections', 'missing');
    const names = Object.fromEntries(Object.entries(missing).map(([doc, messages]) => [doc, messages.map((m) => /"(.*?)"/.exec(m)![1]).sort()]));
    expect(names).toEqual({
      'security/security-and-technology-policies/access-management-policy.md': ['References'],
      'security/security-and-technology-policies/penetration-testing-policy.md': ['References'],
      'security/security-and-technology-policies/security-and-technology-policies-management.md': ['Exceptions', 'References'],
      'security/security-assurance/security-compliance/sec-controls.md': [
        'Exceptions',
        'Policy, Standard or Procedure',
        'Purpose',
        'Roles & Responsibilities',
        'Scope',
      ],
      'security/security-assurance/security-risk/storm-program/critical-systems.md': ['Exceptions'],
      'security/product-security/vulnerability-management/encryption-policy.md': ['Purpose'],
      'security/product-security/vulnerability-management/_index.md': ['Purpose'],
      'support/workflows/personal_data_access_account_deletion.md': ['Policy, Standard or Procedure', 'Purpose'],
      'legal/gitlab-code-of-business-conduct-and-ethics.md': [
        'Exceptions',
        'Policy, Standard or Procedure',
        'Purpose',
        'References',
        'Roles & Responsibilities',
        'Scope',
      ],
    });
  });

  it('reports exactly the Exceptions sections without a process link; a missing section only once, as required-sections', () => {
    const exceptions = byDocument(result, 'exception-reference', 'noProcessLink');
    expect(byDocument(result, 'exception-reference', 'noSection')).toEqual({});
    expect(Object.keys(exceptions).sort()).toEqual(
      [
        'engineering/gitlab-com/policies/monitoring/_index.md',
        'security/security-assurance/security-risk/storm-program/_index.md',
        'security/security-assurance/security-risk/storm-program/business-impact-analysis.md',
        'people-group/acceptable-use-policy.md',
        'people-group/offboarding/offboarding_standards.md',
      ].sort(),
    );
    const missing = byDocument(result, 'required-sections', 'missing');
    expect(
      Object.keys(missing)
        .filter((doc) => missing[doc]!.includes('Required section "Exceptions" is missing'))
        .sort(),
    ).toEqual(
      [
        'security/security-and-technology-policies/security-and-technology-policies-management.md',
        'security/security-assurance/security-compliance/sec-controls.md',
        'security/security-assurance/security-risk/storm-program/critical-systems.md',
        'legal/gitlab-code-of-business-conduct-and-ethics.md',
      ].sort(),
    );
  });

  it('reports every document the CODEOWNERS controlled-documents section does not own', () => {
    const unowned = byDocument(result, 'codeowners-coverage', 'noEntry');
    const owned = [
      'security/controlled-document-procedure.md',
      'security/isms.md',
      'security/security-assurance/governance/sec-training.md',
      'security/security-assurance/security-compliance/access-reviews.md',
      'security/security-assurance/security-compliance/security-control-lifecycle.md',
      'security/security-assurance/security-risk/storm-program/critical-systems.md',
      'security/security-assurance/security-risk/storm-program/_index.md',
      'security/security-assurance/security-risk/storm-program/business-impact-analysis.md',
      'security/security-assurance/security-risk/third-party-risk-management.md',
      'security/security-operations/sirt/sec-incident-response.md',
    ];
    expect(Object.keys(unowned)).toHaveLength(16);
    for (const doc of owned) expect(unowned[doc]).toBeUndefined();
  });

  it('selects, with the preset as shipped, exactly the documents marked controlled', async () => {
    const shipped = await lint({
      cwd: corpusCopy('extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      links: "off"\n      review-date: "off"\n'),
      now: NOW,
    });
    expect(shipped.filesLinted).toHaveLength(20);
    expect(shipped.filesLinted).not.toContain(`${H}legal/gitlab-code-of-business-conduct-and-ethics.md`);
    expect(shipped.filesLinted).toContain(`${H}security/security-assurance/security-risk/storm-program/business-impact-analysis.md`);
  });

  it('passes the seed ISMS page on required-sections and exception-reference', async () => {
    const root = corpusCopy(EVERY_DOCUMENT);
    cpSync(path.join(CORPUS, 'seed/isms.md'), path.join(root, `${H}security/isms.md`));
    const seeded = await lint({ cwd: root, patterns: [`${H}security/isms.md`], now: NOW });
    expect(seeded.filesLinted).toEqual([`${H}security/isms.md`]);
    expect(seeded.findings.filter((f) => f.ruleId === 'required-sections' || f.ruleId === 'exception-reference')).toEqual([]);
  });
});
