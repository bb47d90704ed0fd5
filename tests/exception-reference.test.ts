import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import rule, { gitlabHandbookExceptionOptions } from '../rules/exception-reference.js';
import type { Report } from '../src/engine/types.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { createProjectContext } from '../src/project/context.js';

const repoRoot = path.resolve(import.meta.dirname, '..');
const handbook = path.join(repoRoot, 'fixtures/gitlab-handbook');

const temporaryDirectories: string[] = [];
afterEach(() => {
  for (const directory of temporaryDirectories.splice(0)) fs.rmSync(directory, { recursive: true, force: true });
});

async function check(root: string, relative: string, options: Record<string, unknown> = {}): Promise<Report[]> {
  const absPath = path.join(root, relative);
  const doc = parseDocumentModel({ path: relative, absPath, source: fs.readFileSync(absPath, 'utf8'), documentClass: 'policy' });
  const reports: Report[] = [];
  await rule.check!(doc, {
    options: rule.meta.options.parse(options),
    project: createProjectContext({ root, now: new Date('2026-01-01') }),
    report: (report) => reports.push(report),
  });
  return reports;
}

/** Writes one document to a fresh temporary folder and checks it. */
async function checkSource(source: string, options: Record<string, unknown> = {}): Promise<Report[]> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'policylint-exceptions-'));
  temporaryDirectories.push(root);
  fs.writeFileSync(path.join(root, 'policy.md'), source);
  return check(root, 'policy.md', options);
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
        const reports = await check(handbook, file, options);
        if (reports.length > 0) findings[file] = reports.map((report) => report.messageId);
      }
      expect(findings).toEqual({
        ...Object.fromEntries(PROSE_ONLY.map((file) => [file, ['noProcessLink']])),
        ...Object.fromEntries(NO_SECTION.map((file) => [file, ['noSection']])),
      });
    });
  }

  it('points a prose-only finding at the heading and says no link is there', async () => {
    const [report] = await check(handbook, 'content/handbook/people-group/offboarding/offboarding_standards.md', gitlabHandbookExceptionOptions);
    const lines = fs.readFileSync(path.join(handbook, 'content/handbook/people-group/offboarding/offboarding_standards.md'), 'utf8').split('\n');
    expect(lines[report!.line - 1]).toBe('## Exceptions');
    expect(report!.details).toContain('The section has no links');
  });

  it('does not take the acceptable-use policy reference links for the process', async () => {
    const [report] = await check(handbook, 'content/handbook/people-group/acceptable-use-policy.md', gitlabHandbookExceptionOptions);
    expect(report!.details).toContain("The section's 4 links point elsewhere");
    expect(report!.details).toContain('#information-security-policy-exception-management-process');
  });

  it('reports a missing section on the title line', async () => {
    const [report] = await check(handbook, NO_SECTION[2]!, gitlabHandbookExceptionOptions);
    const lines = fs.readFileSync(path.join(handbook, NO_SECTION[2]!), 'utf8').split('\n');
    expect(lines[report!.line - 1]).toMatch(/^title:/);
  });

  it('passes the seed ISMS document', async () => {
    expect(await check(handbook, 'seed/isms.md', gitlabHandbookExceptionOptions)).toEqual([]);
  });
});

const withExceptions = (body: string, before = '') => `---\ntitle: Policy\n---\n\n## Purpose\n\n${before}\n\n## Exceptions\n\n${body}\n\n## References\n\n- none\n`;

describe('exception-process targets', () => {
  const spellings = [
    '/handbook/security/controlled-document-procedure/#exceptions',
    '{{< ref "/handbook/security#information-security-policy-exception-management-process" >}}',
    '{{< ref "security-and-technology-policy-exception" >}}',
    '/handbook/security/#information-security-policy-exception-management-process',
    'https://gitlab.com/gitlab-com/gl-security/security-assurance/sec-compliance/exceptions/issues/new?issuable_template=exception_request',
    '{{< ref "_index.md#information-security-policy-exception-management-process" >}}',
    '{{< ref "handbook/security#information-security-policy-exception-management-process" >}}',
    '/handbook/security#information-security-policy-exception-management-process',
  ];
  for (const target of spellings) {
    it(`accepts ${target}`, async () => {
      expect(await checkSource(withExceptions(`Follow the [process](${target}).`), gitlabHandbookExceptionOptions)).toEqual([]);
    });
  }

  it('accepts a reference-style link whose definition sits elsewhere', async () => {
    const source = withExceptions('Follow the [process][exceptions].') + '\n[exceptions]: /handbook/security/_index.md#information-security-policy-exception-management-process\n';
    expect(await checkSource(source, gitlabHandbookExceptionOptions)).toEqual([]);
  });

  it('rejects links to other pages and anchors of the security handbook', async () => {
    const reports = await checkSource(
      withExceptions('See [panic email]({{< ref "/handbook/security/#panic-email" >}}) and [CDP](/handbook/security/controlled-document-procedure/).'),
      gitlabHandbookExceptionOptions,
    );
    expect(reports.map((report) => [report.messageId, report.data, report.line])).toEqual([['noProcessLink', { heading: 'Exceptions' }, 9]]);
  });

  it('accepts a process link in a subsection of the Exceptions section', async () => {
    const source = withExceptions('Exceptions are rare.\n\n### Requesting one\n\nUse the [request form](https://example.com/policy-exception-request).');
    expect(await checkSource(source)).toEqual([]);
  });

  it('takes /regex/ targets', async () => {
    const source = withExceptions('Use the [form](https://forms.example.com/EXC-42).');
    expect(await checkSource(source, { targets: ['/forms\\.example\\.com\\/exc-\\d+$/'] })).toEqual([]);
    expect(await checkSource(source, { targets: ['/forms\\.example\\.com\\/exc-\\d+x/'] })).toHaveLength(1);
  });
});

