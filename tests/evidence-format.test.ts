import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEvidence } from '../src/evidence/format.js';
import { EVIDENCE_EXTENSIONS, EVIDENCE_FORMATS } from '../src/evidence/formats.js';
import type { Evidence, EvidenceApproval, EvidenceChange, EvidenceDocument, RequiredOwners } from '../src/evidence/types.js';
import { oracleMissing } from './support/oracles.js';
import { missingPdfTools, pdfPages, printToPdf } from './support/pdf.js';

/** A full commit id whose first 12 characters are `prefix` (hex). */
function sha(prefix: string): string {
  return prefix.padEnd(40, '0');
}

const HOSTILE_SUBJECT = '/approve @everyone <script>alert(1)</script> [x](http://evil)';
const HOSTILE_TITLE = 'Privacy | "Data"\nRecords\n/close';
const FORMULA_ID = '=HYPERLINK("http://evil","click")';
const MR_URL = 'https://gitlab.example.com/acme/handbook/-/merge_requests/';

const ALICE: EvidenceApproval = { username: 'alice', trailer: null, approvedAt: '2026-02-01T10:00:00Z', source: 'gitlab', counted: true, why: null };

function owners(approvalsCounted: number | null, asOf: string | null = sha('0a5e0f')): RequiredOwners {
  return {
    codeownersPath: 'CODEOWNERS',
    asOf,
    entries: [
      { section: 'Controlled Documents', pattern: '/policies/', line: 2, owners: ['@security-compliance', '@ciso'], approvalsRequired: 1, approvalsCounted },
    ],
  };
}

function change(overrides: Partial<EvidenceChange> & Pick<EvidenceChange, 'commit' | 'date' | 'subject' | 'path'>): EvidenceChange {
  return {
    author: { name: 'Bob Builder', email: 'bob@example.com' },
    action: 'modified',
    oldPath: null,
    classBefore: 'policy',
    classAfter: 'policy',
    commits: [{ sha: overrides.commit, date: overrides.date, author: { name: 'Bob Builder', email: 'bob@example.com' }, subject: overrides.subject }],
    mergeRequest: null,
    approvals: [],
    requiredOwners: owners(null),
    verdict: 'met',
    reasons: [],
    unverified: [],
    ...overrides,
  };
}

function mergeRequest(iid: number, title: string): NonNullable<EvidenceChange['mergeRequest']> {
  return { iid, title, webUrl: `${MR_URL}${iid}`, mergedBy: 'carol', mergedAt: '2026-02-02T09:00:00Z', author: 'bob', source: 'gitlab' };
}

const access: EvidenceDocument = {
  path: 'policies/access.md',
  formerPaths: [],
  state: 'controlled',
  id: 'POL-001',
  title: 'Access Control',
  class: 'policy',
  codeOwners: ['@security-compliance', '@ciso'],
  review: { lastReviewed: '2026-02-01', due: '2027-02-01', status: 'ok' },
  changes: [
    change({
      commit: sha('a11ce0000001'),
      date: '2026-02-02T10:00:00+01:00',
      subject: "Merge branch 'review-access' into 'main'",
      path: 'policies/access.md',
      commits: [
        { sha: sha('a11ce0000b01'), date: '2026-02-01T08:00:00+01:00', author: { name: 'Bob Builder', email: 'bob@example.com' }, subject: 'Review access' },
      ],
      mergeRequest: mergeRequest(12, 'Annual review of the access policy'),
      approvals: [ALICE],
      requiredOwners: owners(1),
    }),
    change({
      commit: sha('a11ce0000002'),
      date: '2026-02-20T16:00:00Z',
      subject: "Merge branch 'tweak' into 'main'",
      path: 'policies/access.md',
      mergeRequest: mergeRequest(13, 'Tweak wording'),
      approvals: [{ username: 'dave', trailer: null, approvedAt: '2026-02-19T12:00:00Z', source: 'gitlab', counted: false, why: 'not a code owner' }],
      requiredOwners: owners(0),
      verdict: 'not-met',
      reasons: ['No code owner of [Controlled Documents] /policies/ approved the merge request.'],
    }),
  ],
  reviews: [{ date: '2026-02-02T10:00:00+01:00', commit: sha('a11ce0000001'), field: 'last_reviewed', from: '2025-02-01', to: '2026-02-01', mergeRequest: 12 }],
  exceptions: ['https://gitlab.example.com/sec/exceptions/-/issues/7'],
};

