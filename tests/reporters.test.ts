import { resolve } from 'node:path';
import type { Log } from 'sarif';
import { describe, expect, it } from 'vitest';
import { create } from 'xmlbuilder2';
import type { Finding } from '../src/engine/types.js';
import { FORMATS, formatReport, reportChunks, type CodeQualityIssue, type JsonFinding, type ReportInput } from '../src/reporters/index.js';
import { JSON_FINDING_KEYS } from './support/json-finding.js';

// Everything a document author could smuggle into a message: markup, CDATA terminator, quotes, a line
// break, emoji, NUL, a terminal escape sequence and an unpaired surrogate.
const NASTY = 'Section "Scope" <missing> & ]]> it\'s\nsecond line 😀 nul\u0000 esc\u001b[31m lone\uD800 end';
const NASTY_WELL_FORMED = NASTY.replace('\uD800', '\uFFFD');

function finding(overrides: Partial<Finding> & Pick<Finding, 'ruleId' | 'path' | 'line'>): Finding {
  return {
    messageId: 'wrong',
    severity: 'error',
    column: 1,
    endLine: overrides.line,
    endColumn: 10,
    message: 'Something is wrong',
    fingerprint: `${overrides.ruleId}:${overrides.path}:${overrides.line}`,
    ...overrides,
  };
}

const FINDINGS: Finding[] = [
  finding({
    ruleId: 'front-matter/required',
    path: 'handbook/security/access control.md',
    line: 3,
    column: 2,
    endColumn: 7,
    messageId: 'missing',
    message: NASTY,
    details: `Quoted from the document:\n${NASTY}`,
    documentTitle: 'Access Control <Policy>',
    docsUrl: 'https://example.test/rules/front-matter-required',
  }),
  finding({
    ruleId: 'review/overdue',
    severity: 'warn',
    path: 'handbook/security/access control.md',
    line: 40,
    endLine: 42,
    message: 'Review overdue since 2026-01-01',
  }),
  finding({ ruleId: 'review/overdue', severity: 'warn', path: 'handbook/security/backup.md', line: 1 }),
];

const INPUT: ReportInput = {
  findings: FINDINGS,
  rules: [
    {
      id: 'front-matter/required',
      description: 'Required front matter fields are present',
      defaultSeverity: 'error',
      docsUrl: 'https://example.test/rules/front-matter-required',
    },
    { id: 'review/overdue', description: 'Documents are reviewed on schedule', defaultSeverity: 'warn', docsUrl: 'docs/rules/review-overdue.md' },
    { id: 'links/no-dead', description: 'Links resolve', defaultSeverity: 'error' },
  ],
  filesLinted: ['handbook/security/access control.md', 'handbook/security/backup.md', 'handbook/security/clean.md'],
  toolVersion: '1.2.3',
  color: false,
};

const EMPTY: ReportInput = { ...INPUT, findings: [] };

// XML 1.0 `Char` production: anything else makes the document ill-formed.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('all formats', () => {
  it.each(FORMATS)('%s is deterministic and never emits unpaired surrogates', (format) => {
    const output = formatReport(format, INPUT);
    expect(formatReport(format, { ...INPUT })).toBe(output);
    expect(output).not.toMatch(LONE_SURROGATE);
    expect(output).not.toMatch(/\\ud[89a-f][0-9a-f]{2}/i);
    expect(output.endsWith('\n')).toBe(true);
  });

  it.each(FORMATS)('%s written in chunks is the same bytes', (format) => {
    expect([...reportChunks(format, INPUT)].join('')).toBe(formatReport(format, INPUT));
    expect([...reportChunks(format, EMPTY)].join('')).toBe(formatReport(format, EMPTY));
  });

  it('stylish comes a file at a time, so a large report is never held whole', () => {
    const files = new Set(INPUT.findings.map((finding) => finding.path)).size;
    expect(files).toBeGreaterThan(1);
    expect([...reportChunks('stylish', INPUT)]).toHaveLength(files + 1);
  });
});

