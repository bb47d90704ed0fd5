import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadCodeowners } from '../src/codeowners/load.js';

// The GitLab Handbook's real .gitlab/CODEOWNERS (CC BY-SA 4.0, see the NOTICE.md beside it).
const handbookRoot = fileURLToPath(new URL('../fixtures/gitlab-handbook', import.meta.url));
const file = loadCodeowners(handbookRoot)!;

const CONTENT_SITES: [string, string] = ['content-sites', '*'];
const HANDBOOK: [string, string] = ['handbook', '/content/handbook/'];
const SECURITY: [string, string] = ['security', '/content/handbook/security/'];
const ASSURANCE: [string, string] = ['security', '/content/handbook/security/security-assurance/'];
const OPERATIONS: [string, string] = ['security', '/content/handbook/security/security-operations/'];
const ENGINEERING: [string, string] = ['engineering', '/content/handbook/engineering/'];

/**
 * ANALYSIS.md §5.3: per document (under content/handbook/), the line of the winning
 * [Controlled Documents] entry (null when none) and the winning pattern of every other section.
 * business-impact-analysis.md matches L76 and L99; GitLab's last-match rule picks L99.
 */
const documentTable: Array<[document: string, controlledLine: number | null, others: Array<[string, string]>]> = [
  ['engineering/gitlab-com/policies/monitoring/_index.md', null, [CONTENT_SITES, HANDBOOK, ENGINEERING]],
  ['security/security-and-technology-policies/access-management-policy.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/security-and-technology-policies/audit-logging-policy.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/security-and-technology-policies/change-management-policy.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/security-and-technology-policies/penetration-testing-policy.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/security-and-technology-policies/security-and-technology-policies-management.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/controlled-document-procedure.md', 78, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/isms.md', 89, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/security-assurance/governance/sec-training.md', 106, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-compliance/access-reviews.md', 71, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-compliance/sec-controls.md', null, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-compliance/security-control-lifecycle.md', 87, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-risk/storm-program/critical-systems.md', 99, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-risk/storm-program/_index.md', 99, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-risk/storm-program/business-impact-analysis.md', 99, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/security-assurance/security-risk/third-party-risk-management.md', 107, [CONTENT_SITES, HANDBOOK, ASSURANCE]],
  ['security/product-security/vulnerability-management/encryption-policy.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['security/product-security/vulnerability-management/_index.md', null, [CONTENT_SITES, HANDBOOK, SECURITY]],
  ['people-group/acceptable-use-policy.md', null, [CONTENT_SITES, HANDBOOK, ['People', '/content/handbook/people-group/']]],
  ['people-group/offboarding/offboarding_standards.md', null, [CONTENT_SITES, HANDBOOK, ['People', '/content/handbook/people-group/offboarding/']]],
  [
    'support/workflows/personal_data_access_account_deletion.md',
    null,
    [CONTENT_SITES, HANDBOOK, ['support', '/content/handbook/support/workflows/personal_data_access_account_deletion.md']],
  ],
  ['legal/gitlab-code-of-business-conduct-and-ethics.md', null, [CONTENT_SITES, HANDBOOK]],
  ['business-technology/entapps-documentation/policies/gitlab-business-continuity-plan.md', null, [CONTENT_SITES, HANDBOOK]],
  ['engineering/gitlab-com/policies/backup/_index.md', null, [CONTENT_SITES, HANDBOOK, ENGINEERING]],
  ['security/security-operations/sirt/severity-matrix.md', null, [CONTENT_SITES, HANDBOOK, OPERATIONS]],
  ['security/security-operations/sirt/sec-incident-response.md', 104, [CONTENT_SITES, HANDBOOK, OPERATIONS]],
];

describe('the GitLab Handbook CODEOWNERS', () => {
  const controlled = file.sections.find((section) => section.name === 'Controlled Documents')!;

  it('is found at .gitlab/CODEOWNERS', () => {
    expect(file.path).toBe('.gitlab/CODEOWNERS');
  });

  it('has 36 section headers, the two ^[company] headers merged into one optional section', () => {
    expect(file.sections.flatMap((section) => section.headerLines)).toHaveLength(36);
    const company = file.sections.filter((section) => section.name.toLowerCase() === 'company');
    expect(company).toHaveLength(1);
    expect(company[0]).toMatchObject({ optional: true, headerLines: [126, 158] });
    expect(company[0]!.entries.map((entry) => entry.line)).toEqual([127, 159, 160, 161]);
  });

  it('merges ^[Working-Groups] and ^[working-groups] under the first spelling', () => {
    const groups = file.sections.filter((section) => section.name.toLowerCase() === 'working-groups');
    expect(groups.map((section) => [section.name, section.headerLines])).toEqual([['Working-Groups', [163, 329]]]);
  });

  it('has 46 [Controlled Documents] entries on lines 69-114, required, one approval each', () => {
    expect(controlled).toMatchObject({ optional: false, approvals: 1, line: 68 });
    expect(controlled.entries).toHaveLength(46);
    expect(controlled.entries[0]!.line).toBe(69);
    expect(controlled.entries.at(-1)!.line).toBe(114);
  });

  // ANALYSIS.md names the first; the second (pronouns/, lines 232 and 238) is in ^[People].
  it('reports the duplicate change-management-policy.md and pronouns/ entries and nothing else', () => {
    expect(file.problems).toEqual([
      expect.objectContaining({ kind: 'duplicate-entry', line: 114, column: 1, message: expect.stringContaining('line 110') }),
      expect.objectContaining({ kind: 'duplicate-entry', line: 238, column: 1, message: expect.stringContaining('line 232') }),
    ]);
  });

  it.each(documentTable)('content/handbook/%s', (document, controlledLine, others) => {
    const matches = file.match(`content/handbook/${document}`);
    const inControlled = matches.find((match) => match.section === controlled);
    expect(inControlled?.entry.line ?? null).toBe(controlledLine);
    if (inControlled) expect(inControlled.approvalsRequired).toBe(1);
    const rest = matches.filter((match) => match.section !== controlled).map((match) => [match.section.name, match.entry.pattern]);
    expect(rest).toEqual(others);
  });
});
