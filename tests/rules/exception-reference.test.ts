import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import rule, { gitlabHandbookExceptionOptions } from '../../rules/exception-reference.js';
import type { Report } from '../../src/engine/types.js';
import { parseDocumentModel } from '../../src/model/parse.js';
import { createProjectContext } from '../../src/project/context.js';
import { REPO_ROOT } from '../support/cli.js';
import { ruleTester } from '../support/rule-tester.js';

const withExceptions = (body: string, before = '') =>
  `---\ntitle: Policy\n---\n\n## Purpose\n\n${before}\n\n## Exceptions\n\n${body}\n\n## References\n\n- none\n`;
const processLink = 'Use the [exception process](/handbook/security/controlled-document-procedure/#exceptions).';
/** A grant in the Purpose section (line 7) of a document whose Exceptions section links the process. */
const grant = (text: string) => withExceptions(processLink, text);

// ANALYSIS.md §4, "Exceptions-section link targets": every spelling the handbook uses for the process link.
const handbookSpellings = [
  '/handbook/security/controlled-document-procedure/#exceptions',
  '{{< ref "/handbook/security#information-security-policy-exception-management-process" >}}',
  '{{< ref "security-and-technology-policy-exception" >}}',
  '/handbook/security/#information-security-policy-exception-management-process',
  'https://gitlab.com/gitlab-com/gl-security/security-assurance/sec-compliance/exceptions/issues/new?issuable_template=exception_request',
  '{{< ref "_index.md#information-security-policy-exception-management-process" >}}',
  '{{< ref "handbook/security#information-security-policy-exception-management-process" >}}',
  '/handbook/security#information-security-policy-exception-management-process',
];

