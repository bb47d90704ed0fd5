import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig, loadConfigText } from '../src/config/load.js';
import { lint } from '../src/engine/run.js';
import { didYouMean, editDistance } from '../src/util/suggest.js';
import { makeTree } from './support/cli.js';

const NOW = new Date('2026-11-27T00:00:00Z');

afterEach(() => vi.restoreAllMocks());

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('config was accepted');
}

/** What loading writes to stderr. */
function stderrOf(load: () => unknown): string {
  let written = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk);
    return true;
  });
  try {
    load();
  } finally {
    vi.mocked(process.stderr.write).mockRestore();
  }
  return written;
}

describe('config error messages', () => {
  it('name the config relative to the working directory, not by its absolute path', () => {
    const root = makeTree({ 'handbook/.policylint.yml': 'extends: gitlab-handbook\ncolour: true\n', 'handbook/content/x.md': '' });
    vi.spyOn(process, 'cwd').mockReturnValue(path.join(root, 'handbook/content'));
    const error = errorOf(() => loadConfig(path.join(root, 'handbook/.policylint.yml')));
    expect(error.message).toBe('Invalid configuration in ../.policylint.yml\n  ../.policylint.yml:2:1: (top level): unknown key "colour"');
    expect(error.message).not.toContain(root);
    const unreadable = errorOf(() => loadConfig(path.join(root, 'handbook/content')));
    expect(unreadable.message).toBe('Cannot read config .: is a directory');
  });

  it('list the problems in file order', () => {
    const text =
      'extends: gitlab-handbook\ncolour: true\nclasses:\n  controlled-document:\n    rules:\n      required-sections: 5\n      required-sectons: error\n';
    const error = errorOf(() => loadConfigText(text, '.policylint.yml', '/repo'));
    expect(error.details.map((d) => d.split(': ')[0])).toEqual(['.policylint.yml:2:1', '.policylint.yml:6:7', '.policylint.yml:7:7']);
  });

  it('suggest the nearest known key for an unknown one', () => {
    const message = (text: string) => errorOf(() => loadConfigText(text, '.policylint.yml', '/repo')).message;
    expect(message('extend: gitlab-handbook\n')).toContain('.policylint.yml:1:1: (top level): unknown key "extend" (did you mean "extends"?)');
    expect(message('classes:\n  a:\n    rules:\n      required-sectons: error\n')).toContain(
      'classes.a.rules: unknown key "required-sectons" (did you mean "required-sections"?)',
    );
    expect(message('classes:\n  a:\n    rules:\n      required-sections: [error, {sectoins: []}]\n')).toContain(
      'required-sections[1]: unknown key "sectoins" (did you mean "sections"?)',
    );
    expect(message('classes:\n  a:\n    when:\n      - contain: Controlled\n')).toContain('unknown key "contain" (did you mean "contains"?)');
    expect(message('mergeRequest:\n  maxInlineThread: 3\n')).toContain('mergeRequest: unknown key "maxInlineThread" (did you mean "maxInlineThreads"?)');
    expect(message('maxfilebytes: 3\n')).toContain('unknown key "maxfilebytes" (did you mean "maxFileBytes"?)');
    // Nothing near enough: no guess.
    expect(message('colour: true\n')).toMatch(/unknown key "colour"$/m);
  });

  it('measure edit distance with a swap as one edit, and only suggest within 2', () => {
    expect(editDistance('sections', 'sections')).toBe(0);
    expect(editDistance('sectoins', 'sections', { transpositions: true })).toBe(1);
    expect(editDistance('extend', 'extends')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(didYouMean('incldue', ['include', 'exclude'], { transpositions: true })).toBe('include');
    expect(didYouMean('inclusions', ['include', 'exclude'], { transpositions: true })).toBeUndefined();
    expect(didYouMean('x', ['a', 'b'], { transpositions: true })).toBeUndefined();
  });
});

describe('pattern options', () => {
  const detailsOf = (text: string) => errorOf(() => loadConfigText(text, '.policylint.yml', '/repo')).details;
  const rule = (id: string, options: string) => `classes:\n  policy:\n    rules:\n      ${id}:\n        - error\n        - ${options}\n`;

  // Every option that takes a pattern: an invalid `/regex/` is a config error at its file, line and key path.
  it.each([
    ['class contains', 'classes:\n  policy:\n    when:\n      - contains: "/[a-/"\n', '.policylint.yml:4:9: classes.policy.when[0].contains'],
    [
      'required-sections match',
      rule('required-sections', '{ sections: [{ name: Scope, match: ["/(scope/"] }] }'),
      '.policylint.yml:6:47: classes.policy.rules.required-sections[1].sections[0].match[0]',
    ],
    [
      'frontmatter pattern',
      rule('frontmatter', '{ fields: { id: { pattern: "/(/" } } }'),
      '.policylint.yml:6:29: classes.policy.rules.frontmatter[1].fields.id.pattern',
    ],
    [
      'review-date ignoreCommitPattern',
      rule('review-date', '{ ignoreCommitPattern: "/(/" }'),
      '.policylint.yml:6:13: classes.policy.rules.review-date[1].ignoreCommitPattern',
    ],
    [
      'exception-reference section',
      rule('exception-reference', '{ section: ["/(/"] }'),
      '.policylint.yml:6:23: classes.policy.rules.exception-reference[1].section[0]',
    ],
    [
      'exception-reference targets',
      rule('exception-reference', '{ targets: ["/(/"] }'),
      '.policylint.yml:6:23: classes.policy.rules.exception-reference[1].targets[0]',
    ],
    [
      'exception-reference grantPatterns',
      rule('exception-reference', '{ grantPatterns: ["/(/"] }'),
      '.policylint.yml:6:29: classes.policy.rules.exception-reference[1].grantPatterns[0]',
    ],
    [
      'exception-reference trackedExceptionPatterns',
      rule('exception-reference', '{ trackedExceptionPatterns: ["/(/"] }'),
      '.policylint.yml:6:40: classes.policy.rules.exception-reference[1].trackedExceptionPatterns[0]',
    ],
    ['links ignore', rule('links', '{ ignore: ["/(/"] }'), '.policylint.yml:6:22: classes.policy.rules.links[1].ignore[0]'],
  ])('%s: an invalid regular expression is a configuration error at its key', (_, text, where) => {
    const [detail, ...rest] = detailsOf(text);
    expect(rest).toEqual([]);
    expect(detail).toMatch(new RegExp(`^${where.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid regular expression \\(`));
  });

  it('reject plain text that reads as a regular expression where a bare one was once accepted, saying what to write', () => {
    expect(detailsOf(rule('frontmatter', '{ fields: { id: { pattern: "^POL-\\\\d+$" } } }'))).toEqual([
      '.policylint.yml:6:29: classes.policy.rules.frontmatter[1].fields.id.pattern: plain text here is not a regular expression any more; to keep this one, write /^POL-\\d+$/, found string "^POL-\\\\d+$"',
    ]);
    expect(detailsOf(rule('review-date', '{ ignoreCommitPattern: "^fix typo" }'))[0]).toContain(
      'review-date[1].ignoreCommitPattern: plain text here is not a regular expression any more; to keep this one, write /^fix typo/im',
    );
  });

  it('stop the run as a configuration error (exit 2), never as an internal error or a finding', async () => {
    const root = makeTree({ '.policylint.yml': rule('frontmatter', '{ fields: { id: { pattern: "/(/" } } }'), 'a.md': '---\nid: x\n---\n' });
    const run = lint({ cwd: root, now: NOW });
    await expect(run).rejects.toBeInstanceOf(ConfigError);
    await expect(run).rejects.toMatchObject({
      details: [
        expect.stringMatching(
          /\.policylint\.yml:6:29: classes\.policy\.rules\.frontmatter\[1\]\.fields\.id\.pattern: invalid regular expression \(Unterminated group\), found string "\/\(\/"$/,
        ),
      ],
    });
  });
});

describe('options that replace a preset list', () => {
  const withRule = (setting: string) => `extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      required-sections: ${setting}\n`;
  let n = 0;
  /** A distinct file name each time, since a warning is written once per process. */
  const load = (text: string) => {
    const file = `config-${++n}.yml`;
    return () => loadConfigText(text, file, '/repo');
  };

  it('warn once, naming the key path and how to keep the list, when the preset list is dropped', () => {
    const loadIt = load(withRule('[error, { order: true }]'));
    const stderr = stderrOf(loadIt);
    expect(stderr).toMatch(
      /^policylint: warning: config-\d+\.yml:5:\d+: classes\.controlled-document\.rules\.required-sections: your options replace the gitlab-handbook preset's for this rule/,
    );
    expect(stderr).toContain('"sections" (6 entries) no longer applies');
    expect(stderr).toContain("copy the preset's value into your options");
    expect(stderr.split('\n').filter(Boolean)).toHaveLength(1);
    // Loaded again (a merge request reads the config twice): not repeated.
    expect(stderrOf(loadIt)).toBe('');
  });

  it('say nothing when the list is given, when only the severity changes, or when there is no preset', () => {
    expect(stderrOf(load(withRule('[error, { order: true, sections: [{ name: Purpose }] }]')))).toBe('');
    expect(stderrOf(load(withRule('[error, { sections: [] }]')))).toBe('');
    expect(stderrOf(load(withRule('warn')))).toBe('');
    expect(stderrOf(load('classes:\n  policy:\n    rules:\n      required-sections: [error, { order: true }]\n'))).toBe('');
    // exception-reference's preset options are only `targets`; giving them drops nothing.
    expect(
      stderrOf(load('extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      exception-reference: [warn, { targets: [/exception/] }]\n')),
    ).toBe('');
  });

  it('warn for a dropped mapping too (frontmatter fields)', () => {
    expect(stderrOf(load('extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      frontmatter: [warn, {}]\n'))).toContain(
      '"fields" (a mapping) no longer applies',
    );
  });
});

describe('a missing Exceptions section', () => {
  const page = '---\ntitle: Backup Policy\n---\n\n## Purpose\n\nBackups.\n';

  async function findings(rules: Record<string, unknown>, source = page) {
    const root = makeTree({ '.policylint.yml': JSON.stringify({ classes: { policy: { paths: ['**/*.md'], rules } } }), 'policy.md': source });
    const result = await lint({ cwd: root, now: NOW });
    return result.findings.map((f) => `${f.ruleId} ${f.severity} ${f.message}`);
  }
  const sections = { sections: [{ name: 'Purpose' }, { name: 'Exceptions', match: ['/^exceptions\\b/'] }] };

  it("is one finding, required-sections', when both rules are on", async () => {
    expect(await findings({ 'required-sections': ['error', sections], 'exception-reference': 'error' })).toEqual([
      'required-sections error Required section "Exceptions" is missing',
    ]);
    // The preset, on a page without the section.
    const root = makeTree({
      '.policylint.yml': 'extends: gitlab-handbook\n',
      'content/p.md': '---\ntitle: P\ncontrolled_document: true\n---\n\n## Purpose\n\nX.\n',
    });
    const preset = await lint({ cwd: root, now: NOW });
    expect(preset.findings.filter((f) => /Exceptions/.test(f.message)).map((f) => f.ruleId)).toEqual(['required-sections']);
  });

  it('is still reported by exception-reference when required-sections is off, lists no Exceptions section, or is the milder rule', async () => {
    const own = 'exception-reference error The document has no Exceptions section';
    expect(await findings({ 'required-sections': 'off', 'exception-reference': 'error' })).toEqual([own]);
    expect(await findings({ 'required-sections': ['off', sections], 'exception-reference': 'error' })).toEqual([own]);
    expect(await findings({ 'required-sections': ['error', { sections: [{ name: 'Purpose' }] }], 'exception-reference': 'error' })).toEqual([own]);
    // A warning would otherwise stand in for an error.
    expect(await findings({ 'required-sections': ['warn', sections], 'exception-reference': 'error' })).toEqual([
      own,
      'required-sections warn Required section "Exceptions" is missing',
    ]);
  });

  it("is exception-reference's when required-sections accepts a heading exception-reference does not", async () => {
    const h3 = `${page}\n### Exceptions\n\nAsk [us](/exceptions).\n`;
    const lenient = { sections: [{ name: 'Purpose' }, { name: 'Exceptions', levels: [2, 3] }] };
    expect(await findings({ 'required-sections': ['error', lenient], 'exception-reference': 'error' }, h3)).toEqual([
      'exception-reference error The document has no Exceptions section',
    ]);
  });
});
