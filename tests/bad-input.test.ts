import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, controlledDocument, makeTree, runCli, type CliResult, withoutScope } from './support/cli.js';
import type { JsonFinding } from '../src/reporters/json.js';

// One repository holding a good controlled document with known findings beside every kind of broken
// file a real handbook can contain; the real CLI must report them all in one run, each by name.

/** Rules that need files beyond the document (CODEOWNERS, link targets, git history): off, if registered. */
const NEEDS_MORE_THAN_THE_DOCUMENT = ['codeowners-coverage', 'links', 'review-date', 'exception-reference'];

function registeredRules(): string[] {
  const listed = runCli(['rules', '--format', 'json'], { cwd: os.tmpdir() });
  expect(listed.code).toBe(0);
  return (JSON.parse(listed.stdout) as Array<{ id: string }>).map((rule) => rule.id);
}

function config(registered: readonly string[]): string {
  const off = NEEDS_MORE_THAN_THE_DOCUMENT.filter((id) => registered.includes(id));
  return `extends: gitlab-handbook
include: ['content/**/*.md', 'notes/**/*.md']
classes:
  controlled-document:
    rules:
${off.map((id) => `      ${id}: "off"\n`).join('')}  plain:
    paths: ['notes/**/*.md']
    rules:
      frontmatter: error
`;
}

