import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Log } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import { rules } from '../rules/index.js';
import { controlledDocument, makeTree, REPO_ROOT, runCli, withoutScope } from './support/cli.js';
import { git, repoWithRemote } from './support/git.js';
import { JSON_FINDING_KEYS } from './support/json-finding.js';
import { stdoutTerminal } from '../src/cli/output.js';
import type { JsonFinding } from '../src/reporters/json.js';

/** Rules that need files beyond the document (CODEOWNERS, link targets, git history): off. */
const OFF = ['codeowners-coverage', 'links', 'review-date', 'exception-reference'];

function config(extraRules = ''): string {
  return `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
${OFF.map((id) => `      ${id}: "off"\n`).join('')}${extraRules}`;
}

const VERSION = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Rule docs as this version published them (src/engine/findings.ts `docsUrl`). */
const DOCS = `https://gitlab.com/policylint/policylint/-/blob/${VERSION}/docs/rules/`;
const ANSI = /\u001b\[\d+m/;

const MISSING_SCOPE = 'Required section "Scope" is missing';
const SCOPE_DETAILS = 'Add a ## "Scope" heading with its content.';

function basicRepo(): string {
  return makeTree({
    '.policylint.yml': config(),
    'content/clean.md': controlledDocument('Clean'),
    'content/broken.md': withoutScope('Broken'),
    'content/page.md': '# Just a page\n\nNot controlled.\n',
    'content/sub/other.md': withoutScope('Other'),
  });
}

function where(findings: readonly JsonFinding[]): string[] {
  return findings.map((f) => `${f.path}:${f.line}:${f.column} ${f.severity} ${f.ruleId}`);
}

describe('exit codes and lint output', () => {
  let root: string;
  beforeAll(() => {
    root = basicRepo();
  });

  it('exits 0 with a clean summary when nothing is wrong', () => {
    const result = runCli(['content/clean.md'], { cwd: root });
    expect(result).toEqual({ code: 0, stdout: '✔ 1 document linted, no problems\n', stderr: '' });
  });

  it('exits 1 and prints ESLint-style rows for errors', () => {
    const result = runCli([], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      // The details, indented under the message (80 columns: stdout is no terminal here).
      `${path.join(root, 'content/broken.md')}\n  2:1  error  ${MISSING_SCOPE}  required-sections\n              ${SCOPE_DETAILS}\n\n` +
        `${path.join(root, 'content/sub/other.md')}\n  2:1  error  ${MISSING_SCOPE}  required-sections\n              ${SCOPE_DETAILS}\n\n` +
        '✖ 2 problems (2 errors, 0 warnings)\n',
    );
  });

  it('writes JSON with the documented fields, in order', () => {
    const result = runCli(['--format', 'json'], { cwd: root });
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout) as JsonFinding[];
    expect(findings).toHaveLength(2);
    expect(Object.keys(findings[0]!)).toEqual(JSON_FINDING_KEYS);
    expect(findings[0]).toEqual({
      ruleId: 'required-sections',
      messageId: 'missing',
      severity: 'error',
      path: 'content/broken.md',
      line: 2,
      column: 1,
      endLine: 2,
      endColumn: 1,
      message: MISSING_SCOPE,
      details: SCOPE_DETAILS,
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      documentTitle: 'Broken',
      docsUrl: `${DOCS}required-sections.md`,
    });
    expect(findings[1]).toMatchObject({ path: 'content/sub/other.md', line: 2, documentTitle: 'Other' });
  });

  it('writes GitLab Code Quality, JUnit and SARIF that parse and hold the finding', () => {
    const codequality = runCli(['--format', 'codequality', 'content/broken.md'], { cwd: root });
    expect(codequality.code).toBe(1);
    expect(JSON.parse(codequality.stdout)).toEqual([
      {
        description: MISSING_SCOPE,
        check_name: 'required-sections',
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        severity: 'major',
        location: { path: 'content/broken.md', lines: { begin: 2, end: 2 } },
        content: { body: SCOPE_DETAILS },
      },
    ]);

    const junit = runCli(['--format', 'junit', 'content/broken.md'], { cwd: root });
    expect(junit.code).toBe(1);
    const xml = create(junit.stdout).end({ format: 'object' }) as { testsuites: { '@failures': string; testsuite: unknown } };
    expect(xml.testsuites['@failures']).toBe('1');
    const suites = [xml.testsuites.testsuite].flat() as Array<{ '@name': string; '@failures': string; testcase: unknown }>;
    const sections = suites.find((suite) => suite['@name'] === 'required-sections')!;
    expect(sections['@failures']).toBe('1');
    expect([sections.testcase].flat()).toContainEqual(expect.objectContaining({ '@name': 'content/broken.md:2:1', '@file': 'content/broken.md' }));

    const sarif = runCli(['--format', 'sarif', 'content/broken.md'], { cwd: root });
    expect(sarif.code).toBe(1);
    const log = JSON.parse(sarif.stdout) as Log;
    expect(log.version).toBe('2.1.0');
    const [result] = log.runs[0]!.results!;
    expect(result).toMatchObject({ ruleId: 'required-sections', level: 'error', message: { text: `${MISSING_SCOPE}\n\n${SCOPE_DETAILS}` } });
    expect(result!.locations![0]!.physicalLocation).toMatchObject({ artifactLocation: { uri: 'content/broken.md' }, region: { startLine: 2 } });
    expect(log.runs[0]!.tool.driver.version).toBe(VERSION);
  });

  it('writes compact: one repository-relative line per finding and nothing else, also as a --report', () => {
    const expected = `content/broken.md:2:1 error required-sections ${MISSING_SCOPE}\n` + `content/sub/other.md:2:1 error required-sections ${MISSING_SCOPE}\n`;
    const result = runCli(['--format', 'compact', '--report', 'compact=reports/compact.txt'], { cwd: root });
    expect(result).toEqual({ code: 1, stdout: expected, stderr: '' });
    expect(readFileSync(path.join(root, 'reports/compact.txt'), 'utf8')).toBe(expected);
    // Paths stay repository-relative from any working directory, as in the other machine formats.
    const fromSub = runCli(['-f', 'compact', 'other.md'], { cwd: path.join(root, 'content/sub') });
    expect(fromSub).toEqual({ code: 1, stdout: `content/sub/other.md:2:1 error required-sections ${MISSING_SCOPE}\n`, stderr: '' });
    // Nothing found: no output at all, not even a summary line.
    expect(runCli(['--format', 'compact', 'content/clean.md'], { cwd: root })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it("lists only the rules that ran in a plain lint's JUnit and SARIF: never the merge-request-only ones", () => {
    const mergeRequestOnly = rules.filter((rule) => rule.meta.mergeRequestOnly).map((rule) => rule.meta.id);
    expect(mergeRequestOnly).toEqual(expect.arrayContaining(['owner-approval', 'governance-files']));
    const junit = runCli(['--format', 'junit'], { cwd: root });
    expect(junit.code).toBe(1);
    const xml = create(junit.stdout).end({ format: 'object' }) as { testsuites: { testsuite: unknown } };
    const suites = ([xml.testsuites.testsuite].flat() as Array<{ '@name': string }>).map((suite) => suite['@name']);
    const sarif = runCli(['--format', 'sarif'], { cwd: root });
    expect(sarif.code).toBe(1);
    const ruleIds = (JSON.parse(sarif.stdout) as Log).runs[0]!.tool.driver.rules!.map((rule) => rule.id);
    expect(suites).toContain('required-sections');
    expect(ruleIds).toEqual(suites);
    for (const id of [...mergeRequestOnly, ...OFF]) {
      expect(suites).not.toContain(id);
      expect(junit.stdout).not.toContain(`"${id}"`);
      expect(ruleIds).not.toContain(id);
    }
  });

  it('writes several reports in one run and still prints stylish to stdout', () => {
    const result = runCli(['--report', 'codequality=reports/a.json', '--report', 'junit=b.xml'], { cwd: root });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`  2:1  error  ${MISSING_SCOPE}  required-sections`);
    expect(result.stdout).toMatch(/✖ 2 problems \(2 errors, 0 warnings\)\n$/);
    const codequality = JSON.parse(readFileSync(path.join(root, 'reports/a.json'), 'utf8')) as Array<{ location: { path: string } }>;
    expect(codequality.map((issue) => issue.location.path)).toEqual(['content/broken.md', 'content/sub/other.md']);
    expect(readFileSync(path.join(root, 'b.xml'), 'utf8')).toMatch(/^<\?xml[\s\S]*<testcase [^>]*name="content\/broken.md:2:1"/);
  });

  it('writes the output to a file with --output, and nothing to stdout', () => {
    const result = runCli(['--format', 'json', '--output', 'out/result.json'], { cwd: root });
    expect(result).toEqual({ code: 1, stdout: '', stderr: '' });
    expect(where(JSON.parse(readFileSync(path.join(root, 'out/result.json'), 'utf8')) as JsonFinding[])).toEqual([
      'content/broken.md:2:1 error required-sections',
      'content/sub/other.md:2:1 error required-sections',
    ]);
  });

  it('prints byte-identical output on every run, in every format', () => {
    const formats = ['stylish', 'codequality', 'junit', 'sarif'];
    const outputs = [1, 2].map((n) => {
      const result = runCli(['--format', 'json', ...formats.flatMap((format) => ['--report', `${format}=run${n}/${format}.out`])], { cwd: root });
      expect(result.code).toBe(1);
      return [result.stdout, ...formats.map((format) => readFileSync(path.join(root, `run${n}`, `${format}.out`), 'utf8'))];
    });
    for (const output of outputs[0]!) expect(output).toMatch(/content\/broken\.md/);
    expect(outputs[1]).toEqual(outputs[0]);
  });

  it("wraps stylish details to the terminal's width, 80 columns when stdout is not a terminal", () => {
    const tty = (columns: number | undefined) => ({ isTTY: true, columns }) as NodeJS.WriteStream;
    const pipe = { isTTY: false, columns: undefined } as unknown as NodeJS.WriteStream;
    expect(stdoutTerminal('stylish', tty(132)).width).toBe(132);
    expect(stdoutTerminal('stylish', tty(undefined)).width).toBe(80);
    expect(stdoutTerminal('stylish', pipe)).toEqual({ color: false, width: 80 });
    expect(stdoutTerminal('json', tty(132)).color).toBe(false);
  });

  it('colours the terminal report only with FORCE_COLOR', () => {
    const plain = runCli([], { cwd: root });
    expect(plain.stdout).not.toMatch(ANSI);
    const forced = runCli([], { cwd: root, env: { FORCE_COLOR: '1', NO_COLOR: undefined } });
    expect(forced.code).toBe(1);
    expect(forced.stdout).toMatch(ANSI);
    expect(forced.stdout.replace(/\u001b\[\d+m/g, '')).toBe(plain.stdout);
  });
});

describe('paths on the command line', () => {
  let root: string;
  beforeAll(() => {
    root = basicRepo();
  });

  const lint = (...args: string[]) => {
    const result = runCli(['--format', 'json', ...args], { cwd: root });
    return { code: result.code, found: result.code === 2 ? [] : where(JSON.parse(result.stdout) as JsonFinding[]), stderr: result.stderr };
  };

  it('lints a file, a directory or a glob, from any working directory', () => {
    expect(lint('content/broken.md')).toEqual({ code: 1, found: ['content/broken.md:2:1 error required-sections'], stderr: '' });
    expect(lint('content/sub')).toEqual({ code: 1, found: ['content/sub/other.md:2:1 error required-sections'], stderr: '' });
    expect(lint('content/**/o*.md')).toEqual({ code: 1, found: ['content/sub/other.md:2:1 error required-sections'], stderr: '' });
    expect(lint('content/clean.md', 'content/page.md')).toEqual({ code: 0, found: [], stderr: '' });
    const fromSub = runCli(['--format', 'json', 'other.md'], { cwd: path.join(root, 'content/sub') });
    expect(where(JSON.parse(fromSub.stdout) as JsonFinding[])).toEqual(['content/sub/other.md:2:1 error required-sections']);
  });

  it('exits 2 for a path or glob that names nothing', () => {
    expect(lint('content/nope.md')).toEqual({ code: 2, found: [], stderr: 'policylint: No such file or directory: content/nope.md\n' });
    expect(lint('content/**/nothing-*.md')).toEqual({ code: 2, found: [], stderr: 'policylint: No files match the pattern "content/**/nothing-*.md"\n' });
  });
});

describe('configuration and usage errors exit 2 with a message naming the problem', () => {
  const fails = (files: Record<string, string>, args: string[] = []) => {
    const root = makeTree({ 'content/a.md': controlledDocument('A'), ...files });
    const result = runCli(args, { cwd: root });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    return { root, stderr: result.stderr };
  };

  it('names the file, line and key path of an unknown key and of a wrong type', () => {
    const { stderr } = fails({
      '.policylint.yml':
        'extends: gitlab-handbook\ncolour: true\nclasses:\n  controlled-document:\n    rules:\n      required-sections: 5\n      required-sectons: error\n',
    });
    // Relative to the working directory, in file order, with the nearest known key for a misspelt one.
    const file = '.policylint.yml';
    expect(stderr).toBe(
      `policylint: Invalid configuration in ${file}\n` +
        `  ${file}:2:1: (top level): unknown key "colour"\n` +
        `  ${file}:6:7: classes.controlled-document.rules.required-sections: expected "off", "warn", "error" or [severity, options], found number 5\n` +
        `  ${file}:7:7: classes.controlled-document.rules: unknown key "required-sectons" (did you mean "required-sections"?)\n`,
    );
  });

  it('names the key path inside a rule option', () => {
    const { stderr } = fails({
      '.policylint.yml':
        'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      required-sections:\n        - error\n        - levels: "two"\n',
    });
    expect(stderr).toContain(`  .policylint.yml:7:11: classes.controlled-document.rules.required-sections[1].levels: expected array, found string "two"\n`);
  });

  it('reports invalid YAML with its line', () => {
    const { stderr } = fails({ '.policylint.yml': 'extends: gitlab-handbook\nclasses: [\n' });
    expect(stderr).toMatch(/^policylint: Invalid YAML in \.policylint\.yml\n {2}\.policylint\.yml:3:1: /);
  });

  it('rejects an unknown preset', () => {
    expect(fails({ '.policylint.yml': 'extends: handbook\n' }).stderr).toBe(
      'policylint: Unknown preset "handbook" in extends: built-in presets are gitlab-handbook\n',
    );
  });

  it('asks for a config when there is none, and names a missing --config file', () => {
    const root = makeTree({ 'content/a.md': controlledDocument('A') }, 'policylint-noconfig-');
    // The temp folder has no config above it (unless the machine's /tmp has one, which would be a broken setup).
    expect(existsSync(path.join(os.tmpdir(), '.policylint.yml'))).toBe(false);
    const none = runCli([], { cwd: root });
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: `policylint: No .policylint.yml found in ${root} or any parent directory. Create one with \`policylint init\`, or pass --config.\n`,
    });
    const missing = runCli(['--config', 'nope.yml'], { cwd: root });
    expect(missing).toEqual({ code: 2, stdout: '', stderr: 'policylint: Cannot read config nope.yml: no such file\n' });
    const directory = runCli(['--config', 'content'], { cwd: root });
    expect(directory).toEqual({ code: 2, stdout: '', stderr: 'policylint: Cannot read config content: is a directory\n' });
  });

  const HELP_HINT = '(run policylint --help for usage)\n';
  const FORMATS = 'stylish, compact, json, codequality, junit, sarif';

  it('rejects an unknown --format and a malformed or unknown --report while parsing the command line', () => {
    const config = { '.policylint.yml': 'extends: gitlab-handbook\n' };
    expect(fails(config, ['--format', 'xml']).stderr).toBe(
      `error: option '-f, --format <format>' argument 'xml' is invalid. Allowed choices are ${FORMATS}.\n${HELP_HINT}`,
    );
    expect(fails(config, ['--report', 'codequality']).stderr).toBe(
      `error: option '--report <format=file>' argument 'codequality' is invalid. Expected FORMAT=FILE, e.g. codequality=gl-code-quality-report.json.\n${HELP_HINT}`,
    );
    expect(fails(config, ['--report', 'xml=out.xml']).stderr).toBe(
      `error: option '--report <format=file>' argument 'xml=out.xml' is invalid. Unknown format "xml": allowed formats are ${FORMATS}.\n${HELP_HINT}`,
    );
    expect(fails(config, ['--max-warnings', 'lots']).stderr).toBe('policylint: --max-warnings expects a whole number, got "lots"\n');
  });

  it('rejects an unknown --format on every command with exit 2, naming the allowed values', () => {
    const config = { '.policylint.yml': 'extends: gitlab-handbook\n', CODEOWNERS: '* @owner\n' };
    for (const [args, allowed] of [
      [['--format', 'yaml'], FORMATS],
      [['rules', '--format', 'yaml'], 'text, json'],
      [['reviews', '--format', 'yaml'], 'text, json, csv, markdown'],
      [['codeowners', '--format', 'yaml', 'content/a.md'], 'text, json'],
      [['mr', '--format', 'yaml', '--dry-run'], FORMATS],
      [['mr', '--report', 'yaml=out.yaml', '--dry-run'], FORMATS],
    ] as const) {
      const { stderr } = fails(config, [...args]);
      expect(stderr, args.join(' ')).toMatch(
        new RegExp(`^error: option '[^']+' argument 'yaml[^']*' is invalid\\. [^\\n]*${escape(allowed)}\\.\\n${escape(HELP_HINT)}$`),
      );
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

describe('warnings: --max-warnings and --quiet', () => {
  let root: string;
  beforeAll(() => {
    root = makeTree({
      '.policylint.yml': config('      required-sections: warn\n'),
      'content/warned.md': withoutScope('Warned'),
      // A number where a title string is required: an error.
      'content/errored.md': controlledDocument('Errored').replace('title: Errored', 'title: 42'),
    });
  });

  it('fails on warnings only past --max-warnings', () => {
    const args = ['content/warned.md'];
    const plain = runCli(args, { cwd: root });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain(`  2:1  warning  ${MISSING_SCOPE}  required-sections`);
    const strict = runCli([...args, '--max-warnings', '0'], { cwd: root });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toBe('policylint found 1 warning (more than --max-warnings 0).\n');
    expect(runCli([...args, '--max-warnings', '1'], { cwd: root }).code).toBe(0);
  });

  it('hides warnings with --quiet, keeping errors and the exit code', () => {
    const all = runCli(['--format', 'json'], { cwd: root });
    expect(all.code).toBe(1);
    expect(where(JSON.parse(all.stdout) as JsonFinding[])).toEqual([
      'content/errored.md:2:1 error frontmatter',
      'content/warned.md:2:1 warn required-sections',
    ]);
    const quiet = runCli(['--format', 'json', '--quiet'], { cwd: root });
    expect(quiet.code).toBe(1);
    expect(where(JSON.parse(quiet.stdout) as JsonFinding[])).toEqual(['content/errored.md:2:1 error frontmatter']);
    const quietWarnOnly = runCli(['--quiet', 'content/warned.md'], { cwd: root });
    expect(quietWarnOnly).toEqual({ code: 0, stdout: '✔ 1 document linted, no problems\n', stderr: '' });
  });

  it('never says "no problems" with --quiet when hidden warnings fail the run, and says why', () => {
    const failure = 'policylint found 1 warning (more than --max-warnings 0), not shown because of --quiet.\n';
    const quiet = runCli(['--quiet', '--max-warnings', '0', 'content/warned.md'], { cwd: root });
    expect(quiet).toEqual({ code: 1, stdout: '', stderr: failure });
    const toFile = runCli(['--quiet', '--max-warnings', '0', '--output', 'quiet/out.txt', 'content/warned.md'], { cwd: root });
    expect(toFile).toEqual({ code: 1, stdout: '', stderr: failure });
    expect(readFileSync(path.join(root, 'quiet/out.txt'), 'utf8')).not.toMatch(/no problems/);
    // Machine formats stay what they are: an empty list is not a claim that nothing is wrong.
    expect(runCli(['--quiet', '--max-warnings', '0', '--format', 'json', 'content/warned.md'], { cwd: root })).toEqual({
      code: 1,
      stdout: '[]\n',
      stderr: failure,
    });
  });
});

describe('other commands', () => {
  it('prints the class and rule settings for a file with --print-config', () => {
    const root = basicRepo();
    const result = runCli(['--print-config', 'content/broken.md'], { cwd: root });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      path: string;
      configFile: string;
      class: string;
      selected: boolean;
      rules: Record<string, { severity: string; options: unknown }>;
    };
    expect(printed).toMatchObject({ path: 'content/broken.md', configFile: path.join(root, '.policylint.yml'), class: 'controlled-document', selected: true });
    expect(printed.rules['required-sections']?.severity).toBe('error');
    expect(printed.rules['required-sections']?.options).toMatchObject({
      levels: [2],
      sections: expect.arrayContaining([expect.objectContaining({ name: 'Scope' })]),
    });
    for (const id of OFF) expect(printed.rules[id]?.severity).toBe('off');
    const page = JSON.parse(runCli(['--print-config', 'content/page.md'], { cwd: root }).stdout) as { class: string | null; selected: boolean };
    expect(page).toMatchObject({ class: null, selected: false });
  });

  it('lints the example handbook as `npm start` does, with every kind of finding the README promises', () => {
    const result = runCli(['--config', 'fixtures/handbook/.policylint.yml', '--format', 'json', 'fixtures/handbook'], { cwd: REPO_ROOT });
    expect(result.code).toBe(1);
    const findings = JSON.parse(result.stdout) as Array<{ ruleId: string; path: string; message: string }>;
    const rules = new Set(findings.map((f) => f.ruleId));
    for (const rule of ['required-sections', 'frontmatter', 'exception-reference', 'links', 'codeowners-coverage', 'directives'])
      expect(rules, rule).toContain(rule);
    // The example handbook is a folder of this repository with a CODEOWNERS of its own.
    expect(findings.some((f) => f.path === '.gitlab/CODEOWNERS' && f.message.includes('matches no file'))).toBe(true);
    expect(findings.some((f) => f.ruleId === 'codeowners-coverage' && f.message.includes('has no entry in [Controlled Documents] of .gitlab/CODEOWNERS'))).toBe(
      true,
    );
  });

  it('runs `mr` for a bare `policylint` in a merge-request pipeline, and a plain lint when given paths or a lint-only option', () => {
    const root = basicRepo();
    // No GitLab to talk to: `mr` stops at once, naming what it needs.
    const pipeline = { CI_PIPELINE_SOURCE: 'merge_request_event', CI_SERVER_URL: undefined, CI_API_V4_URL: undefined };
    for (const args of [[], ['--format', 'json', '--report', 'junit=r.xml', '-c', '.policylint.yml', '--now', '2026-11-27']]) {
      const result = runCli(args, { cwd: root, env: pipeline });
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/^policylint: mr needs the GitLab URL/) });
    }
    for (const args of [['content/broken.md'], ['--quiet'], ['--max-warnings', '9'], ['--output', 'out/lint.json']]) {
      const result = runCli(['--format', 'json', ...args], { cwd: root, env: pipeline });
      expect(result, args.join(' ')).toMatchObject({ code: 1, stderr: '' });
    }
    // Elsewhere a bare `policylint` is a plain lint.
    expect(runCli(['--format', 'json'], { cwd: root, env: { CI_PIPELINE_SOURCE: 'push' } })).toMatchObject({ code: 1, stderr: '' });
  });

  it('prints the package version', () => {
    expect(runCli(['--version'], { cwd: os.tmpdir() })).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('lists every registered rule with its docs link', () => {
    const text = runCli(['rules'], { cwd: os.tmpdir() });
    expect(text.code).toBe(0);
    const json = runCli(['rules', '--format', 'json'], { cwd: os.tmpdir() });
    expect(json.code).toBe(0);
    const listed = JSON.parse(json.stdout) as Array<{ id: string; docsUrl: string; defaultSeverity: string }>;
    expect(listed.map((rule) => rule.id)).toEqual([...rules.map((rule) => rule.meta.id), 'file-error']);
    // file-error has no rule module but is a rule to the user: always on, an error.
    expect(listed.at(-1)).toMatchObject({ id: 'file-error', defaultSeverity: 'error', docsUrl: `${DOCS}file-error.md` });
    expect(text.stdout).toMatch(/^file-error +error +\S/m);
    expect(text.stdout).toContain(`${DOCS}file-error.md\n`);
    for (const rule of rules) {
      const docsUrl = `${DOCS}${rule.meta.id}.md`;
      expect(listed.find((r) => r.id === rule.meta.id)).toMatchObject({ docsUrl, defaultSeverity: rule.meta.defaultSeverity });
      expect(text.stdout).toMatch(new RegExp(`^${escape(rule.meta.id)} +${rule.meta.defaultSeverity} +\\S`, 'm'));
      expect(text.stdout).toContain(`${docsUrl}\n`);
      expect(existsSync(path.join(REPO_ROOT, 'docs/rules', `${rule.meta.id}.md`)), `docs/rules/${rule.meta.id}.md exists`).toBe(true);
    }
    expect(existsSync(path.join(REPO_ROOT, 'docs/rules/file-error.md'))).toBe(true);
  });

  it("agrees with the README's Rules table on every rule and its own default severity", () => {
    const listed = JSON.parse(runCli(['rules', '--format', 'json'], { cwd: os.tmpdir() }).stdout) as Array<{ id: string; defaultSeverity: string }>;
    const readme = readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
    const rows = new Map([...readme.matchAll(/^\| \[([a-z-]+)\]\(docs\/rules\/\1\.md\) \|[^|\n]*\| ([^|\n]*) \|$/gm)].map((m) => [m[1]!, m[2]!]));
    expect([...rows.keys()].sort()).toEqual(listed.map((rule) => rule.id).sort());
    // The Default column starts with the rule's own default; a different preset setting may follow in brackets.
    for (const rule of listed) expect(rows.get(rule.id)?.split(' ')[0], rule.id).toBe(rule.defaultSeverity);
  });

  it('names `npx policylint` after init when policylint is a project dependency', () => {
    const next = (root: string, cwd = root) => {
      const result = runCli(['init'], { cwd });
      expect(result.code).toBe(0);
      return result.stdout.replace(/^Wrote .* Run `(.*)` to lint\.\n$/, '$1');
    };
    const listed = makeTree({ 'package.json': JSON.stringify({ name: 'handbook', devDependencies: { policylint: '^0.1.0' } }) }, 'policylint-init-');
    expect(next(listed)).toBe('npx policylint');
    const installed = makeTree({ 'node_modules/policylint/package.json': '{"name":"policylint"}', 'content/sub/.keep': '' }, 'policylint-init-');
    expect(next(installed, path.join(installed, 'content/sub'))).toBe('npx policylint');
    const other = makeTree({ 'package.json': JSON.stringify({ name: 'handbook', devDependencies: { 'policylint-extra': '1.0.0' } }) }, 'policylint-init-');
    expect(next(other)).toBe('policylint');
  });

  it('writes a starter config with init that then lints, and will not overwrite it without --force', () => {
    const root = makeTree({ 'content/policy.md': withoutScope('Policy') }, 'policylint-init-');
    const init = runCli(['init'], { cwd: root });
    expect(init).toEqual({
      code: 0,
      stdout: `Wrote ${path.join(root, '.policylint.yml')} (extends the gitlab-handbook preset). Run \`policylint\` to lint.\n`,
      stderr: '',
    });
    const lint = runCli(['--format', 'json'], { cwd: root });
    expect(lint.code).toBe(1);
    expect(where(JSON.parse(lint.stdout) as JsonFinding[])).toContain('content/policy.md:2:1 error required-sections');

    writeFileSync(path.join(root, '.policylint.yml'), config());
    const again = runCli(['init'], { cwd: root });
    expect(again).toEqual({ code: 2, stdout: '', stderr: `policylint: ${path.join(root, '.policylint.yml')} already exists; pass --force to overwrite it\n` });
    expect(readFileSync(path.join(root, '.policylint.yml'), 'utf8')).toBe(config());
    expect(runCli(['init', '--force'], { cwd: root }).code).toBe(0);
    expect(readFileSync(path.join(root, '.policylint.yml'), 'utf8')).toMatch(/^extends: gitlab-handbook$/m);
  });
});

describe('--changed in a real git repository', () => {
  let repo: string;

  beforeAll(() => {
    ({ repo } = repoWithRemote({
      '.policylint.yml': config(),
      'content/old-broken.md': withoutScope('Old'),
      'content/edited.md': controlledDocument('Edited'),
      'content/unstaged.md': controlledDocument('Unstaged'),
    }));
    git(repo, 'checkout', '-q', '-b', 'feature');
    writeFileSync(path.join(repo, 'content/edited.md'), withoutScope('Edited'));
    writeFileSync(path.join(repo, 'content/added.md'), withoutScope('Added'));
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'feature work');
    writeFileSync(path.join(repo, 'content/unstaged.md'), withoutScope('Unstaged'));
    writeFileSync(path.join(repo, 'content/untracked.md'), withoutScope('Untracked'));
  });

  const changedFiles = (args: string[], env: Record<string, string> = {}) => {
    const result = runCli(['--format', 'json', ...args], { cwd: repo, env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    return (JSON.parse(result.stdout) as JsonFinding[]).map((f) => f.path);
  };

  it('lints only files changed since origin/main: committed, unstaged and untracked', () => {
    expect(changedFiles([])).toEqual(['content/added.md', 'content/edited.md', 'content/old-broken.md', 'content/unstaged.md', 'content/untracked.md']);
    const expected = ['content/added.md', 'content/edited.md', 'content/unstaged.md', 'content/untracked.md'];
    expect(changedFiles(['--changed'])).toEqual(expected);
    expect(changedFiles(['--changed', '--base', 'main'])).toEqual(expected);
  });

  it('exits 2 naming the base when it cannot be found', () => {
    const result = runCli(['--changed'], { cwd: repo, env: { CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'release' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^policylint: --changed: cannot find the merge base of origin\/release and HEAD \(/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