const privacy: EvidenceDocument = {
  path: 'policies/privacy.md',
  formerPaths: [],
  state: 'controlled',
  id: 'POL-002',
  title: HOSTILE_TITLE,
  class: 'policy',
  codeOwners: ['@security-compliance', '@ciso'],
  review: { lastReviewed: '2025-01-15', due: '2026-01-15', status: 'overdue' },
  changes: [
    change({
      commit: sha('b0b000000001'),
      date: '2026-03-03T09:30:00+00:00',
      author: { name: '@everyone', email: 'mallory@example.com' },
      subject: HOSTILE_SUBJECT,
      path: 'policies/privacy.md',
      requiredOwners: owners(0),
      verdict: 'not-met',
      reasons: ['Pushed to main without a merge request.'],
    }),
  ],
  reviews: [],
  exceptions: ['#214', 'group/exceptions#215'],
};

const retired: EvidenceDocument = {
  path: 'policies/retired.md',
  formerPaths: ['policies/old-name.md'],
  state: 'deleted',
  id: 'POL-003',
  title: 'Retired standard',
  class: 'policy',
  codeOwners: [],
  review: { lastReviewed: '2025-06-01', due: '2026-06-01', status: 'unknown' },
  changes: [
    change({
      commit: sha('de1e7e000001'),
      date: '2026-01-10T12:00:00Z',
      subject: 'Rename the old standard',
      action: 'renamed',
      path: 'policies/retired.md',
      oldPath: 'policies/old-name.md',
      mergeRequest: mergeRequest(14, 'Rename'),
      approvals: [ALICE],
      requiredOwners: owners(1),
    }),
    change({
      commit: sha('de1e7e000002'),
      date: '2026-03-15T12:00:00Z',
      subject: 'Retire the standard',
      action: 'deleted',
      path: 'policies/retired.md',
      classAfter: null,
      mergeRequest: mergeRequest(15, 'Retire'),
      approvals: [ALICE],
      requiredOwners: owners(1),
    }),
  ],
  reviews: [],
  exceptions: [],
};

const vendor: EvidenceDocument = {
  path: 'handbook/vendor management.md',
  formerPaths: [],
  state: 'controlled',
  id: FORMULA_ID,
  title: 'Vendor management',
  class: 'standard',
  codeOwners: [],
  review: { lastReviewed: '2025-01-01', due: '2026-01-01', status: 'overdue' },
  changes: [
    change({
      commit: sha('ee1000000001'),
      date: '2026-02-10T08:00:00-05:00',
      subject: 'Update vendor list (!20)',
      path: 'handbook/vendor management.md',
      classBefore: 'standard',
      classAfter: 'standard',
      mergeRequest: { iid: 20, title: null, webUrl: null, mergedBy: null, mergedAt: null, author: null, source: 'git' },
      approvals: [{ username: null, trailer: 'Jane Doe <jane@example.com>', approvedAt: null, source: 'git', counted: null, why: null }],
      requiredOwners: { codeownersPath: null, asOf: sha('ee0fff'), entries: [] },
      verdict: 'unverified',
      reasons: ['Only the commit message names the merge request and its approval.'],
      unverified: ['mergeRequest', 'approvals', 'verdict'],
    }),
  ],
  reviews: [{ date: '2026-02-10T08:00:00-05:00', commit: sha('ee1000000001'), field: 'last_reviewed', from: null, to: '2026-02-10', mergeRequest: 20 }],
  exceptions: [],
};

function reference(doc: EvidenceDocument, index: number) {
  const c = doc.changes[index]!;
  return {
    path: doc.path,
    commit: c.commit,
    date: c.date,
    mergeRequest: c.mergeRequest?.iid ?? null,
    webUrl: c.mergeRequest?.webUrl ?? null,
    commitUrl: `https://gitlab.example.com/acme/handbook/-/commit/${c.commit}`,
    verdict: c.verdict,
    reasons: c.reasons,
  };
}

