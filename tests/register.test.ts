import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareRun } from '../src/engine/run.js';
import { buildRegister, keepForRegister, type Register } from '../src/register/build.js';
import { formatRegister } from '../src/register/format.js';
import { makeTree, runCli } from './support/cli.js';
import { oracleMissing } from './support/oracles.js';
import { missingPdfTools, pdfText, printToPdf } from './support/pdf.js';
import { gitWith } from './support/git.js';

const NOW = new Date('2026-11-27T00:00:00Z');

const CONFIG = `classes:
  policy:
    paths: ["policies/**"]
    when:
      - frontMatter: { controlled_document: true }
    rules:
      document-id: [error, { key: ID }]
      review-date: error
      exception-reference: warn
`;

const CODEOWNERS = `[Controlled Documents]
/policies/ @security-compliance @ciso

^[Legal]
/policies/privacy.md @legal
`;

function policy(id: string | undefined, title: string, body = '', extra = ''): string {
  return `---\ncontrolled_document: true\ntitle: '${title.replace(/'/g, "''")}'\n${id === undefined ? '' : `ID: ${id}\n`}${extra}---\n\n## Exceptions\n\nRequest one through the exception process.\n${body}`;
}

function git(root: string, args: string[], date?: string): string {
  return gitWith(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {})(root, ...args).trim();
}

let root: string;
let register: Register;
let privacyCommit: string;

beforeAll(async () => {
  root = makeTree({
    '.policylint.yml': CONFIG,
    CODEOWNERS,
    'policies/privacy.md': policy(
      'POL-002',
      'Privacy, "Data" | Records',
      '\nThe Data team has been granted an exception to retain logs (#214, group/exceptions#215).\n',
      'last_reviewed: 2026-01-15\n',
    ),
    'policies/access.md': policy('POL-001', 'Access Control', '\n- Granted exceptions: https://gitlab.example.com/sec/exceptions/-/issues/7\n'),
    'policies/zeta.md': policy(undefined, '=Zeta draft'),
    'policies/alpha.md': policy(undefined, 'Alpha draft'),
    'policies/readme.md': '# Not controlled\n',
  });
  git(root, ['init', '-q', '-b', 'main']);
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'Add policies'], '2025-10-01T12:00:00+02:00');
  writeFileSync(path.join(root, 'policies/privacy.md'), readFileSync(path.join(root, 'policies/privacy.md'), 'utf8') + '\nMore.\n');
  git(root, ['commit', '-q', '-am', 'Clarify privacy'], '2026-02-03T09:30:00+00:00');
  privacyCommit = git(root, ['rev-parse', 'HEAD']);
  register = await buildRegister(await prepareRun({ cwd: root, now: NOW }, keepForRegister));
});