ruleTester(rule, {
  valid: [
    ...handbookSpellings.map((target) => ({
      name: `process link ${target}`,
      source: withExceptions(`Follow the [process](${target}).`),
      options: gitlabHandbookExceptionOptions,
    })),
    {
      name: 'a reference-style link whose definition sits elsewhere',
      source:
        withExceptions('Follow the [process][exceptions].') +
        '\n[exceptions]: /handbook/security/_index.md#information-security-policy-exception-management-process\n',
      options: gitlabHandbookExceptionOptions,
    },
    {
      name: 'a process link in a subsection',
      source: withExceptions('Exceptions are rare.\n\n### Requesting one\n\nUse the [request form](https://example.com/policy-exception-request).'),
    },
    {
      name: 'a /regex/ target',
      source: withExceptions('Use the [form](https://forms.example.com/EXC-42).'),
      options: { targets: ['/forms\\.example\\.com\\/exc-\\d+$/'] },
    },
    {
      name: 'an H3 "Exceptions to ..." when levels include 3',
      source: '## Scope\n\n### Exceptions to the TPRM Process\n\nSee the [exception process](/exceptions/).\n',
      options: { levels: [2, 3] },
    },
    {
      name: 'plain section names, normalized on both sides',
      source: '## Exemptions & Waivers:\n\nFile a [policy exception](/policy-exception/).\n',
      options: { section: ['Exemptions and waivers'] },
    },
    { name: 'no section, with requireSection off', source: '## Purpose\n\nText.\n', options: { requireSection: false } },
    ...[
      ['an issue reference', 'An exception was granted to the Data team (#1234).'],
      ['a cross-project reference', 'An exception was granted to the Data team, see gitlab-com/gl-security/exceptions#77.'],
      ['an issue URL', 'An exception was granted to the Data team. Details: https://gitlab.com/g/p/-/issues/12.'],
      ['a work item URL', 'Service X is exempt from rotation ([record](https://gitlab.com/g/p/-/work_items/9)).'],
      ['a reference-style link to an issue', 'Security approved an exception for Service X ([record][x]).\n\n[x]: https://gitlab.com/g/p/-/issues/5'],
    ].map(([label, text]) => ({ name: `a grant citing ${label} in the same paragraph`, source: grant(text!) })),
    ...[
      'Exceptions must be approved by the Security team.',
      'Access is not permitted unless an exception has been granted.',
      'Do not proceed until the exception has been granted.',
      'Once an exception was approved, it is reviewed yearly.',
      'Teams may be granted an exception for up to 90 days.',
      'An approved exception must be recorded in the tracker.',
      'Use `exception was granted` as the label text.',
      'See issue &#123; for the HTML entity.',
    ].map((text) => ({ name: `generic prose, not a grant: ${text}`, source: grant(text) })),
    {
      name: 'grants inside the Exceptions section and in code blocks',
      source: withExceptions(`${processLink}\n\nService X is exempt from rotation.`, '```\nService X is exempt from rotation.\n```'),
    },
    {
      name: 'configured grant and citation patterns',
      source: grant('Waiver granted to team X (EXC-9).\n\nService X is exempt from rotation.'),
      options: { grantPatterns: ['/\\bwaiver granted\\b/i'], trackedExceptionPatterns: ['/\\bEXC-\\d+\\b/'] },
    },
  ],
  invalid: [
    {
      name: 'links to other pages and anchors of the security handbook',
      source: withExceptions('See [panic email]({{< ref "/handbook/security/#panic-email" >}}) and [CDP](/handbook/security/controlled-document-procedure/).'),
      options: gitlabHandbookExceptionOptions,
      errors: [{ messageId: 'noProcessLink', line: 9, data: { heading: 'Exceptions' } }],
    },
    {
      name: 'a /regex/ target that does not match',
      source: withExceptions('Use the [form](https://forms.example.com/EXC-42).'),
      options: { targets: ['/forms\\.example\\.com\\/exc-\\d+x/'] },
      errors: [{ messageId: 'noProcessLink', line: 9 }],
    },
    {
      name: 'an H3 "Exceptions to ..." scope carve-out is not the section by default',
      source: '---\ntitle: TPRM\n---\n\n## Scope\n\n### Exceptions to the TPRM Process\n\nVendors under $10k.\n',
      errors: [{ messageId: 'noSection', line: 2, details: /Add a ## heading \(accepted: \/\^exceptions\\b\/\)/ }],
    },
    {
      name: 'plain section names are not taken by default',
      source: '## Exemptions & Waivers:\n\nFile a [policy exception](/policy-exception/).\n',
      errors: [{ messageId: 'noSection', line: 1 }],
    },
    { name: 'a heading that merely starts with the letters', source: '## Exceptionsless\n\nText.\n', errors: [{ messageId: 'noSection', line: 1 }] },
    {
      name: 'a grant without a tracked exception, at the sentence',
      source: grant('Backups run daily. The Data team\nhas been granted an exception to this requirement until June.'),
      errors: [
        { messageId: 'untrackedGrant', line: 7, column: 20, data: { sentence: 'The Data team has been granted an exception to this requirement until June.' } },
      ],
    },
    {
      name: 'a citation in another paragraph',
      source: grant('Service X is exempt from rotation.\n\nTracked in #12.'),
      errors: [{ messageId: 'untrackedGrant', line: 7 }],
    },
    {
      name: 'an HTML entity or URL fragment is no issue reference',
      source: grant('Service X is exempt from rotation, see &#123; and [page](/x#12).'),
      errors: [{ messageId: 'untrackedGrant', line: 7 }],
    },
    {
      name: 'grants in lists and quotes',
      source: grant('- Service X is exempt from rotation.\n\n> Service Y is exempt from rotation.'),
      errors: [
        { messageId: 'untrackedGrant', line: 7, column: 3 },
        { messageId: 'untrackedGrant', line: 9, column: 3 },
      ],
    },
    {
      name: 'a configured grant pattern without a configured citation',
      source: grant('Waiver granted to team X.'),
      options: { grantPatterns: ['/\\bwaiver granted\\b/i'], trackedExceptionPatterns: ['/\\bEXC-\\d+\\b/'] },
      errors: [{ messageId: 'untrackedGrant', line: 7, data: { sentence: 'Waiver granted to team X.' } }],
    },
  ],
  invalidOptions: [{ options: { section: ['/(unclosed/'] }, error: /invalid regular expression \(Unterminated group\)/ }],
});

const handbook = path.join(REPO_ROOT, 'fixtures/gitlab-handbook');

async function checkHandbookFile(relative: string, options: Record<string, unknown> = {}): Promise<Report[]> {
  const absPath = path.join(handbook, relative);
  const doc = parseDocumentModel({ path: relative, absPath, source: fs.readFileSync(absPath, 'utf8'), documentClass: 'policy' });
  const reports: Report[] = [];
  await rule.check!(doc, {
    options: rule.meta.options.parse(options),
    project: createProjectContext({ root: handbook, now: new Date('2026-01-01') }),
    settingOf: () => undefined,
    report: (report) => reports.push(report),
  });
  return reports;
}

function handbookDocuments(): string[] {
  return fs
    .readdirSync(path.join(handbook, 'content'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join('content', file.split(path.sep).join('/')))
    .sort();
}

// ANALYSIS.md §4, "Exceptions-section link targets".
const PROSE_ONLY = [
  'content/handbook/engineering/gitlab-com/policies/monitoring/_index.md',
  'content/handbook/people-group/acceptable-use-policy.md',
  'content/handbook/people-group/offboarding/offboarding_standards.md',
  'content/handbook/security/security-assurance/security-risk/storm-program/_index.md',
  'content/handbook/security/security-assurance/security-risk/storm-program/business-impact-analysis.md',
];
const NO_SECTION = [
  'content/handbook/legal/gitlab-code-of-business-conduct-and-ethics.md',
  'content/handbook/security/security-and-technology-policies/security-and-technology-policies-management.md',
  'content/handbook/security/security-assurance/security-compliance/sec-controls.md',
  'content/handbook/security/security-assurance/security-risk/storm-program/critical-systems.md',
];

describe('exception-reference on the GitLab handbook corpus', () => {
  const documents = handbookDocuments();

  it('holds the 26 documents of the analysis', () => {
    expect(documents).toHaveLength(26);
    for (const file of [...PROSE_ONLY, ...NO_SECTION]) expect(documents).toContain(file);
  });

  for (const [label, options] of [
    ['gitlab-handbook preset values', gitlabHandbookExceptionOptions],
    ['defaults', {}],
  ] as const) {
    it(`flags exactly the prose-only and section-less documents (${label})`, async () => {
      const findings: Record<string, string[]> = {};
      for (const file of documents) {
        const reports = await checkHandbookFile(file, options);
        if (reports.length > 0) findings[file] = reports.map((report) => report.messageId);
      }
      expect(findings).toEqual({
        ...Object.fromEntries(PROSE_ONLY.map((file) => [file, ['noProcessLink']])),
        ...Object.fromEntries(NO_SECTION.map((file) => [file, ['noSection']])),
      });
    });
  }

  it('points a prose-only finding at the heading and says no link is there', async () => {
    const file = 'content/handbook/people-group/offboarding/offboarding_standards.md';
    const [report] = await checkHandbookFile(file, gitlabHandbookExceptionOptions);
    expect(fs.readFileSync(path.join(handbook, file), 'utf8').split('\n')[report!.line - 1]).toBe('## Exceptions');
    expect(report!.details).toContain('The section has no links');
  });

  it('does not take the acceptable-use policy reference links for the process', async () => {
    const [report] = await checkHandbookFile('content/handbook/people-group/acceptable-use-policy.md', gitlabHandbookExceptionOptions);
    expect(report!.details).toContain("The section's 4 links point elsewhere");
    expect(report!.details).toContain('#information-security-policy-exception-management-process');
  });

  it('reports a missing section on the title line', async () => {
    const [report] = await checkHandbookFile(NO_SECTION[2]!, gitlabHandbookExceptionOptions);
    expect(fs.readFileSync(path.join(handbook, NO_SECTION[2]!), 'utf8').split('\n')[report!.line - 1]).toMatch(/^title:/);
  });

  it('passes the seed ISMS document', async () => {
    expect(await checkHandbookFile('seed/isms.md', gitlabHandbookExceptionOptions)).toEqual([]);
  });
});