const EVIDENCE: Evidence = {
  schemaVersion: 1,
  generator: { name: 'policylint', version: '0.1.0' },
  generatedAt: '2026-04-01T08:00:00Z',
  period: { since: '2026-01-01', until: '2026-03-31' },
  range: { ref: 'main', from: sha('f00d00000001'), to: sha('f00d000000ff') },
  config: { path: '.policylint.yml', sha256: '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  source: {
    kind: 'gitlab',
    gitlabUrl: 'https://gitlab.example.com',
    project: 'acme/handbook',
    projectUrl: 'https://gitlab.example.com/acme/handbook',
    note: null,
  },
  summary: {
    documents: 4,
    changes: 6,
    met: 3,
    notMet: [reference(access, 1), reference(privacy, 0)],
    unverified: [reference(vendor, 0)],
    overdue: [privacy.path, vendor.path],
    noOwner: [vendor.path],
    misdated: [{ commit: sha('backdated'), date: '2025-06-01T00:00:00+00:00' }],
  },
  documents: [access, privacy, retired, vendor],
};

const ALL_CHANGES = EVIDENCE.documents.flatMap((doc) => doc.changes.map((c) => ({ doc, change: c })));

/** RFC 4180 records (CRLF), quoted fields with doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"' && (quoted || field === '')) {
      quoted = !quoted;
    } else if (quoted) {
      field += char;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      i++;
    } else {
      field += char;
    }
  }
  expect([field, record]).toEqual(['', []]);
  return records;
}

describe('formatEvidence', () => {
  it('lists its formats with a file extension each', () => {
    expect(EVIDENCE_FORMATS).toEqual(['json', 'csv', 'markdown', 'html']);
    expect(EVIDENCE_EXTENSIONS).toEqual({ json: 'json', csv: 'csv', markdown: 'md', html: 'html' });
  });

  it.each(EVIDENCE_FORMATS)('writes %s deterministically, ending with a newline', (format) => {
    const first = formatEvidence(EVIDENCE, format);
    expect(formatEvidence(structuredClone(EVIDENCE), format)).toBe(first);
    expect(first.endsWith('\n')).toBe(true);
  });

  it('writes JSON that is the evidence itself, keys in the model order', () => {
    const json = formatEvidence(EVIDENCE, 'json');
    expect(json).toBe(`${JSON.stringify(EVIDENCE, null, 2)}\n`);
    const parsed = JSON.parse(json) as Evidence;
    expect(parsed).toEqual(EVIDENCE);
    expect(Object.keys(parsed)).toEqual(['schemaVersion', 'generator', 'generatedAt', 'period', 'range', 'config', 'source', 'summary', 'documents']);
  });

  it('writes CSV with one row per change, documents without a change left out, formulas kept as text', () => {
    const csv = formatEvidence(EVIDENCE, 'csv');
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(csv);
    expect(header).toEqual([
      'Document path',
      'Document ID',
      'Title',
      'Class',
      'Change commit',
      'Date',
      'Author',
      'Action',
      'Path',
      'Old path',
      'Merge request (iid)',
      'Merge request URL',
      'Merged by',
      'Merged at',
      'Approvals',
      'Required owners',
      'CODEOWNERS as of (commit)',
      'Verdict',
      'Reasons',
      'Unverified fields',
      'Commits',
    ]);
    expect(rows).toHaveLength(ALL_CHANGES.length);
    expect(rows.map((row) => [row[0], row[4]])).toEqual(ALL_CHANGES.map(({ doc, change: c }) => [doc.path, c.commit]));
    for (const row of rows) expect(row).toHaveLength(header!.length);
    const byCommit = (prefix: string) => Object.fromEntries(header!.map((name, i) => [name, rows.find((row) => row[4]!.startsWith(prefix))![i]]));

    expect(byCommit('a11ce0000001')).toEqual({
      'Document path': 'policies/access.md',
      'Document ID': 'POL-001',
      Title: 'Access Control',
      Class: 'policy',
      'Change commit': sha('a11ce0000001'),
      Date: '2026-02-02T10:00:00+01:00',
      Author: 'Bob Builder <bob@example.com>',
      Action: 'modified',
      Path: 'policies/access.md',
      'Old path': '',
      'Merge request (iid)': '12',
      'Merge request URL': `${MR_URL}12`,
      'Merged by': 'carol',
      'Merged at': '2026-02-02T09:00:00Z',
      // A leading `@` would be a formula: csvTable keeps it text.
      Approvals: "'@alice 2026-02-01T10:00:00Z",
      'Required owners': '[Controlled Documents] /policies/: @security-compliance @ciso (1 of 1 approved)',
      'CODEOWNERS as of (commit)': sha('0a5e0f'),
      Verdict: 'met',
      Reasons: '',
      'Unverified fields': '',
      Commits: 'a11ce0000b01',
    });
    expect(byCommit('a11ce0000002').Approvals).toBe("'@dave 2026-02-19T12:00:00Z (not counted: not a code owner)");
    expect(byCommit('b0b000000001')).toMatchObject({ Title: HOSTILE_TITLE, Verdict: 'not-met', 'Merge request (iid)': '', Commits: 'b0b000000001' });
    expect(byCommit('de1e7e000001')).toMatchObject({ 'Document path': 'policies/retired.md', Action: 'renamed', 'Old path': 'policies/old-name.md' });
    expect(byCommit('ee1000000001')).toMatchObject({
      'Document ID': `'${FORMULA_ID}`,
      Approvals: 'Jane Doe <jane@example.com> (trailer, unverified)',
      'Required owners': '',
      Verdict: 'unverified',
      'Unverified fields': 'mergeRequest; approvals; verdict',
    });
    // No cell a spreadsheet would run.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
  });

  it('writes Markdown for a GitLab issue: provenance, summary with links, a section per document', () => {
    const markdown = formatEvidence(EVIDENCE, 'markdown');
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# Audit evidence: 2026-01-01 to 2026-03-31');
    expect(lines[2]).toBe(
      'Generated by policylint 0.1.0 at 2026-04-01T08:00:00Z from `main` `f00d00000001`..`f00d000000ff`; configuration `.policylint.yml` (sha256 `0123456789ab`); source: GitLab API (`https://gitlab.example.com`, project `acme/handbook`).',
    );
    const summary = markdown.slice(markdown.indexOf('## Summary'), markdown.indexOf('## `policies/access.md`'));
    expect(summary).toBe(
      [
        '## Summary',
        '',
        '- 4 documents in scope',
        '- 6 changes',
        '- 3 met',
        '- 2 not met',
        `  - \`policies/access.md\`, 2026-02-20T16:00:00Z, [\\!\u200B13](${MR_URL}13): No code owner of \\[\u200BControlled Documents\\] /policies/ approved the merge request.`,
        '  - `policies/privacy.md`, 2026-03-03T09:30:00+00:00, commit [`b0b000000001`](https://gitlab.example.com/acme/handbook/-/commit/b0b0000000010000000000000000000000000000): Pushed to main without a merge request.',
        '- 1 unverified',
        '  - `handbook/vendor management.md`, 2026-02-10T08:00:00-05:00, commit [`ee1000000001`](https://gitlab.example.com/acme/handbook/-/commit/ee10000000010000000000000000000000000000) (\\!\u200B20): Only the commit message names the merge request and its approval.',
        "- 2 documents overdue for review at the period's end",
        '  - `policies/privacy.md`',
        '  - `handbook/vendor management.md`',
        '- 1 document with no owner',
        '  - `handbook/vendor management.md`',
        '- 1 commit dated outside the period among its commits on the branch: its date is not when it reached the branch',
        '  - `backdated000` dated 2025-06-01T00:00:00+00:00',
        '',
        '',
      ].join('\n'),
    );
    for (const doc of EVIDENCE.documents) expect(lines).toContain(`## \`${doc.path}\``);
    expect(lines).toContain('- Former paths: `policies/old-name.md`');
    expect(lines).toContain('- Code owners: `@security-compliance` `@ciso`');
    expect(lines).toContain('- Review: last reviewed 2025-01-15, due 2026-01-15, **overdue**');
    expect(lines).toContain('- `https://gitlab.example.com/sec/exceptions/-/issues/7`');
    expect(lines).toContain(`- 2026-02-02T10:00:00+01:00 \`a11ce0000001\`: \`last_reviewed\` \`2025-02-01\` → \`2026-02-01\` ([\\!\u200B12](${MR_URL}12))`);
    // One table row per change, each with the table's eight cells.
    const rows = lines.filter((line) => line.startsWith('| ') && !line.startsWith('| Date ') && !line.startsWith('| --- '));
    expect(rows).toHaveLength(ALL_CHANGES.length);
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(8);
    const met = rows.find((row) => row.includes('a11ce0000001'))!;
    expect(met).toContain(
      `| [\\!\u200B12](${MR_URL}12)<br>Annual review of the access policy | \`@carol\`<br>2026-02-02T09:00:00Z | \`@alice\` 2026-02-01T10:00:00Z |`,
    );
    expect(
      met.endsWith('| \\[\u200BControlled Documents\\] /policies/: `@security-compliance` `@ciso` (1 of 1 approved)<br>as of `0a5e0f000000` | met |'),
    ).toBe(true);
    expect(rows.find((row) => row.includes('b0b000000001'))).toMatch(/\| \*\*not met\*\*<br>Pushed to main without a merge request\. \|$/);
    expect(rows.find((row) => row.includes('ee1000000001'))).toContain('| Jane Doe &lt;jane@\u200Bexample.com&gt; (trailer, unverified) |');
  });

  it('keeps hostile text in Markdown inert: no quick action, mention, link or HTML', () => {
    const markdown = formatEvidence(EVIDENCE, 'markdown');
    for (const line of markdown.split('\n')) expect(line.trimStart().startsWith('/'), line).toBe(false);
    expect(markdown).not.toMatch(/@everyone/);
    expect(markdown).not.toMatch(/<script/i);
    // The only links are to merge requests, and to the commits of changes without one.
    const links = [...markdown.matchAll(/(?<!\\)\]\(([^)]*)\)/g)].map((match) => match[1]);
    const commitLinks = [EVIDENCE.summary.notMet[1]!, EVIDENCE.summary.unverified[0]!].map((reference) => reference.commitUrl);
    expect(new Set(links)).toEqual(new Set([...[12, 13, 14, 15].map((iid) => `${MR_URL}${iid}`), ...commitLinks]));
    // A URL outside code would be autolinked.
    const outsideCode = markdown.replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toContain('http://evil');
    // The title's pipe and line breaks stay inside one line of prose.
    expect(markdown).toContain('- Title: Privacy \\| "Data" Records /close');
    // Usernames are code, so nobody is notified; no mention outside code.
    expect(outsideCode).not.toMatch(/(^|[^\w\u200B])@[A-Za-z]/m);
  });

  it('writes one self-contained HTML page: provenance, summary linked to the sections, escaped text, print styles', () => {
    const page = formatEvidence(EVIDENCE, 'html');
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n/);
    expect(page).toContain('<title>Audit evidence: 2026-01-01 to 2026-03-31</title>');
    expect(page).not.toMatch(/<script|<img|<link|<iframe|@import|url\(|\bsrc=/i);
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
    const mrUrls = new Set(ALL_CHANGES.flatMap(({ change: c }) => (c.mergeRequest?.webUrl ? [c.mergeRequest.webUrl] : [])));
    // A change without a merge request links to its commit.
    for (const href of hrefs) expect(href.startsWith('#') || mrUrls.has(href) || href === EVIDENCE.summary.notMet[1]!.commitUrl, href).toBe(true);
    // Every anchor the summary links to exists.
    const ids = new Set([...page.matchAll(/\bid="([^"]*)"/g)].map((match) => match[1]!));
    for (const href of hrefs.filter((href) => href.startsWith('#'))) expect(ids.has(href.slice(1)), href).toBe(true);
    expect(hrefs).toEqual(expect.arrayContaining(['#doc-1-change-2', '#doc-2-change-1', '#doc-4-change-1', '#doc-2', '#doc-4']));
    expect(page.match(/<section class="document" id="doc-\d+">/g)).toHaveLength(4);
    expect(page).toContain('<h2><code>policies/privacy.md</code></h2>');
    // Hostile text escaped.
    expect(page).toContain('/approve @everyone &lt;script&gt;alert(1)&lt;/script&gt; [x](http://evil)');
    expect(page).toContain('<dt>Title</dt><dd>Privacy | &quot;Data&quot;\nRecords\n/close</dd>');
    expect(page).toContain(`<code>${FORMULA_ID.replace(/"/g, '&quot;')}</code>`);
    // Verdicts are words, not only colours.
    expect(page).toContain('<span class="verdict not-met">not met</span>');
    expect(page).toContain('<span class="verdict unverified">unverified</span>');
    for (const rule of [
      '@page { size: A4 landscape;',
      'thead { display: table-header-group; }',
      'tr { break-inside: avoid;',
      'break-after: avoid;',
      'overflow-wrap: anywhere;',
      'table-layout: fixed;',
      'font-size: 9pt;',
    ])
      expect(page).toContain(rule);
  });
});

/** A document with enough changes that its table runs over several printed pages. */
function bigDocument(count: number): EvidenceDocument {
  const number = (i: number) => String(i + 1).padStart(3, '0');
  return {
    path: 'policies/information-security/acceptable-use-of-information-and-associated-assets.md',
    formerPaths: [],
    state: 'controlled',
    id: 'POL-100',
    title: 'Acceptable use',
    class: 'policy',
    codeOwners: ['@security-compliance'],
    review: { lastReviewed: '2026-01-05', due: '2027-01-05', status: 'ok' },
    changes: Array.from({ length: count }, (_, i) =>
      change({
        commit: sha(`c0ffee000${number(i)}`),
        date: `2026-02-${String((i % 28) + 1).padStart(2, '0')}T11:00:00+01:00`,
        subject: `Update acceptable use, change ${number(i)}`,
        path: 'policies/information-security/acceptable-use-of-information-and-associated-assets.md',
        commits: [
          { sha: sha(`beef00000${number(i)}`), date: '2026-02-01T08:00:00Z', author: { name: 'Bob Builder', email: 'bob@example.com' }, subject: 'Work' },
        ],
        mergeRequest: { ...mergeRequest(100 + i, `Acceptable use: wording ${number(i)}`), mergedAt: `2026-02-27T${String(i % 24).padStart(2, '0')}:00:00Z` },
        approvals: [ALICE, { ...ALICE, username: `approver-${number(i)}`, approvedAt: `2026-02-26T12:${String(i % 60).padStart(2, '0')}:00Z` }],
        requiredOwners: owners(1, sha(`0e0e00000${number(i)}`)),
      }),
    ),
    reviews: [],
    exceptions: [],
  };
}