describe('stylish', () => {
  it('groups by file and aligns the columns', () => {
    const output = formatReport('stylish', {
      ...INPUT,
      findings: [
        finding({ ruleId: 'front-matter/required', path: 'a.md', line: 3, message: 'Missing field "owner"' }),
        finding({ ruleId: 'review/overdue', severity: 'warn', path: 'a.md', line: 120, column: 14, message: 'Review overdue' }),
        finding({ ruleId: 'review/overdue', severity: 'warn', path: 'b.md', line: 1, message: 'Review overdue' }),
      ],
    });
    expect(output).toBe(
      [
        'a.md',
        '    3:1   error    Missing field "owner"  front-matter/required',
        '  120:14  warning  Review overdue         review/overdue',
        '',
        'b.md',
        '  1:1  warning  Review overdue  review/overdue',
        '',
        '✖ 3 problems (1 error, 2 warnings)',
        '',
      ].join('\n'),
    );
  });

  it('counts double-width characters when aligning the rule column', () => {
    const output = formatReport('stylish', {
      ...INPUT,
      findings: [
        finding({ ruleId: 'r1', severity: 'warn', path: 'ja.md', line: 1, message: '見直し期限切れ' }),
        finding({ ruleId: 'r2', severity: 'warn', path: 'ja.md', line: 2, message: 'abcdefghijklmn' }),
      ],
    });
    expect(output.split('\n').slice(1, 3)).toEqual(['  1:1  warning  見直し期限切れ  r1', '  2:1  warning  abcdefghijklmn  r2']);
  });

  it('keeps each finding on one line and neutralises control characters from document text', () => {
    const output = formatReport('stylish', INPUT);
    expect(output).not.toContain('\u001b');
    expect(output).not.toContain('\u0000');
    expect(output).toContain("it's second line 😀 nul\uFFFD esc\uFFFD[31m lone\uFFFD end  front-matter/required");
    expect(output).toContain('✖ 3 problems (1 error, 2 warnings)');
  });

  it('colours severities and the summary only when asked', () => {
    const output = formatReport('stylish', { ...INPUT, color: true });
    expect(output).toContain('\u001b[31merror\u001b[39m');
    expect(output).toContain('\u001b[33mwarning\u001b[39m');
    expect(output).toMatch(/\u001b\[1m\u001b\[31m✖ 3 problems/);
  });

  it('shows details under the message, wrapped to the terminal width and indented to the message column', () => {
    const details =
      'Accepted spellings: owner, Owner, document_owner, documentOwner, policy_owner.\nPaths tried:\n  - handbook/security/a-very-long-folder-name/and-an-even-longer-file-name-that-cannot-wrap.md see docs\n\nAdd the key.';
    const findings = [
      finding({ ruleId: 'frontmatter', path: 'a.md', line: 3, message: 'Front matter key "owner" is missing', details }),
      finding({ ruleId: 'review-date', severity: 'warn', path: 'a.md', line: 12, message: 'Review overdue' }),
    ];
    expect(
      formatReport('stylish', { ...INPUT, findings, width: 60 })
        .split('\n')
        .slice(1, 12),
    ).toEqual([
      '   3:1  error    Front matter key "owner" is missing  frontmatter',
      '                 Accepted spellings: owner, Owner,',
      '                 document_owner, documentOwner,',
      '                 policy_owner.',
      '                 Paths tried:',
      // A word wider than the line stays whole, after its list marker; continuation lines hang under the item's text.
      '                   - handbook/security/a-very-long-folder-name/and-an-even-longer-file-name-that-cannot-wrap.md',
      '                     see docs',
      '',
      '                 Add the key.',
      '  12:1  warning  Review overdue                       review-date',
      '',
    ]);
    // 80 columns when the caller gives no width (not a terminal).
    expect(formatReport('stylish', { ...INPUT, findings }).split('\n')[2]).toBe('                 Accepted spellings: owner, Owner, document_owner,');
  });

  it('wraps details by terminal columns, a wide character counting two', () => {
    const details = '見直し 見直し 見直し 見直し 見直し 見直し 見直し 見直し';
    const output = formatReport('stylish', { ...INPUT, findings: [finding({ ruleId: 'r', path: 'a.md', line: 1, message: 'm', details })], width: 14 + 40 });
    // 40 columns of details: five 6-column words and their spaces take 34, a sixth would need 41.
    expect(output.split('\n').slice(2, 4)).toEqual([
      `${' '.repeat(14)}${Array(5).fill('見直し').join(' ')}`,
      `${' '.repeat(14)}${Array(3).fill('見直し').join(' ')}`,
    ]);
  });

  it('neutralises control characters in details and never lets them start a row of their own', () => {
    const output = formatReport('stylish', {
      ...INPUT,
      findings: [finding({ ruleId: 'r', path: 'a.md', line: 1, message: 'm', details: 'one\u001b[2Jtwo\r\n3:1  error  forged' })],
    });
    expect(output).not.toContain('\u001b');
    expect(output.split('\n').slice(1, 4)).toEqual(['  1:1  error  m  r', '              one\uFFFD[2Jtwo', '              3:1 error forged']);
  });

  it('shows absolute paths when given a cwd', () => {
    const output = formatReport('stylish', { ...INPUT, cwd: '/repo' });
    expect(output.split('\n')[0]).toBe(resolve('/repo', 'handbook/security/access control.md'));
  });

  it('prints a single clean line when there are no findings', () => {
    expect(formatReport('stylish', EMPTY)).toBe('✔ 3 documents linted, no problems\n');
    expect(formatReport('stylish', { ...EMPTY, color: true })).toBe('\u001b[32m✔\u001b[39m 3 documents linted, no problems\n');
  });
});

describe('compact', () => {
  it('prints path:line:column severity rule message, one line per finding, and nothing else', () => {
    expect(formatReport('compact', INPUT)).toBe(
      [
        `handbook/security/access control.md:3:2 error front-matter/required ${NASTY_WELL_FORMED.replace('\n', ' ').replace('\u0000', '\uFFFD').replace('\u001b', '\uFFFD')}`,
        'handbook/security/access control.md:40:1 warning review/overdue Review overdue since 2026-01-01',
        'handbook/security/backup.md:1:1 warning review/overdue Something is wrong',
        '',
      ].join('\n'),
    );
  });

  it('keeps every finding on one line whatever its message, path or rule id holds', () => {
    const output = formatReport('compact', {
      ...INPUT,
      findings: [finding({ ruleId: 'r\nx', path: 'a\r\nb.md', line: 1, message: 'one\r\ntwo\u2028three\u0085four\u009bfive' })],
    });
    expect(output.split('\n')).toHaveLength(2);
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(output).toMatch(/^a b\.md:1:1 error r x one two three/);
  });

  it('prints nothing at all when nothing is found (no summary line)', () => {
    expect(formatReport('compact', EMPTY)).toBe('');
  });
});

describe('json', () => {
  it('writes every finding with the documented keys in a fixed order', () => {
    const output = formatReport('json', INPUT);
    expect(output).toMatch(/^\[\n {2}\{\n {4}"ruleId"/);
    const parsed = JSON.parse(output) as JsonFinding[];
    expect(parsed).toHaveLength(3);
    for (const item of parsed) {
      expect(Object.keys(item)).toEqual(JSON_FINDING_KEYS);
    }
    expect(parsed[0]).toEqual({
      ruleId: 'front-matter/required',
      messageId: 'missing',
      severity: 'error',
      path: 'handbook/security/access control.md',
      line: 3,
      column: 2,
      endLine: 3,
      endColumn: 7,
      message: NASTY_WELL_FORMED,
      details: `Quoted from the document:\n${NASTY_WELL_FORMED}`,
      fingerprint: 'front-matter/required:handbook/security/access control.md:3',
      documentTitle: 'Access Control <Policy>',
      docsUrl: 'https://example.test/rules/front-matter-required',
    });
    expect(parsed[1]).toMatchObject({ messageId: 'wrong', severity: 'warn', endLine: 42, details: null, documentTitle: null, docsUrl: null });
  });

  it('writes an empty array when there are no findings', () => {
    expect(formatReport('json', EMPTY)).toBe('[]\n');
  });
});

describe('codequality', () => {
  it('writes the fields GitLab requires, mapping error to major and warn to minor', () => {
    const output = formatReport('codequality', {
      ...INPUT,
      findings: [...FINDINGS, finding({ ruleId: 'codeowners/entry', path: './CODEOWNERS', line: 7 })],
    });
    expect(output.charCodeAt(0)).not.toBe(0xfeff);
    const parsed = JSON.parse(output) as CodeQualityIssue[];
    expect(parsed.map((issue) => issue.severity)).toEqual(['major', 'minor', 'minor', 'major']);
    expect(parsed[0]).toEqual({
      description: NASTY_WELL_FORMED,
      check_name: 'front-matter/required',
      fingerprint: 'front-matter/required:handbook/security/access control.md:3',
      severity: 'major',
      location: { path: 'handbook/security/access control.md', lines: { begin: 3, end: 3 } },
      // Code Climate's place for more detail; GitLab ignores it.
      content: { body: `Quoted from the document:\n${NASTY_WELL_FORMED}` },
    });
    expect(parsed[1]?.location.lines).toEqual({ begin: 40, end: 42 });
    expect(parsed[1]).not.toHaveProperty('content');
    expect(parsed[3]?.location.path).toBe('CODEOWNERS');
    expect(new Set(parsed.map((issue) => issue.fingerprint)).size).toBe(parsed.length);
  });

  it('writes an empty array when there are no findings', () => {
    expect(JSON.parse(formatReport('codequality', EMPTY))).toEqual([]);
  });
});

describe('junit', () => {
  function parseJunit(xml: string): Element {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml).not.toMatch(NOT_XML_CHAR);
    return create(xml).root().node as unknown as Element;
  }
  const childrenNamed = (element: Element, name: string) => Array.from(element.children).filter((child) => child.tagName === name);
  const attributes = (element: Element | undefined, ...names: string[]) => Object.fromEntries(names.map((name) => [name, element?.getAttribute(name)]));

  it('has one suite per rule, a failing case per finding and a passing case per clean document', () => {
    const root = parseJunit(formatReport('junit', INPUT));
    expect(attributes(root, 'tests', 'failures', 'errors', 'skipped')).toEqual({ tests: '9', failures: '3', errors: '0', skipped: '0' });

    const suites = childrenNamed(root, 'testsuite');
    expect(suites.map((suite) => attributes(suite, 'name', 'tests', 'failures', 'errors', 'skipped'))).toEqual([
      { name: 'front-matter/required', tests: '3', failures: '1', errors: '0', skipped: '0' },
      { name: 'review/overdue', tests: '3', failures: '2', errors: '0', skipped: '0' },
      { name: 'links/no-dead', tests: '3', failures: '0', errors: '0', skipped: '0' },
    ]);

    const [failing, ...passing] = childrenNamed(suites[0]!, 'testcase');
    expect(attributes(failing, 'classname', 'name', 'file')).toEqual({
      classname: 'front-matter/required',
      name: 'handbook/security/access control.md:3:2',
      file: 'handbook/security/access control.md',
    });
    const failure = childrenNamed(failing!, 'failure')[0];
    const xmlSafeNasty = NASTY_WELL_FORMED.replace(/[\u0000\u001b]/g, '\uFFFD');
    expect(failure?.getAttribute('message')).toBe(`handbook/security/access control.md:3:2 ${xmlSafeNasty.replace('\n', ' ')}`);
    expect(failure?.getAttribute('type')).toBe('error');
    expect(failure?.textContent).toBe(
      [
        `handbook/security/access control.md:3:2 ${xmlSafeNasty}`,
        'Quoted from the document:',
        xmlSafeNasty,
        'Severity: error',
        'Document: Access Control <Policy>',
        'Docs: https://example.test/rules/front-matter-required',
      ].join('\n'),
    );
    expect(passing.map((testcase) => attributes(testcase, 'classname', 'name', 'file'))).toEqual([
      { classname: 'front-matter/required', name: 'handbook/security/backup.md', file: 'handbook/security/backup.md' },
      { classname: 'front-matter/required', name: 'handbook/security/clean.md', file: 'handbook/security/clean.md' },
    ]);
    expect(passing.every((testcase) => testcase.children.length === 0)).toBe(true);
  });

  it('keeps test case names unique and gives a suite to a rule known only from its findings', () => {
    const root = parseJunit(
      formatReport('junit', {
        ...INPUT,
        findings: [
          finding({ ruleId: 'review/overdue', path: 'a.md', line: 1 }),
          finding({ ruleId: 'review/overdue', path: 'a.md', line: 1 }),
          finding({ ruleId: 'codeowners/entry', path: 'CODEOWNERS', line: 2 }),
        ],
      }),
    );
    const suites = childrenNamed(root, 'testsuite');
    const overdue = suites.find((suite) => suite.getAttribute('name') === 'review/overdue')!;
    expect(
      childrenNamed(overdue, 'testcase')
        .slice(0, 2)
        .map((testcase) => testcase.getAttribute('name')),
    ).toEqual(['a.md:1:1', 'a.md:1:1 #2']);
    expect(suites.at(-1)?.getAttribute('name')).toBe('codeowners/entry');
  });

  it('reports every document as passing when there are no findings', () => {
    const root = parseJunit(formatReport('junit', EMPTY));
    expect(attributes(root, 'tests', 'failures')).toEqual({ tests: '9', failures: '0' });
    expect(root.getElementsByTagName('failure')).toHaveLength(0);
  });
});

describe('sarif', () => {
  it('describes the tool, its rules and each result with a location and fingerprint', () => {
    const log = JSON.parse(formatReport('sarif', INPUT)) as Log;
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'policylint', version: '1.2.3' });
    expect(URL.canParse(run.tool.driver.informationUri ?? '')).toBe(true);
    expect(run.tool.driver.rules).toEqual([
      {
        id: 'front-matter/required',
        shortDescription: { text: 'Required front matter fields are present' },
        helpUri: 'https://example.test/rules/front-matter-required',
        defaultConfiguration: { level: 'error' },
      },
      // A repository-relative docs path is not a valid helpUri, so it is left out.
      { id: 'review/overdue', shortDescription: { text: 'Documents are reviewed on schedule' }, defaultConfiguration: { level: 'warning' } },
      { id: 'links/no-dead', shortDescription: { text: 'Links resolve' }, defaultConfiguration: { level: 'error' } },
    ]);

    const results = run.results ?? [];
    expect(results.map((result) => run.tool.driver.rules?.[result.ruleIndex!]?.id)).toEqual(results.map((result) => result.ruleId));
    expect(results.map((result) => result.level)).toEqual(['error', 'warning', 'warning']);
    expect(results[0]).toEqual({
      ruleId: 'front-matter/required',
      ruleIndex: 0,
      level: 'error',
      message: { text: `${NASTY_WELL_FORMED}\n\nQuoted from the document:\n${NASTY_WELL_FORMED}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'handbook/security/access%20control.md', uriBaseId: '%SRCROOT%' },
            region: { startLine: 3, startColumn: 2, endLine: 3, endColumn: 7 },
          },
        },
      ],
      partialFingerprints: { 'policylint/v2': 'front-matter/required:handbook/security/access control.md:3' },
    });
    expect(results[1]?.message).toEqual({ text: 'Review overdue since 2026-01-01' });
  });

  it('percent-encodes paths that are not URI-safe', () => {
    const log = JSON.parse(
      formatReport('sarif', { ...INPUT, findings: [finding({ ruleId: 'review/overdue', path: 'ポリシー/50% #1\uD800.md', line: 1 })] }),
    ) as Log;
    const uri = log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri;
    expect(uri).toBe('%E3%83%9D%E3%83%AA%E3%82%B7%E3%83%BC/50%25%20%231%EF%BF%BD.md');
  });

  it('still lists the rules when there are no results', () => {
    const run = (JSON.parse(formatReport('sarif', EMPTY)) as Log).runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules).toHaveLength(3);
  });
});
