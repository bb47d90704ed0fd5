import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatMessage, placeholders } from '../../src/engine/findings.js';
import { lint } from '../../src/engine/run.js';
import type { AnyRule, Finding, MessageData, Severity, SeveritySetting } from '../../src/engine/types.js';
import { makeTree } from './cli.js';
import { gitWith } from './git.js';

/**
 * Table tests for one rule, in the spirit of ESLint's RuleTester: each case is linted by the real
 * engine (`lint()`), over real files in a temporary folder, with a config whose one class enables
 * only the rule under test. Per-document checks, project checks and the directives hooks all run
 * as in production, and every finding of the run must be expected.
 */

/** The date every case runs on unless it says otherwise (review-date counts days from it). */
export const TESTER_NOW = '2026-11-27T00:00:00Z';

/** The file a case's `source` is written to. */
export const DOCUMENT_PATH = 'doc.md';

/** A commit of a case's git history, dated so history-based rules give the same answer on any day. */
export interface TesterCommit {
  /** `YYYY-MM-DD` (noon UTC) or a full ISO time. */
  date: string;
  message?: string;
  files: Record<string, string>;
}

export interface TesterCase {
  /** The test's title; defaults to the start of the source, or the files' names. */
  name?: string;
  /** One document, written to doc.md. */
  source?: string;
  /** A whole tree, paths relative to the config's folder (written after `commits`, and not committed). */
  files?: Record<string, string>;
  /** Makes the folder a git repository with these commits, oldest first. */
  commits?: TesterCommit[];
  /** The rule's options as a config would give them; parsed with the rule's own schema. */
  options?: unknown;
  /** The rule's configured severity (default: its default severity). */
  severity?: SeveritySetting;
  /** What the class selects (default: every Markdown file). */
  select?: { paths?: string[]; excludePaths?: string[]; when?: unknown[] };
  /** Other rules to enable beside this one, as a config's `rules:` gives them (for rules that police the others' findings, such as directives). */
  otherRules?: Record<string, unknown>;
  /** Lint only these paths (a partial run, as `policylint FILE...` is), instead of the whole tree. */
  lint?: string[];
  /** Today, for the run (default `TESTER_NOW`). */
  now?: string;
}

export interface ExpectedError {
  messageId: string;
  line: number;
  column?: number;
  /** The finding's file (default: the document the case's `source` is written to, when it has one). */
  path?: string;
  /** The data the message was filled with; every key must be one of the message's placeholders. */
  data?: MessageData;
  details?: string | RegExp;
  severity?: Severity;
  /** For findings of the `otherRules` (default: the rule under test). */
  ruleId?: string;
}

export interface InvalidCase extends TesterCase {
  /** In the run's order: by path, line, column, rule and message. */
  errors: ExpectedError[];
}

export interface RuleTests {
  /** Cases that must produce no finding at all; a plain string is a `source`. */
  valid: Array<string | TesterCase>;
  invalid: InvalidCase[];
  /** Options the rule's schema must reject, with what the error says. */
  invalidOptions?: Array<{ options: unknown; error: RegExp }>;
}

/** Registers one vitest test per case under `describe(rule id)`. */
export function ruleTester(rule: AnyRule, tests: RuleTests): void {
  describe(rule.meta.id, () => {
    // A table that tests nothing would pass: insist on both kinds of case.
    it('has valid and invalid cases', () => {
      expect(tests.valid.length).toBeGreaterThan(0);
      expect(tests.invalid.length).toBeGreaterThan(0);
    });
    describe('valid', () => {
      for (const entry of tests.valid) {
        const testCase = typeof entry === 'string' ? { source: entry } : entry;
        it(caseName(testCase), async () => {
          expect(summarize(await run(rule, testCase))).toEqual([]);
        });
      }
    });
    describe('invalid', () => {
      for (const testCase of tests.invalid) {
        it(caseName(testCase), async () => {
          expect(testCase.errors.length, 'an invalid case expects at least one error').toBeGreaterThan(0);
          const findings = await run(rule, testCase);
          // toMatchObject on arrays: as many findings as errors, each with the fields its error states.
          expect(summarize(findings)).toMatchObject(testCase.errors.map((error) => expectedSummary(rule, testCase, error)));
        });
      }
    });
    const { invalidOptions } = tests;
    if (invalidOptions) {
      describe('invalid options', () => {
        for (const { options, error } of invalidOptions) {
          it(JSON.stringify(options), () => {
            expect(() => rule.meta.options.parse(options)).toThrow(error);
          });
        }
      });
    }
  });
}

function caseName(testCase: TesterCase): string {
  if (testCase.name) return testCase.name;
  const text = testCase.source ?? Object.keys(testCase.files ?? {}).join(', ');
  return text.replace(/\s+/g, ' ').slice(0, 80);
}

