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
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, visit } from 'yaml';
import { rules as registry } from '../rules/index.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfigText } from '../src/config/load.js';
import { lint } from '../src/engine/run.js';
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
    const before = lines.slice(0, i).reverse().find((l) => l.trim() !== '') ?? '';
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
    if ((key === 'include' || key === 'exclude') && isSeq(pair.value) && pair.value.items.every((item) => isScalar(item) && typeof item.value === 'string')) return true;
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
    for (const file of ['README.md', 'docs/configuration.md', 'docs/gitlab-ci.md', 'docs/rules/codeowners-coverage.md', 'docs/rules/exception-reference.md', 'docs/rules/required-sections.md', 'docs/rules/review-date.md']) {
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
  const found = codeBlocks(file).filter((b) => b.lang === lang && text.split('\n').slice(0, b.line - 1).join('\n').length >= start);
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
  it('exception-reference: the failing example gives the findings printed, at their line and column; the passing one none', async () => {
    const page = 'docs/rules/exception-reference.md';
    const config = 'classes:\n  policy:\n    rules:\n      exception-reference: error\n';
    const failing = await lintOne(config, 'policy.md', block(page, '## Failing example', 'markdown'));
    const printed = block(page, '## Failing example', 'text')
      .split(/\n(?=policy\.md:)/)
      .map((entry) => unwrap(entry));
    expect(failing.map((f) => `${f.path}:${f.line}:${f.column} ${f.message}`).sort()).toEqual(printed.map((p) => p.replace(/^(\S+) /, '$1 ')).sort());
    expect(await lintOne(config, 'policy.md', block(page, '## Passing example', 'markdown'))).toEqual([]);
  });

  it('required-sections: the failing example lacks Scope and has an empty References; the passing one passes the preset', async () => {
    const page = 'docs/rules/required-sections.md';
    const config = 'extends: gitlab-handbook\n';
    const failing = (await lintOne(config, 'content/encryption.md', block(page, '## Examples', 'markdown', 0))).filter((f) => f.ruleId === 'required-sections');
    const messages = failing.map((f) => f.message);
    expect(messages).toContain('Missing required section "Scope" (add a ## heading)');
    expect(messages).toContain('Section "References" is empty: the "References" section needs content');
    expect(messages.filter((m) => /Purpose|Roles/.test(m))).toEqual([]);
    const passing = `---\ntitle: Encryption Policy\ncontrolled_document: true\n---\n\n${block(page, '## Examples', 'markdown', 1)}`;
    expect((await lintOne(config, 'content/encryption.md', passing)).filter((f) => f.ruleId === 'required-sections')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// docs/reports.md: the json and codequality examples have the shape the reporters write.

describe('docs/reports.md examples', () => {
  const page = 'docs/reports.md';
  const jsonBlocks = codeBlocks(page).filter((b) => b.lang === 'json').map((b) => JSON.parse(b.text) as unknown[]);

  async function realReports() {
    const root = makeTree({
      '.policylint.yml': 'classes:\n  policy:\n    paths: ["handbook/**/*.md"]\n    rules:\n      review-date: warn\n',
      'handbook/security/backup.md': '---\ntitle: Backup Policy\nowner: "@it-ops"\nlast_reviewed: 2025-10-01\n---\n\n## Purpose\n\nBackups.\n',
    });
    const result = await lint({ cwd: root, now: NOW });
    const input = { findings: result.findings, rules: result.rules, filesLinted: result.filesLinted, toolVersion: '0.1.0', color: false };
    return { json: JSON.parse(formatReport('json', input)) as JsonFinding[], codequality: JSON.parse(formatReport('codequality', input)) as CodeQualityIssue[] };
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
    for (const id of stylish.split('\n').flatMap((l) => /\s{2}(\S+)$/.exec(l)?.slice(1) ?? []).filter((id) => !/^\d|problems?\)$/.test(id))) expect(RULE_IDS).toContain(id);
    for (const [, id] of text.matchAll(/classname="([^"]+)"/g)) expect(RULE_IDS).toContain(id);
  });
});