function lineOf(text: string, needle: string): number {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture lacks ${needle}`);
  return text.slice(0, index).split('\n').length;
}

/** The good document: no Scope section (reported at the title, line 2) and an empty Policy section. */
const GOOD = withoutScope('Good').replace('What must be done.', '');
const POLICY_LINE = lineOf(GOOD, '## Policy');

const ALIAS_BOMB = `---
controlled_document: true
title: Laughs
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
---

## Purpose
`;

const HEADER = '---\ntitle: Deep\ncontrolled_document: true\n---\n\n';

const FILES: Record<string, string | Buffer> = {
  'content/good.md': GOOD,
  'content/bom.md': `\uFEFF${GOOD}`,
  'content/crlf.md': GOOD.replace(/\n/g, '\r\n'),
  // Line 5 leaves the flow sequence open.
  'content/invalid-yaml.md': '---\ntitle: Broken\ncontrolled_document: true\nowners:\n  reviewers: [alice, bob\n---\n\n## Purpose\n',
  'content/unterminated.md': '---\ntitle: Open\ncontrolled_document: true\n\n## Purpose\n\nText.\n',
  // YAML forbids tab indentation: line 5.
  'content/tabs.md': '---\ntitle: Tabs\ncontrolled_document: true\nowners:\n\t- alice\n---\n\n## Purpose\n',
  'content/alias-bomb.md': ALIAS_BOMB,
  // Latin-1 "é" on line 8.
  'content/latin1.md': Buffer.concat([
    Buffer.from('---\ntitle: Latin\ncontrolled_document: true\n---\n\n## Purpose\n\nCaf'),
    Buffer.from([0xe9]),
    Buffer.from('\n'),
  ]),
  'content/binary.md': Buffer.from([0x2d, 0x2d, 0x2d, 0x0a, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]),
  // Over the default maxFileBytes of 10 MiB.
  'content/huge.md': `${HEADER}${'a'.repeat(11 * 1024 * 1024)}\n`,
  'content/deep-bullets.md': `${HEADER}${'- '.repeat(10_000)}item\n`,
  'content/deep-ordered.md': `${HEADER}${'1. '.repeat(10_000)}item\n`,
  'content/deep-quotes.md': `${HEADER}${'>'.repeat(10_000)} quote\n`,
  'content/deep-mixed.md': `${HEADER}Intro.\n\n${'> 1) * '.repeat(3_400)}item\n`,
  // micromark matches every `]` against the labels before it: this paragraph alone would parse for minutes.
  'content/labels.md': `${HEADER}Intro.\n\n${'[x] '.repeat(100_000)}\n\nOutro.\n`,
  // A controlled-document path without front matter: not selected by the preset, nothing to report.
  'content/empty.md': '',
  // A class without `when` selects the empty file: reported, not crashed on.
  'notes/empty.md': '',
};

function makeRepo(registered: readonly string[]): string {
  const root = makeTree({ '.policylint.yml': config(registered), ...FILES }, 'policylint-bad-');
  const content = path.join(root, 'content');
  symlinkSync('loop-b.md', path.join(content, 'loop-a.md'));
  symlinkSync('loop-a.md', path.join(content, 'loop-b.md'));
  symlinkSync('missing.md', path.join(content, 'dangling.md'));
  mkdirSync(path.join(content, 'sub'));
  symlinkSync('..', path.join(content, 'sub', 'up'));
  symlinkSync(root, path.join(content, 'sub', 'root'));
  if (process.getuid?.() !== 0) {
    // Root reads anything, so only a normal user can test a permission error.
    writeFileSync(path.join(content, 'locked.md'), GOOD);
    chmodSync(path.join(content, 'locked.md'), 0o000);
  }
  return root;
}

function expectNoStackTrace(result: CliResult): void {
  expect(`${result.stdout}\n${result.stderr}`).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toMatch(/internal error/);
}

function summary(findings: readonly JsonFinding[], file: string) {
  return findings.filter((f) => f.path === file).map((f) => `${f.line}:${f.column} ${f.severity} ${f.ruleId} ${f.message}`);
}

describe('broken files beside a good one', () => {
  let root: string;
  let result: CliResult;
  let findings: JsonFinding[];
  let elapsed: number;
  let registered: string[];

  beforeAll(() => {
    registered = registeredRules();
    root = makeRepo(registered);
    const started = Date.now();
    // A small heap proves no input (alias bomb, 11 MB file, deep nesting) blows up memory.
    result = runCli(['--report', 'json=report.json'], { cwd: root, env: { NODE_OPTIONS: '--max-old-space-size=160' } });
    elapsed = Date.now() - started;
    findings = JSON.parse(readFileSync(path.join(root, 'report.json'), 'utf8')) as JsonFinding[];
  }, 60_000);

  it('exits 1 for findings (not 2), in bounded time, without a stack trace', () => {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expectNoStackTrace(result);
    expect(elapsed).toBeLessThan(10_000);
  });

  it('still reports the good document', () => {
    expect(summary(findings, 'content/good.md')).toEqual([
      '2:1 error required-sections Required section "Scope" is missing',
      `${POLICY_LINE}:1 error required-sections Section "Policy" is empty`,
    ]);
    expect(findings.find((f) => f.path === 'content/good.md')?.documentTitle).toBe('Good');
  });

  it('lints BOM and CRLF documents exactly like the plain one', () => {
    // Path and fingerprint name the file; everything else must match.
    const comparable = (file: string) => findings.filter((f) => f.path === file).map(({ path: _path, fingerprint: _fingerprint, ...rest }) => rest);
    expect(comparable('content/good.md')).toHaveLength(2);
    expect(comparable('content/bom.md')).toEqual(comparable('content/good.md'));
    expect(comparable('content/crlf.md')).toEqual(comparable('content/good.md'));
  });

  it('reports front matter that cannot be read at the right line', () => {
    // Each is `Front matter cannot be read`, with the reason as its details.
    const frontmatter = (file: string) => findings.filter((f) => f.path === file && f.ruleId === 'frontmatter').map((f) => [f.line, f.messageId, f.details]);
    expect(frontmatter('content/invalid-yaml.md')).toEqual([[5, 'unreadable', expect.stringMatching(/^Invalid YAML in front matter: .*\]/)]]);
    expect(frontmatter('content/unterminated.md')).toEqual([
      [1, 'unreadable', 'Front matter is not terminated: add a closing `---` line after the YAML block'],
    ]);
    expect(frontmatter('content/tabs.md')).toEqual([[5, 'unreadable', 'Invalid YAML in front matter: Tabs are not allowed as indentation']]);
    expect(frontmatter('content/alias-bomb.md')).toEqual([[2, 'unreadable', expect.stringMatching(/^Front matter rejected: Excessive alias count/)]]);
  });

  it('reports each unusable file as a file-error naming why, at the right line', () => {
    const fileErrors = findings.filter((f) => f.ruleId === 'file-error').map((f) => `${f.path}:${f.line} ${f.message}`);
    const expected = [
      'content/binary.md:1 Binary file (contains NUL bytes): not linted as Markdown',
      'content/dangling.md:1 Cannot read file: no such file (a broken symbolic link?)',
      'content/deep-bullets.md:6 Markdown nests 100+ levels deep at line 6; not parsed (limit 100)',
      'content/deep-mixed.md:8 Markdown nests 100+ levels deep at line 8; not parsed (limit 100)',
      'content/deep-ordered.md:6 Markdown nests 100+ levels deep at line 6; not parsed (limit 100)',
      'content/deep-quotes.md:6 Markdown nests 100+ levels deep at line 6; not parsed (limit 100)',
      'content/huge.md:1 File is 11.0 MiB, over the 10.0 MiB limit (maxFileBytes): not linted',
      'content/labels.md:8 The paragraph at line 8 has 100000 "]" in 400000 characters: matching its link labels would take the Markdown parser too long; not parsed (split it into paragraphs)',
      'content/latin1.md:8 File is not valid UTF-8 (first bad byte at offset 64): save it as UTF-8',
      ...(process.getuid?.() !== 0 ? ['content/locked.md:1 Cannot read file: permission denied'] : []),
      'content/loop-a.md:1 Cannot read file: symbolic link loop',
      'content/loop-b.md:1 Cannot read file: symbolic link loop',
    ];
    expect(fileErrors).toEqual(expected);
    expect(findings.filter((f) => f.ruleId === 'file-error').every((f) => f.severity === 'error')).toBe(true);
  });

  it('names every broken file in the terminal output', () => {
    for (const file of ['binary', 'dangling', 'deep-bullets', 'huge', 'latin1', 'loop-a', 'invalid-yaml', 'tabs', 'alias-bomb', 'unterminated']) {
      expect(result.stdout).toContain(path.join(root, 'content', `${file}.md`));
    }
  });

  it('does not follow directory links (even to a parent) and does not select an empty page without front matter', () => {
    expect(findings.some((f) => f.path.includes('sub/'))).toBe(false);
    expect(findings.some((f) => f.path === 'content/empty.md')).toBe(false);
  });

  it('lints an empty file that a class without `when` selects', () => {
    expect(summary(findings, 'notes/empty.md')).toEqual(['1:1 error frontmatter Document has no front matter']);
  });

  it('reports links named on the command line that cannot be followed, instead of a usage error', () => {
    const named = runCli(['content/loop-a.md', 'content/dangling.md', 'content/sub', '--format', 'json'], { cwd: root });
    expectNoStackTrace(named);
    expect(named.code).toBe(1);
    expect((JSON.parse(named.stdout) as JsonFinding[]).map((f) => `${f.path}:${f.line} ${f.ruleId}`)).toEqual([
      'content/dangling.md:1 file-error',
      'content/loop-a.md:1 file-error',
    ]);
  });

  it('exits 2 only when the tool itself cannot run', () => {
    const missing = runCli(['content/nope.md'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('policylint: No such file or directory: content/nope.md\n');
    expectNoStackTrace(missing);
  });
});

/** Runs the CLI without blocking, so the slow large-file run overlaps the other tests. */
function runCliAsync(args: readonly string[], cwd: string): Promise<CliResult & { ms: number }> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', POLICYLINT_NOW: '2026-11-27' };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('a 10 MB controlled document with normal content', () => {
  const paragraph = 'Owners review access to every system that stores customer data each quarter, and record the outcome.\n\n';
  const head = controlledDocument('Large').replace(/## References[\s\S]*$/, '');
  // Under the default 10 MiB maxFileBytes, so it must be linted, down to its last line.
  const text = `${head}${paragraph.repeat(Math.floor((10_000_000 - head.length - 20) / paragraph.length))}## References\n`;
  let run: Promise<CliResult & { ms: number }>;

  beforeAll(() => {
    const root = makeTree({ '.policylint.yml': config(registeredRules()), 'content/large.md': text }, 'policylint-large-');
    run = runCliAsync(['--format', 'json'], root);
  });

  it('is linted to the end', async () => {
    expect(text.length).toBeGreaterThan(9_900_000);
    expect(text.length).toBeLessThan(10 * 1024 * 1024);
    const result = await run;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as JsonFinding[]).map((f) => `${f.path}:${f.line} ${f.ruleId} ${f.message}`)).toEqual([
      `content/large.md:${lineOf(text, '## References')} required-sections Section "References" is empty`,
    ]);
    // Measured at about 15 s and 1.3 GB on a 2-CPU machine: micromark builds the whole syntax tree. The
    // target is 10 s (reported to the lead); this bound only catches a regression to super-linear time.
    expect(result.ms).toBeLessThan(60_000);
  }, 90_000);
});
