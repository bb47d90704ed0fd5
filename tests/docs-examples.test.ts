/**
 * Every configuration example in README.md and docs/ is a working config, and the rule pages'
 * example documents produce the findings the pages print.
 *
 * A ```yaml block is a policylint config when (first match wins):
 *   1. the line before its fence is `<!-- policylint-config -->` (the explicit marker);
 *   2. its first line is a comment naming a file: `# .policylint.yml` / `# .policylint.yaml` makes it
 *      a config, any other name (`# .gitlab-ci.yml …`) makes it not one;
 *   3. at the top level it has a key only a policylint config has (`extends`, `classes`,
 *      `maxFileBytes`, `mergeRequest`, `$schema`), or `include`/`exclude` given as a list of globs
 *      (GitLab CI's `include` lists mappings such as `- component:`);
 *   4. anywhere in it, a mapping key is a registered rule id (a rule's settings shown on their own
 *      must be written as a whole config, so readers can paste them).
 * Anything else (GitLab CI jobs, pre-commit configs) is not checked.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { rules as registry } from '../rules/index.js';
import governanceFiles from '../rules/governance-files.js';
import { approvalFindings } from '../src/approvals/findings.js';
import { judgeSubject } from '../src/approvals/judge.js';
import { approvalSubjects, type FileChange } from '../src/approvals/subjects.js';
import type { ApprovalEvidence } from '../src/approvals/types.js';
import { parseCodeowners } from '../src/codeowners/parse.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfigText } from '../src/config/load.js';
import { lint } from '../src/engine/run.js';
import type { Finding } from '../src/engine/types.js';
import { summaryBody } from '../src/gitlab/render.js';
import { formatReport, type CodeQualityIssue, type JsonFinding } from '../src/reporters/index.js';
import { makeTree, REPO_ROOT } from './support/cli.js';

const RULE_IDS = new Set(registry.map((rule) => rule.meta.id));
const CONFIG_ONLY_KEYS = new Set(['extends', 'classes', 'maxFileBytes', 'mergeRequest', '$schema']);
const MARKER = '<!-- policylint-config -->';

interface Block {
  file: string;
  /** Line of the block's first line of content. */
  line: number;
  lang: string;
  text: string;
  /** The last non-blank line before the opening fence. */
  before: string;
}

function markdownFiles(): string[] {
  const docs = readdirSync(path.join(REPO_ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => path.posix.join('docs', file.split(path.sep).join('/')));
  return ['README.md', ...docs.sort()];
}

/** Fenced code blocks, de-indented (a block may sit in a list item). */
function codeBlocks(file: string): Block[] {
  const lines = readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,})(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let end = i + 1;
    while (end < lines.length && !new RegExp(`^\\s*${fence}\\s*$`).test(lines[end]!)) end++;
    const before =
      lines
        .slice(0, i)
        .reverse()
        .find((l) => l.trim() !== '') ?? '';
    const body = lines.slice(i + 1, end).map((l) => (l.startsWith(indent!) ? l.slice(indent!.length) : l));
    blocks.push({ file, line: i + 2, lang: lang!, text: `${body.join('\n')}\n`, before: before.trim() });
    i = end;
  }
  return blocks;
}

function hasRuleIdKey(text: string): boolean {
  let found = false;
  visit(parseDocument(text), {
    Pair(_, pair) {
      if (isScalar(pair.key) && RULE_IDS.has(String(pair.key.value))) found = true;
    },
  });
  return found;
}