if (missingPdfTools) {
  describe('the HTML evidence printed', () => oracleMissing(`${missingPdfTools} not installed (.ci/run installs them)`));
}

describe.skipIf(missingPdfTools !== '')('the HTML evidence printed', () => {
  it('prints to PDF with headless Chromium: summary and sections readable, rows never cut, table headers repeated', () => {
    const big = bigDocument(60);
    const evidence: Evidence = {
      ...EVIDENCE,
      summary: { ...EVIDENCE.summary, documents: 5, changes: EVIDENCE.summary.changes + 60, met: EVIDENCE.summary.met + 60 },
      documents: [...EVIDENCE.documents, big],
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policylint-evidence-print-'));
    try {
      const pages = pdfPages(printToPdf(formatEvidence(evidence, 'html'), dir, 'evidence'));
      const text = pages.join('\n');
      expect(pages[0]).toContain('Audit evidence: 2026-01-01 to 2026-03-31');
      expect(pages[0]).toMatch(/Generated by policylint 0\.1\.0 at 2026-04-01T08:00:00Z/);
      for (const line of ['5 documents in scope', '66 changes', '63 met', '2 not met', '1 unverified', "2 documents overdue for review at the period's end"])
        expect(pages[0]).toContain(line);
      // Each document's heading is a line of its own.
      for (const doc of evidence.documents)
        expect(
          text.split('\n').map((line) => line.trim()),
          doc.path,
        ).toContain(doc.path);

      // The header row's first line (a header may wrap onto a second).
      const header = /^\s*Date\s+Commit\s+Change\s+Merge\b.*\bApprovals\s+Required\b.*\bVerdict and reasons\s*$/m;
      const pagesWithRows = new Set<number>();
      big.changes.forEach((c, i) => {
        const commit = c.commit.slice(0, 12);
        const on = pages.flatMap((page, index) => (page.includes(commit) ? [index] : []));
        expect(on, `pages showing ${commit}`).toHaveLength(1);
        // The whole row is on that page: its first lines and its last (cells that do not wrap).
        const page = pages[on[0]!]!;
        const n = String(i + 1).padStart(3, '0');
        for (const part of [`!${100 + i}`, `@approver-${n}`, `beef00000${n}`, `0e0e00000${n}`]) expect(page, `${commit} ${part}`).toContain(part);
        pagesWithRows.add(on[0]!);
      });
      expect(pagesWithRows.size).toBeGreaterThanOrEqual(3);
      for (const index of pagesWithRows) expect(pages[index], `page ${index + 1}`).toMatch(header);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