describe('policylint register', () => {
  it('lists every controlled document by ID, then path, documents without an ID last', () => {
    expect(register.entries.map((entry) => [entry.id, entry.path])).toEqual([
      ['POL-001', 'policies/access.md'],
      ['POL-002', 'policies/privacy.md'],
      [null, 'policies/alpha.md'],
      [null, 'policies/zeta.md'],
    ]);
  });

  it('gives each its owners by section, review, last change and exception references', () => {
    const privacy = register.entries.find((entry) => entry.id === 'POL-002')!;
    expect(privacy).toEqual({
      id: 'POL-002',
      title: 'Privacy, "Data" | Records',
      class: 'policy',
      path: 'policies/privacy.md',
      codeOwners: [
        { section: 'Controlled Documents', owners: ['@security-compliance', '@ciso'] },
        { section: 'Legal', owners: ['@legal'] },
      ],
      lastReviewed: '2026-01-15',
      reviewSource: 'frontmatter',
      due: '2027-01-15',
      status: 'ok',
      lastChange: { commit: privacyCommit, date: '2026-02-03T09:30:00+00:00' },
      exceptionReferences: 2,
    });
    const access = register.entries.find((entry) => entry.id === 'POL-001')!;
    // No review date in the front matter: the last commit dates the review, in the committer's zone.
    expect([access.lastReviewed, access.reviewSource, access.due, access.status, access.lastChange?.date]).toEqual([
      '2025-10-01',
      'git',
      '2026-10-01',
      'overdue',
      '2025-10-01T12:00:00+02:00',
    ]);
    expect(access.exceptionReferences).toBe(1);
    expect(register.entries.find((entry) => entry.path === 'policies/alpha.md')!.exceptionReferences).toBe(0);
  });

  it('writes JSON with a schema version and the day statuses are computed for', () => {
    const json = JSON.parse(formatRegister(register, 'json'));
    expect(Object.keys(json)).toEqual(['schemaVersion', 'asOf', 'documents']);
    expect(json.schemaVersion).toBe(1);
    expect(json.asOf).toBe('2026-11-27');
    expect(json.documents).toEqual(register.entries);
  });

  it('writes RFC 4180 CSV: CRLF records, quoted fields, formulas kept as text', () => {
    const csv = formatRegister(register, 'csv');
    const records = csv.split('\r\n');
    expect(records.at(-1)).toBe('');
    expect(records[0]).toBe(
      'ID,Title,Class,Path,Code owners,Last reviewed,Review source,Next review due,Status,Last change,Last change date,Exception references',
    );
    expect(records[2]).toBe(
      `POL-002,"Privacy, ""Data"" | Records",policy,policies/privacy.md,[Controlled Documents] @security-compliance @ciso; [Legal] @legal,2026-01-15,frontmatter,2027-01-15,ok,${privacyCommit.slice(0, 12)},2026-02-03T09:30:00+00:00,2`,
    );
    expect(records[4]).toMatch(/^,'=Zeta draft,policy,policies\/zeta\.md,/);
    expect(csv).not.toMatch(/[^\r]\n/);
  });

  it('writes a Markdown table that pastes into an issue: pipes escaped, owners as code so nobody is notified', () => {
    const lines = formatRegister(register, 'markdown').split('\n');
    expect(lines[1]).toBe(`|${' --- |'.repeat(12)}`);
    expect(lines[3]).toBe(
      `| POL-002 | Privacy, "Data" \\| Records | policy | policies/privacy.md | [Controlled Documents] \`@security-compliance\` \`@ciso\`; [Legal] \`@legal\` | 2026-01-15 | frontmatter | 2027-01-15 | ok | ${privacyCommit.slice(0, 12)} | 2026-02-03T09:30:00+00:00 | 2 |`,
    );
    for (const line of lines.filter(Boolean)) expect(line.split(/(?<!\\)\|/).length - 2).toBe(12);
  });

  it('writes aligned text with a summary', () => {
    const text = formatRegister(register, 'text');
    expect(text.split('\n')[0]).toMatch(/^ID {7}TITLE {2,}CLASS/);
    expect(text).toMatch(/\n\n4 documents as of 2026-11-27: 3 overdue, 0 due soon, 1 ok, 0 unknown\n$/);
  });

  it('writes one self-contained HTML page: escaped text, inline style and script, no external assets', () => {
    const page = formatRegister(register, 'html');
    expect(page).toMatch(/^<!DOCTYPE html>/);
    expect(page).toContain('<td>Privacy, &quot;Data&quot; | Records</td>');
    expect(page).toContain('thead { display: table-header-group; }');
    expect(page).toContain('<td class="nowrap overdue">overdue</td>');
    expect(page).not.toMatch(/\b(?:src|href)=|@import|url\(/);
    expect(page.match(/<tr>/g)).toHaveLength(1 + register.entries.length);
  });
});

describe('policylint register on the command line', () => {
  it('writes CSV with a byte order mark to a file, and rejects --bom for other formats (exit 2)', () => {
    const written = runCli(['register', '--format', 'csv', '--bom', '-o', 'out/register.csv'], { cwd: root });
    expect([written.code, written.stdout, written.stderr]).toEqual([0, '', '']);
    const bytes = readFileSync(path.join(root, 'out/register.csv'));
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString('utf8')).toBe(formatRegister(register, 'csv'));
    const refused = runCli(['register', '--format', 'json', '--bom'], { cwd: root });
    expect([refused.code, refused.stderr]).toEqual([2, 'policylint: --bom applies to --format csv only\n']);
  });

  it('refuses to write --output through a linked folder (a branch can commit `public` as a link), exit 2', () => {
    const elsewhere = mkdtempSync(path.join(os.tmpdir(), 'policylint-elsewhere-'));
    symlinkSync(elsewhere, path.join(root, 'public'));
    try {
      const refused = runCli(['register', '--format', 'html', '-o', 'public/register.html'], { cwd: root });
      expect([refused.code, refused.stderr]).toEqual([
        2,
        'policylint: Cannot write register public/register.html: public is a symbolic link; registers are not written through links\n',
      ]);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(path.join(root, 'public'));
      rmSync(elsewhere, { recursive: true });
    }
  });
});

if (missingPdfTools) {
  describe('the HTML register printed', () => oracleMissing(`${missingPdfTools} not installed (.ci/run installs them)`));
}

describe.skipIf(missingPdfTools !== '')('the HTML register printed', () => {
  it('prints to PDF with headless Chromium, every row readable in the PDF text', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'policylint-print-'));
    try {
      const text = pdfText(printToPdf(formatRegister(register, 'html'), dir, 'register'));
      expect(text).toContain('Document register');
      for (const entry of register.entries) {
        // A row's first line holds its cells that never wrap, side by side, in the columns' order.
        const row = [entry.id ?? '', entry.lastReviewed!, entry.due!, entry.status, entry.lastChange!.commit.slice(0, 12)].filter(Boolean);
        const inOrder = new RegExp(row.map((cell) => cell.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s.*'));
        expect(
          text.split('\n').some((line) => inOrder.test(line)),
          `row of ${entry.path}`,
        ).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