describe('which section is the Exceptions section', () => {
  it('ignores an H3 "Exceptions to ..." scope carve-out by default', async () => {
    const source = '---\ntitle: TPRM\n---\n\n## Scope\n\n### Exceptions to the TPRM Process\n\nVendors under $10k.\n';
    const reports = await checkSource(source);
    expect(reports.map((report) => [report.messageId, report.line])).toEqual([['noSection', 2]]);
    expect(reports[0]!.details).toContain('Add a ## heading (accepted: /^exceptions\\b/)');
  });

  it('counts it when levels include 3', async () => {
    const source = '## Scope\n\n### Exceptions to the TPRM Process\n\nSee the [exception process](/exceptions/).\n';
    expect(await checkSource(source, { levels: [2, 3] })).toEqual([]);
  });

  it('matches plain names after normalizing both sides', async () => {
    const source = '## Exemptions & Waivers:\n\nFile a [policy exception](/policy-exception/).\n';
    expect(await checkSource(source, { section: ['Exemptions and waivers'] })).toEqual([]);
    expect(await checkSource(source)).toHaveLength(1);
  });

  it('does not take a heading that merely starts with the letters', async () => {
    expect((await checkSource('## Exceptionsless\n\nText.\n')).map((report) => report.messageId)).toEqual(['noSection']);
  });

  it('stays quiet about a missing section when requireSection is off', async () => {
    expect(await checkSource('## Purpose\n\nText.\n', { requireSection: false })).toEqual([]);
  });

  it('rejects an invalid /regex/ option', () => {
    expect(() => rule.meta.options.parse({ section: ['/(unclosed/'] })).toThrow(/invalid regular expression \(Unterminated group\)/);
  });
});

describe('exceptions granted outside the Exceptions section', () => {
  const process = 'Use the [exception process](/handbook/security/controlled-document-procedure/#exceptions).';

  it('flags a grant without a tracked exception, at the sentence', async () => {
    const reports = await checkSource(withExceptions(process, 'Backups run daily. The Data team\nhas been granted an exception to this requirement until June.'));
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ line: 7, column: 20 });
    expect(reports[0]).toMatchObject({ messageId: 'untrackedGrant', data: { sentence: 'The Data team has been granted an exception to this requirement until June.' } });
  });

  it.each([
    ['an issue reference', 'An exception was granted to the Data team (#1234).'],
    ['a cross-project reference', 'An exception was granted to the Data team, see gitlab-com/gl-security/exceptions#77.'],
    ['an issue URL', 'An exception was granted to the Data team. Details: https://gitlab.com/g/p/-/issues/12.'],
    ['a work item URL', 'Service X is exempt from rotation ([record](https://gitlab.com/g/p/-/work_items/9)).'],
    ['a reference-style link to an issue', 'Security approved an exception for Service X ([record][x]).\n\n[x]: https://gitlab.com/g/p/-/issues/5'],
  ])('accepts a grant citing %s in the same paragraph', async (_label, text) => {
    expect(await checkSource(withExceptions(process, text))).toEqual([]);
  });

  it('wants the citation in the same paragraph', async () => {
    const reports = await checkSource(withExceptions(process, 'Service X is exempt from rotation.\n\nTracked in #12.'));
    expect(reports.map((report) => report.line)).toEqual([7]);
  });

  it.each([
    'Exceptions must be approved by the Security team.',
    'Access is not permitted unless an exception has been granted.',
    'Do not proceed until the exception has been granted.',
    'Once an exception was approved, it is reviewed yearly.',
    'Teams may be granted an exception for up to 90 days.',
    'An approved exception must be recorded in the tracker.',
    'Use `exception was granted` as the label text.',
    'See issue &#123; for the HTML entity.',
  ])('does not take generic prose for a grant: %s', async (text) => {
    expect(await checkSource(withExceptions(process, text))).toEqual([]);
  });

  it('does not count an HTML entity or a URL fragment as an issue reference', async () => {
    const reports = await checkSource(withExceptions(process, 'Service X is exempt from rotation, see &#123; and [page](/x#12).'));
    expect(reports).toHaveLength(1);
  });

  it('leaves grants inside the Exceptions section and code blocks alone', async () => {
    const source = withExceptions(`${process}\n\nService X is exempt from rotation.`, '```\nService X is exempt from rotation.\n```');
    expect(await checkSource(source)).toEqual([]);
  });

  it('checks paragraphs in lists and quotes too', async () => {
    const reports = await checkSource(withExceptions(process, '- Service X is exempt from rotation.\n\n> Service Y is exempt from rotation.'));
    expect(reports.map((report) => [report.line, report.column])).toEqual([
      [7, 3],
      [9, 3],
    ]);
  });

  it('uses configured grant and citation patterns', async () => {
    const options = { grantPatterns: ['/\\bwaiver granted\\b/i'], trackedExceptionPatterns: ['/\\bEXC-\\d+\\b/'] };
    expect(await checkSource(withExceptions(process, 'Waiver granted to team X.'), options)).toHaveLength(1);
    expect(await checkSource(withExceptions(process, 'Waiver granted to team X (EXC-9).'), options)).toEqual([]);
    expect(await checkSource(withExceptions(process, 'Service X is exempt from rotation.'), options)).toEqual([]);
  });
});