/** Lints the case and returns every finding of the run, after checking the rule reported only messages it declares. */
async function run(rule: AnyRule, testCase: TesterCase): Promise<Finding[]> {
  // The rule's own schema first, so a bad option fails here with zod's message, not as a config error.
  rule.meta.options.parse(testCase.options ?? {});
  expect(testCase.source !== undefined || testCase.files !== undefined, 'a case needs a source or files').toBe(true);
  const root = makeTree({});
  if (testCase.commits) commitAll(root, testCase.commits);
  const files: Record<string, string> = { ...testCase.files, ...(testCase.source === undefined ? {} : { [DOCUMENT_PATH]: testCase.source }) };
  const documentClass = {
    paths: testCase.select?.paths ?? ['**/*.md'],
    ...(testCase.select?.excludePaths ? { excludePaths: testCase.select.excludePaths } : {}),
    ...(testCase.select?.when ? { when: testCase.select.when } : {}),
    // The options as written (not as parsed: compiled patterns do not serialize), so the config loader parses them as in production.
    rules: { ...testCase.otherRules, [rule.meta.id]: [testCase.severity ?? rule.meta.defaultSeverity, testCase.options ?? {}] },
  };
  files['.policylint.yml'] = JSON.stringify({ classes: { tested: documentClass } });
  for (const [file, content] of Object.entries(files)) writeTreeFile(root, file, content);
  const result = await lint({ cwd: root, now: new Date(testCase.now ?? TESTER_NOW), ...(testCase.lint ? { patterns: testCase.lint } : {}) });
  // A case whose class selects nothing would pass without the rule having looked at anything.
  expect(result.filesLinted.length, 'the case selects no document').toBeGreaterThan(0);
  for (const finding of result.findings.filter((f) => f.ruleId === rule.meta.id)) {
    expect(Object.keys(rule.meta.messages), `${finding.path}:${finding.line} ${finding.message}`).toContain(finding.messageId);
  }
  return result.findings;
}

function writeTreeFile(root: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

function git(root: string, args: string[], env: Record<string, string> = {}): void {
  gitWith(env)(root, ...args);
}

function commitAll(root: string, commits: readonly TesterCommit[]): void {
  git(root, ['init', '-q', '-b', 'main']);
  for (const [index, commit] of commits.entries()) {
    for (const [file, content] of Object.entries(commit.files)) writeTreeFile(root, file, content);
    git(root, ['add', '-A']);
    const when = commit.date.includes('T') ? commit.date : `${commit.date}T12:00:00Z`;
    git(root, ['commit', '-q', '--allow-empty', '-m', commit.message ?? `Commit ${index + 1}`], { GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when });
  }
}

type Summary = Pick<Finding, 'ruleId' | 'messageId' | 'path' | 'line'> & Partial<Pick<Finding, 'column' | 'message' | 'details' | 'severity'>>;

function summarize(findings: readonly Finding[]): Summary[] {
  return findings.map(({ ruleId, messageId, path: file, line, column, message, details, severity }) => ({
    ruleId,
    messageId,
    path: file,
    line,
    column,
    message,
    details,
    severity,
  }));
}

/** What an expected error states of its finding; `toMatchObject` leaves the other fields free. */
function expectedSummary(rule: AnyRule, testCase: TesterCase, error: ExpectedError): Record<string, unknown> {
  const file = error.path ?? (testCase.source !== undefined ? DOCUMENT_PATH : undefined);
  expect(file, `error ${error.messageId} at line ${error.line} needs a path: the case has no source`).toBeDefined();
  const ruleId = error.ruleId ?? rule.meta.id;
  return {
    ruleId,
    messageId: error.messageId,
    path: file,
    line: error.line,
    ...(error.column === undefined ? {} : { column: error.column }),
    ...(error.data === undefined ? {} : { message: expectedMessage(rule, ruleId, error) }),
    ...(error.details === undefined ? {} : { details: typeof error.details === 'string' ? error.details : expect.stringMatching(error.details) }),
    ...(error.severity === undefined ? {} : { severity: error.severity }),
  };
}

/**
 * The message `data` fills the template with: data is checked through what the finding says. A
 * placeholder the data leaves out matches any text.
 */
function expectedMessage(rule: AnyRule, ruleId: string, error: ExpectedError): unknown {
  expect(ruleId, 'data can be checked only for the rule under test').toBe(rule.meta.id);
  const spec = rule.meta.messages[error.messageId];
  expect(spec, `${rule.meta.id} has no message ${error.messageId}`).toBeDefined();
  const template = typeof spec === 'string' ? spec : spec!.text;
  const names = placeholders(template);
  const data = error.data!;
  for (const name of Object.keys(data)) expect(names, `data "${name}" is not shown by message ${error.messageId}`).toContain(name);
  if (names.every((name) => name in data)) return formatMessage(template, data);
  const pattern = template
    .split(/(\{\{\s*\w+\s*\}\})/)
    .map((part) => {
      const name = /^\{\{\s*(\w+)\s*\}\}$/.exec(part)?.[1];
      if (name === undefined) return escapeRegExp(part);
      return name in data ? escapeRegExp(String(data[name])) : '.*?';
    })
    .join('');
  return expect.stringMatching(new RegExp(`^${pattern}$`, 's'));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