/** Whether a yaml block is a policylint config, by the rules at the top of this file. */
export function isPolicylintConfig(block: Pick<Block, 'text' | 'before'>): boolean {
  if (block.before === MARKER) return true;
  const named = /^#\s*(\S+\.ya?ml)\b/.exec(block.text.trimStart());
  if (named) return /^\.policylint\.ya?ml$/.test(path.basename(named[1]!));
  const doc = parseDocument(block.text);
  if (doc.errors.length > 0 || !isMap(doc.contents)) return false;
  const top = doc.contents.items;
  for (const pair of top) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (CONFIG_ONLY_KEYS.has(key)) return true;
    if ((key === 'include' || key === 'exclude') && isSeq(pair.value) && pair.value.items.every((item) => isScalar(item) && typeof item.value === 'string'))
      return true;
  }
  return hasRuleIdKey(block.text);
}

const yamlBlocks = markdownFiles()
  .flatMap(codeBlocks)
  .filter((block) => block.lang === 'yaml' || block.lang === 'yml');
const configs = yamlBlocks.filter(isPolicylintConfig);

afterEach(() => vi.restoreAllMocks());

describe('configuration examples in README.md and docs/', () => {
  it('are recognised by rule, and GitLab CI and pre-commit YAML is not', () => {
    const where = (blocks: Block[]) => blocks.map((b) => `${b.file}:${b.line}`);
    expect(configs.length).toBeGreaterThanOrEqual(8);
    // Each of these pages shows at least one config.
    for (const file of [
      'README.md',
      'docs/configuration.md',
      'docs/gitlab-ci.md',
      'docs/rules/codeowners-coverage.md',
      'docs/rules/exception-reference.md',
      'docs/rules/required-sections.md',
      'docs/rules/review-date.md',
    ]) {
      expect(where(configs.filter((b) => b.file === file)), file).not.toEqual([]);
    }
    const skipped = yamlBlocks.filter((b) => !isPolicylintConfig(b));
    for (const block of skipped) expect(block.text, `${block.file}:${block.line}`).not.toMatch(/^(extends|classes):/m);
    expect(isPolicylintConfig({ before: '', text: 'include:\n  - component: $CI_SERVER_FQDN/g/policylint/policylint@1\n' })).toBe(false);
    expect(isPolicylintConfig({ before: '', text: '# .gitlab-ci.yml\ninclude: ["a.yml"]\n' })).toBe(false);
    expect(isPolicylintConfig({ before: '', text: 'include: ["content/**/*.md"]\n' })).toBe(true);
    expect(isPolicylintConfig({ before: '', text: 'rules:\n  codeowners-coverage: error\n' })).toBe(true);
    expect(isPolicylintConfig({ before: MARKER, text: 'anything: 1\n' })).toBe(true);
  });

  it.each(configs.map((block) => [`${block.file}:${block.line}`, block] as const))('%s is a valid config, without warnings', (where, block) => {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    try {
      loadConfigText(block.text, where, '/repo');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // Lines in the error are the block's; name the example by its place in the docs.
      expect.fail(`${where}: the example is not a valid config:\n${error.message}`);
    }
    expect(stderr, `${where} makes policylint warn`).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------
// Rule pages: the example documents and the findings the pages print.

function block(file: string, heading: string, lang: string, index = 0): string {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const start = text.indexOf(heading);
  if (start === -1) throw new Error(`${file} has no "${heading}"`);
  const found = codeBlocks(file).filter(
    (b) =>
      b.lang === lang &&
      text
        .split('\n')
        .slice(0, b.line - 1)
        .join('\n').length >= start,
  );
  if (!found[index]) throw new Error(`${file} has no ${lang} block after "${heading}"`);
  return found[index].text;
}

const NOW = new Date('2026-11-27T00:00:00Z');

async function lintOne(config: string, file: string, source: string) {
  const root = makeTree({ '.policylint.yml': config, [file]: source });
  return (await lint({ cwd: root, now: NOW })).findings;
}

/** A printed finding with its wrapped lines joined. */
function unwrap(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

describe('rule page examples', () => {
  it('required-sections: the failing example lacks Scope and has an empty References; the passing one passes the preset', async () => {
    const page = 'docs/rules/required-sections.md';
    const config = 'extends: gitlab-handbook\n';
    const failing = (await lintOne(config, 'content/encryption.md', block(page, '## Examples', 'markdown', 0))).filter((f) => f.ruleId === 'required-sections');
    // The example elides the sections between (…): the page prints the two findings it is about.
    const shown = failing.filter((f) => /"(?:Scope|References)"/.test(f.message));
    expect(shown.map(withDetails(atPath))).toEqual(printedFindings(block(page, '## Examples', 'text')));
    const passing = `---\ntitle: Encryption Policy\ncontrolled_document: true\n---\n\n${block(page, '## Examples', 'markdown', 1)}`;
    expect((await lintOne(config, 'content/encryption.md', passing)).filter((f) => f.ruleId === 'required-sections')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The other rule pages. A printed finding starts at the start of a line; its wrapped lines are
// indented (or, for a page that prints a single finding, the whole block is the finding).

/** The findings a ```text block prints, one string each, wrapped lines joined. */
function printedFindings(text: string): string[] {
  return text
    .trim()
    .split(/\n(?=\S)/)
    .map(unwrap);
}

type Shown = (f: Finding) => string;
const atPath: Shown = (f) => `${f.path}:${f.line} ${f.message}`;
const atColumn: Shown = (f) => `${f.line}:${f.column} ${f.message}`;
/** A finding with its details, as the pages print them (indented under the message). */
const withDetails =
  (show: Shown): Shown =>
  (f) =>
    f.details === undefined ? show(f) : unwrap(`${show(f)} ${f.details}`);

async function lintTree(files: Record<string, string>, ruleId: string): Promise<Finding[]> {
  return (await lint({ cwd: makeTree(files), now: NOW })).findings.filter((f) => f.ruleId === ruleId);
}

interface PageCase {
  page: string;
  /** The rule whose findings the page prints. */
  ruleId: string;
  /** The failing tree, built from the page. */
  failing: (page: string) => Record<string, string>;
  /** The ```text block with the findings, as [heading, index]. */
  printed: [heading: string, index?: number];
  show: Shown;
  /** The passing tree, built from the page. */
  passing: (page: string) => Record<string, string>;
}

const pageCases: PageCase[] = [
  {
    page: 'docs/rules/codeowners-coverage.md',
    ruleId: 'codeowners-coverage',
    failing: (page) => codeownersTree(block(page, '## Failing example', 'text', 0)),
    printed: ['## Failing example', 1],
    show: withDetails(atPath),
    passing: (page) => codeownersTree(block(page, '## Passing example', 'text')),
  },
  {
    page: 'docs/rules/links.md',
    ruleId: 'links',
    failing: (page) => linksTree(block(page, '## Failing example', 'markdown')),
    printed: ['## Failing example'],
    show: withDetails(atColumn),
    passing: (page) => ({
      ...linksTree(block(page, '## Passing example', 'markdown')),
      'content/handbook/security/records-retention.md': '# Records Retention\n',
      'content/handbook/infrastructure/offsite.md': '# Offsite Copies\n',
    }),
  },
  {
    page: 'docs/rules/review-date.md',
    ruleId: 'review-date',
    failing: (page) => reviewTree(block(page, '## Failing example', 'markdown')),
    printed: ['## Failing example'],
    show: withDetails(atPath),
    passing: (page) => reviewTree(block(page, '## Passing example', 'markdown')),
  },
  {
    page: 'docs/rules/frontmatter.md',
    ruleId: 'frontmatter',
    failing: (page) => frontmatterTree(block(page, '## Examples', 'markdown', 0)),
    printed: ['## Examples'],
    show: (f) => `${f.line}:${f.column} ${f.severity} ${f.message} ${f.ruleId}`,
    passing: (page) => frontmatterTree(block(page, '## Examples', 'markdown', 1)),
  },
  {
    page: 'docs/rules/document-id.md',
    ruleId: 'document-id',
    failing: (page) => documentIdTree(page, block(page, '## Failing example', 'markdown', 1)),
    printed: ['## Failing example'],
    show: withDetails(atPath),
    passing: (page) => documentIdTree(page, block(page, '## Passing example', 'markdown')),
  },
];

/** Pages whose examples the other tests in this file check, one test (or more) each. */
const PAGES_TESTED_ON_THEIR_OWN = [
  'required-sections',
  'codeowners-coverage',
  'review-date',
  'file-error',
  'directives',
  'owner-approval',
  'governance-files',
].map((id) => `docs/rules/${id}.md`);

/** codeowners-coverage: the page's documents, an ordinary page, and the given CODEOWNERS. */
function codeownersTree(codeowners: string): Record<string, string> {
  const controlled = (title: string) => `---\ncontrolled_document: true\ntitle: ${title}\n---\n\nText.\n`;
  return {
    '.policylint.yml':
      'classes:\n  policy:\n    paths: ["policies/**/*.md"]\n    when:\n      - frontMatter: { controlled_document: true }\n    rules:\n      codeowners-coverage: error\n',
    '.gitlab/CODEOWNERS': codeowners,
    'policies/isms.md': controlled('ISMS'),
    'policies/acceptable-use.md': controlled('Acceptable Use Policy'),
    'policies/procedures/incident.md': controlled('Incident Procedure'),
    'policies/procedures/notes.md': '# Notes\n',
  };
}

/** links: the page's document, with the exception process heading on the section's index page. */
function linksTree(document: string): Record<string, string> {
  return {
    '.policylint.yml': 'classes:\n  policy:\n    paths: ["content/handbook/security/backup-policy.md"]\n    rules:\n      links: error\n',
    'content/handbook/security/backup-policy.md': document,
    'content/handbook/security/_index.md': '# Security\n\n## Information Security Policy Exception Management Process\n',
  };
}

/** document-id: the page's config, its first document, and the second as given. */
function documentIdTree(page: string, second: string): Record<string, string> {
  return {
    '.policylint.yml': block(page, '## Failing example', 'yaml'),
    'policies/acceptable-use.md': block(page, '## Failing example', 'markdown', 0),
    'policies/access-control.md': second,
  };
}

function reviewTree(document: string): Record<string, string> {
  return { '.policylint.yml': 'classes:\n  policy:\n    rules:\n      review-date: error\n', 'policies/access-control.md': document };
}

/** frontmatter, with the fields the page says the gitlab-handbook preset requires. */
function frontmatterTree(document: string): Record<string, string> {
  return {
    '.policylint.yml':
      'classes:\n  policy:\n    rules:\n      frontmatter:\n        - error\n        - fields:\n            title: { required: true, type: string }\n            controlled_document: { type: boolean }\n',
    'policy.md': document,
  };
}

/**
 * A page in the conventional layout, as docs/contributing.md shows it: under `## Failing example`, a
 * ```markdown document and a ```text block of the findings it gets, each printed as
 * `policy.md:line:column  message` with its details indented below; under `## Passing example`, a
 * ```markdown document that gets none. Each document is linted as policy.md, under a config whose one
 * class enables only the page's rule (the page's name).
 */
function conventionalCase(page: string): PageCase {
  const ruleId = path.basename(page, '.md');
  const tree = (document: string) => ({ '.policylint.yml': `classes:\n  policy:\n    rules:\n      ${ruleId}: error\n`, 'policy.md': document });
  return {
    page,
    ruleId,
    failing: (page) => tree(block(page, '## Failing example', 'markdown')),
    printed: ['## Failing example'],
    show: withDetails((f) => `${f.path}:${f.line}:${f.column} ${f.message}`),
    passing: (page) => tree(block(page, '## Passing example', 'markdown')),
  };
}

const rulePages = readdirSync(path.join(REPO_ROOT, 'docs/rules')).map((file) => `docs/rules/${file}`);
/** Pages needing trees or checks of their own; every other rule page is tested in the conventional layout. */
const pagesTestedOtherwise = new Set([...pageCases.map((c) => c.page), ...PAGES_TESTED_ON_THEIR_OWN]);
const conventionalPages = rulePages.filter((page) => !pagesTestedOtherwise.has(page));

describe('rule page examples: failing and passing documents', () => {
  it('cover every rule page: by its own case or test, else in the conventional layout', () => {
    // A page listed for a test of its own must exist, or the list hides a renamed page.
    expect(rulePages).toEqual(expect.arrayContaining([...pagesTestedOtherwise]));
    expect(conventionalPages).toContain('docs/rules/exception-reference.md');
  });

  it.each([...pageCases, ...conventionalPages.map(conventionalCase)].map((c) => [c.page, c] as const))('%s', async (page, c) => {
    const failing = await lintTree(c.failing(page), c.ruleId);
    const [heading, index] = c.printed;
    expect(failing.map(c.show).sort()).toEqual(printedFindings(block(page, heading, 'text', index)).sort());
    expect(await lintTree(c.passing(page), c.ruleId)).toEqual([]);
  });
});

describe('rule page examples: findings on their own', () => {
  it('codeowners-coverage: with every header optional, the document fails as the page says', async () => {
    const page = 'docs/rules/codeowners-coverage.md';
    const optional = block(page, '## Failing example', 'text', 0).replace(/^\[/gm, '^[');
    const said = /the document would fail: "([^"]+)", with the details "([^"]+)"/.exec(unwrap(readFileSync(path.join(REPO_ROOT, page), 'utf8')));
    const findings = (await lintTree(codeownersTree(optional), 'codeowners-coverage')).filter((f) => f.path === 'policies/acceptable-use.md');
    expect(said).not.toBeNull();
    expect(findings.map((f) => [f.message, f.details])).toEqual([[said![1], said![2]]]);
  });

  it('review-date: an all-numeric date fails as ambiguous, a later one as a future date', async () => {
    const page = 'docs/rules/review-date.md';
    const document = block(page, '## Failing example', 'markdown');
    const said = unwrap(readFileSync(path.join(REPO_ROOT, page), 'utf8'));
    for (const [date, details] of [
      ['7/10/2025', /ambiguous/],
      ['2026-12-01', /^Today is 2026-11-27\./],
    ] as const) {
      const findings = await lintTree(reviewTree(document.replace('2025-10-07', date)), 'review-date');
      expect(
        findings.map((f) => f.details),
        date,
      ).toEqual([expect.stringMatching(details)]);
      expect(said, date).toContain(`\`last_reviewed: ${date}\` fails as \`${findings[0]!.message}\``);
    }
  });

  it('file-error: each problem in the table gives the message shown', async () => {
    const page = 'docs/rules/file-error.md';
    const rows = readFileSync(path.join(REPO_ROOT, page), 'utf8')
      .split('\n')
      .flatMap((line) => {
        const row = /^\| (.+?) \| `([^`]+)`.* \|$/.exec(line);
        return row ? [{ problem: row[1]!, template: row[2]! }] : [];
      });
    const outside = path.join(makeTree({ 'secret.md': '# Secret\n' }), 'secret.md');
    // One file per row of the table, in its order.
    const files: Record<string, string | Buffer> = {
      'unreadable.md': '',
      'outside.md': '',
      'fifo.md': '',
      'large.md': 'x'.repeat(100_001),
      'binary.md': Buffer.from('# Title\n\0\n'),
      'latin1.md': Buffer.from([...Buffer.from('# Title\n\nCaf'), 0xe9, 0x0a]),
      'deep.md': `# Deep\n\n${'> '.repeat(101)}x\n`,
      'brackets.md': `# Brackets\n\n${'[x] '.repeat(16_000)}\n`,
    };
    const root = makeTree({ '.policylint.yml': 'maxFileBytes: 70000\nclasses:\n  page:\n    rules:\n      frontmatter: "off"\n', ...files });
    for (const name of ['unreadable.md', 'outside.md', 'fifo.md']) rmSync(path.join(root, name));
    symlinkSync('missing.md', path.join(root, 'unreadable.md'));
    symlinkSync(outside, path.join(root, 'outside.md'));
    execFileSync('mkfifo', [path.join(root, 'fifo.md')]);
    // Named, as on the command line: a folder or glob never lists a FIFO.
    const findings = (await lint({ cwd: root, files: Object.keys(files), now: NOW })).findings.filter((f) => f.ruleId === 'file-error');
    expect(rows).toHaveLength(Object.keys(files).length);
    for (const [index, file] of Object.keys(files).entries()) {
      const { problem, template } = rows[index]!;
      // `…` stands for any text, N, M and K for numbers.
      const pattern = new RegExp(
        `^${template
          .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
          .replace(/…/g, '.*')
          .replace(/\b[NMK]\b/g, '\\d+')}$`,
      );
      expect(
        findings.filter((f) => f.path === file).map((f) => f.message),
        problem,
      ).toEqual([expect.stringMatching(pattern)]);
    }
    expect(findings.find((f) => f.path === 'latin1.md')?.line, 'the line of the bad byte').toBe(3);
  });

  it('directives: each comment gives the finding printed under it', async () => {
    const page = 'docs/rules/directives.md';
    const comments = [
      '<!-- policylint-disable link -- page moves -->',
      '<!-- policylint-disable-lines links -->',
      '<!-- policylint-disable owner-approval -- approved offline -->',
    ];
    const config = 'classes:\n  policy:\n    rules:\n      directives: error\n      links: error\n';
    for (const [index, comment] of comments.entries()) {
      const findings = await lintTree({ '.policylint.yml': config, 'policy.md': `# Policy\n\n${comment}\nText.\n` }, 'directives');
      expect(
        findings.map((f) => f.message),
        comment,
      ).toContain(unwrap(block(page, '## What it checks', 'text', index)));
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Findings of `policylint mr`: judged by the pure approval modules, from the merge request's
// changes, the target branch's CODEOWNERS and what GitLab says about its approvals.

const APPROVED_AT = { change: '2026-03-01T10:00:00.000Z', before: '2026-03-01T09:00:00.000Z', after: '2026-03-01T11:00:00.000Z' };

interface MergeRequest {
  codeowners: string;
  changes: FileChange[];
  /** Paths controlled on the base and on the head. */
  base?: string[];
  head?: string[];
  author?: string;
  approvals?: Array<{ username: string; approvedAt: string }>;
  /** `owner:username` pairs of group and role members. */
  members?: string[];
}

/** The verdicts and findings `policylint mr` gives a merge request, under the gitlab-handbook preset. */
function judgeMergeRequest(mr: MergeRequest) {
  const codeowners = parseCodeowners(mr.codeowners, 'CODEOWNERS');
  const ids = new Map<string, number>();
  const id = (username: string) => ids.get(username) ?? ids.set(username, ids.size + 1).get(username)!;
  const author = mr.author ?? 'author';
  const evidence: ApprovalEvidence = {
    verified: true,
    facts: {
      author: { id: id(author), username: author },
      committerIds: new Set(),
      approvals: (mr.approvals ?? []).map((a) => ({ userId: id(a.username), username: a.username, approvedAt: a.approvedAt })),
      lastChangedAt: new Map(mr.changes.flatMap((c) => [c.oldPath, c.newPath]).map((p) => [p, APPROVED_AT.change])),
      ineligible: new Map(),
      unresolvedOwners: new Map(),
      membership: (owner, approverId) =>
        (mr.members ?? []).some((m) => m === `${owner.text}:${[...ids].find(([, n]) => n === approverId)?.[0]}`) ? 'yes' : 'no',
    },
  };
  const configPaths = ['.policylint.yml'];
  const subjects = approvalSubjects({
    changes: mr.changes,
    baseClassOf: (p) => (mr.base?.includes(p) ? 'controlled-document' : undefined),
    headClassOf: (p) => (mr.head?.includes(p) ? 'controlled-document' : undefined),
    headUnreadable: () => false,
    titleLineOf: () => 2,
    configPaths,
    governanceFiles: ['.gitlab-ci.yml'],
  });
  const verdicts = subjects.map((subject) => judgeSubject(subject, codeowners, evidence, { committersMayApprove: false }, configPaths));
  return { verdicts, findings: approvalFindings(verdicts, loadConfigText('extends: gitlab-handbook\n', '.policylint.yml', '/repo'), '.policylint.yml') };
}

const edit = (file: string): FileChange => ({ oldPath: file, newPath: file, status: 'modified' });

describe('rule page examples: merge request findings', () => {
  it('owner-approval: the example finding, and its row of the summary table', () => {
    const page = 'docs/rules/owner-approval.md';
    const file = 'content/handbook/security/access-policy.md';
    const { verdicts, findings } = judgeMergeRequest({
      codeowners: '[Controlled Documents]\n/content/handbook/security/*-policy.md @alice @acme/security @@maintainer\n',
      changes: [edit(file)],
      base: [file],
      head: [file],
      author: 'bob',
      approvals: [
        { username: 'bob', approvedAt: APPROVED_AT.after },
        { username: 'carol', approvedAt: APPROVED_AT.before },
      ],
      members: ['@@maintainer:bob', '@acme/security:carol'],
    });
    expect(findings.map((f) => unwrap(`${f.ruleId} ${f.message} ${f.details}`))).toEqual([`owner-approval ${unwrap(block(page, '## Example', 'text'))}`]);
    const row = readFileSync(path.join(REPO_ROOT, page), 'utf8')
      .split('\n')
      .find((line) => line.startsWith(`| ${file} |`));
    const body = summaryBody({ listed: [], threaded: 0, documents: 1, commit: undefined, notes: [], approvals: verdicts });
    // The comment breaks mentions and references with zero-width spaces; the page shows the text.
    expect(body.replace(/\u200b/g, '').split('\n')).toContain(row);
  });

  it('codeowners-coverage: a document leaving the controlled set', () => {
    const page = 'docs/rules/codeowners-coverage.md';
    const file = 'content/handbook/security/access-policy.md';
    const { findings } = judgeMergeRequest({
      codeowners: '[Controlled Documents]\n/content/handbook/security/*-policy.md @dave\n',
      changes: [edit(file)],
      base: [file],
    });
    expect(findings.map((f) => unwrap(`${f.ruleId} ${f.message} ${f.details}`))).toEqual([
      `codeowners-coverage ${unwrap(block(page, '### Documents leaving the controlled set', 'text'))}`,
    ]);
  });

  it("governance-files: the suggested entries make the policy its owners' to approve; without them nobody can", () => {
    const page = 'docs/rules/governance-files.md';
    const changes = ['.policylint.yml', 'CODEOWNERS', '.gitlab-ci.yml'].map(edit);
    const owned = judgeMergeRequest({ codeowners: block(page, '## What it checks', 'text', 0), changes });
    expect(owned.findings.map((f) => `${f.ruleId} ${f.message} | ${f.details}`).sort()).toEqual(
      changes
        .map(
          (c, i) =>
            `governance-files ${c.newPath} changes the policy (a governance file), so it needs 1 more code-owner approval from [Policy] | CODEOWNERS entry: CODEOWNERS:${i + 2} /${c.newPath}: @security-compliance.`,
        )
        .sort(),
    );
    const orphan = judgeMergeRequest({ codeowners: '', changes });
    expect(orphan.findings.map((f) => f.message)).toEqual(
      changes.map(() => expect.stringContaining("needs a code owner's approval, but no CODEOWNERS entry on the target branch owns it")),
    );
  });

  it('governance-files: the invalid config example has the wording and the problem policylint gives', () => {
    // The finding is made in src/gitlab/run.ts from a merge request's git tree, not by a pure module:
    // check the page against the rule's message template, and the problem against the config loader.
    const page = 'docs/rules/governance-files.md';
    const printed = unwrap(block(page, '## What it checks', 'text', 1));
    const [, line, lead, problem] = /^\.policylint\.yml:(\d+) (.*?: )(maxFileBytes.*?") Once merged/.exec(printed)!;
    expect(governanceFiles.meta.messages.invalidConfig).toBe(`${lead}{{problem}}`);
    const config = `extends: gitlab-handbook\nmaxFileBytes: lots\n`;
    let details: readonly string[] = [];
    try {
      loadConfigText(config, '.policylint.yml', '/repo');
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      details = error.details;
    }
    expect(details).toEqual([expect.stringMatching(new RegExp(`:${line}:\\d+: ${problem!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`))]);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/reports.md: the json and codequality examples have the shape the reporters write.

describe('docs/reports.md examples', () => {
  const page = 'docs/reports.md';
  const jsonBlocks = codeBlocks(page)
    .filter((b) => b.lang === 'json')
    .map((b) => JSON.parse(b.text) as unknown[]);

  async function realReports() {
    const root = makeTree({
      '.policylint.yml': 'classes:\n  policy:\n    paths: ["handbook/**/*.md"]\n    rules:\n      review-date: warn\n',
      'handbook/security/backup.md': '---\ntitle: Backup Policy\nowner: "@it-ops"\nlast_reviewed: 2025-10-01\n---\n\n## Purpose\n\nBackups.\n',
    });
    const result = await lint({ cwd: root, now: NOW });
    const input = { findings: result.findings, rules: result.rules, filesLinted: result.filesLinted, toolVersion: '0.1.0', color: false };
    return {
      json: JSON.parse(formatReport('json', input)) as JsonFinding[],
      codequality: JSON.parse(formatReport('codequality', input)) as CodeQualityIssue[],
    };
  }

  it('json: the keys, in order, and the values of a real run; rule ids are registered', async () => {
    const [example] = jsonBlocks.filter((b) => typeof b[0] === 'object' && b[0] !== null && 'ruleId' in b[0]) as JsonFinding[][];
    const real = await realReports();
    expect(example).toBeDefined();
    expect(Object.keys(example![0]!)).toEqual(Object.keys(real.json[0]!));
    for (const finding of example!) expect(RULE_IDS).toContain(finding.ruleId);
    expect({ ...example![0], fingerprint: '' }).toEqual({ ...real.json[0], fingerprint: '' });
  });

  it('codequality: the keys and values of a real run; check names are registered rule ids', async () => {
    const [example] = jsonBlocks.filter((b) => typeof b[0] === 'object' && b[0] !== null && 'check_name' in b[0]) as CodeQualityIssue[][];
    const real = await realReports();
    expect(example).toBeDefined();
    for (const issue of example!) expect(RULE_IDS).toContain(issue.check_name);
    expect({ ...example![0], fingerprint: '' }).toEqual({ ...real.codequality[0], fingerprint: '' });
  });

  it('stylish and junit: every rule id shown is registered', () => {
    const text = readFileSync(path.join(REPO_ROOT, page), 'utf8');
    const stylish = block(page, '## `stylish`', 'text');
    for (const id of stylish
      .split('\n')
      .flatMap((l) => /\s{2}(\S+)$/.exec(l)?.slice(1) ?? [])
      .filter((id) => !/^\d|problems?\)$/.test(id)))
      expect(RULE_IDS).toContain(id);
    for (const [, id] of text.matchAll(/classname="([^"]+)"/g)) expect(RULE_IDS).toContain(id);
  });
});
