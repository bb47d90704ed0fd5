// The docs agree with the code: every repository file a doc or comment names exists, and the
// README's rule table, generated from the registry, is up to date and gives each rule its default severity.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { PRESETS } from '../src/config/presets/index.js';
import { committedRuleTable, ruleTable, withRuleTable } from '../scripts/readme-rule-table.js';
import { FILE_ERROR_SUMMARY } from '../src/engine/documents.js';
import { REPO_ROOT } from './support/cli.js';

/** Tracked and new (not ignored) files that exist in the work tree: the repository as a fresh clone will have it. */
const repositoryFiles = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
  .split('\0')
  .filter((file) => file !== '' && existsSync(path.join(REPO_ROOT, file)));
const fileSet = new Set(repositoryFiles);
const directories = new Set(
  repositoryFiles.flatMap((file) =>
    file
      .split('/')
      .slice(0, -1)
      .map((_, i, parts) => parts.slice(0, i + 1).join('/')),
  ),
);
// dist/ is build output, never committed, but docs name the scripts it holds.
const topDirectories = [...new Set(['dist', ...repositoryFiles.filter((file) => file.includes('/')).map((file) => file.split('/')[0]!)])];

/** Docs and the source files whose comments point at other files. */
const scanned = repositoryFiles.filter(
  (file) =>
    /^(docs\/.*\.md|README\.md|CHANGELOG\.md|Dockerfile|\.gitlab-ci\.yml|\.ci\/.*)$/.test(file) || /^(src|rules|scripts|templates|hooks|bin)\//.test(file),
);

/**
 * Named paths that are not in this repository on purpose, with the reason. A `dist/<path>.js`
 * compiled by tsc needs no entry: it is checked as `<path>.ts`.
 */
const NOT_IN_REPOSITORY: ReadonlyMap<string, string> = new Map([
  ['dist', 'the build output directory (`npm run build`)'],
  ['dist/bundle', "scripts/bundle.ts's output directory"],
  ['dist/bundle/main.js', 'the bundle of src/cli/main.ts (scripts/bundle.ts), what bin/policylint.js loads'],
  ['docs/CODEOWNERS', "one of GitLab's CODEOWNERS locations in the linted repository"],
  ...['rules/title-length.ts', 'tests/rules/title-length.test.ts', 'docs/rules/title-length.md'].map(
    (file) => [file, "docs/contributing.md's worked example: the files a contributor writes"] as const,
  ),
]);

/** The comments of a source file: line and block comments in TypeScript and JavaScript, `#` lines elsewhere (shell, YAML, Dockerfile). */
function commentsOf(file: string, text: string): string {
  const pattern = /\.[cm]?[jt]s$/.test(file) ? /(?<![:\w])\/\/[^\n]*|\/\*[\s\S]*?\*\//g : /(?:^|\s)#[^\n]*/g;
  return [...text.matchAll(pattern)].map(([comment]) => comment).join('\n');
}

/**
 * The repository-relative paths a file names: `dir/…` under a top-level directory, in a doc's
 * prose, code or backticks or in a source file's comments (code names files of the repositories
 * it works on); and a doc's relative Markdown links.
 */
function referencesIn(file: string, text: string): string[] {
  const isMarkdown = file.endsWith('.md');
  // Link targets are resolved below, relative to the doc.
  const named = isMarkdown ? text.replace(/\]\([^)]*\)/g, ']') : commentsOf(file, text);
  // A path starts a word (not `node_modules/policylint/schema/…`, not a URL) at a top-level directory.
  const pathPattern = new RegExp(`(?<![\\w./@~:-])(?:${topDirectories.map((dir) => dir.replace('.', '\\.')).join('|')})/[^\\s\`'"()\\[\\],;|\\\\]*`, 'g');
  const found: string[] = [];
  for (const [match] of named.matchAll(pathPattern)) {
    // Globs and templates (`docs/rules/<id>.md`, `tests/**/*.test.ts`, `${dir}/x`) name no single file.
    if (/[*?{}<>$]/.test(match)) continue;
    found.push(match.replace(/[#:].*$/, '').replace(/[.]+$/, ''));
  }
  if (isMarkdown) {
    // Links outside fenced code (examples there are handbook pages, not this repository's).
    const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
    for (const [, inline, definition] of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)|^\[[^\]]+\]:\s*(\S+)/gm)) {
      const target = inline ?? definition!;
      if (/^([a-z][a-z0-9+.-]*:|#|\/)/i.test(target)) continue;
      found.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), target.replace(/[#?].*$/, ''))));
    }
  }
  return found;
}

function exists(reference: string): boolean {
  const normalized = reference.replace(/\/$/, '');
  if (fileSet.has(normalized) || directories.has(normalized) || NOT_IN_REPOSITORY.has(normalized)) return true;
  const compiled = /^dist\/(.+)\.js$/.exec(normalized);
  return compiled !== null && fileSet.has(`${compiled[1]}.ts`);
}

describe('file references', () => {
  it('every repository path named in docs and source comments exists', () => {
    const missing = scanned.flatMap((file) =>
      referencesIn(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'))
        .filter((reference) => !exists(reference))
        .map((reference) => `${file}: ${reference}`),
    );
    expect(missing).toEqual([]);
  });

  it('finds references of each kind, and missing ones', () => {
    const references = referencesIn(
      'docs/example.md',
      'See `src/engine/run.ts:12`, [rules](rules/links.md#options), [up](../README.md), scripts/none.sh.\n```md\n[example](../policy.md)\n```\n`docs/rules/<id>.md`, https://example.com/src/x.ts, node_modules/policylint/schema/x.json\n',
    );
    expect(references).toEqual(['src/engine/run.ts', 'scripts/none.sh', 'docs/rules/links.md', 'README.md']);
    expect(references.map(exists)).toEqual([true, false, true, true]);
    expect(['dist/scripts/bench.js', 'dist/scripts/none.js', 'dist/bundle/main.js'].map(exists)).toEqual([true, false, true]);
  });
});

describe('README rule table', () => {
  const readmePath = path.join(REPO_ROOT, 'README.md');
  const table = ruleTable();

  it('is generated from the registry and committed up to date (npm run schema regenerates it)', () => {
    if (process.env.UPDATE_SCHEMA) writeFileSync(readmePath, withRuleTable(readFileSync(readmePath, 'utf8')));
    expect(committedRuleTable(readFileSync(readmePath, 'utf8'))).toBe(table);
  });

  /** The generated rows: `| [id](docs/rules/id.md) | description | severity (… in the gitlab-handbook preset) |`. */
  const rows = new Map(
    [
      ...table.matchAll(
        /^\| \[([\w-]+)\]\(docs\/rules\/\1\.md\) \|[^|]*\| (error|warn)(?: \((?:`(error|warn)` in the gitlab-handbook preset|not in the gitlab-handbook preset|always on)\))? \|$/gm,
      ),
    ].map(([, id, severity, presetSeverity]) => [id!, { severity, presetSeverity }]),
  );
  const presetRules = PRESETS['gitlab-handbook']!.classes!['controlled-document']!.rules!;
  const summaries = [...rules.map((rule) => ({ id: rule.meta.id, defaultSeverity: rule.meta.defaultSeverity })), FILE_ERROR_SUMMARY];

  it.each(summaries)("the table and the rule's page give $id its default severity and the preset's where that differs", ({ id, defaultSeverity }) => {
    const setting = presetRules[id];
    const presetSeverity = Array.isArray(setting) ? setting[0] : setting;
    const presetDiffers = presetSeverity !== undefined && presetSeverity !== defaultSeverity;
    expect(rows.get(id)).toEqual({ severity: defaultSeverity, presetSeverity: presetDiffers ? presetSeverity : undefined });
    // The rule's page (whose default tests/rule-meta.test.ts checks) names the preset's severity too.
    const pageLine = /^- Default severity: .*$/m.exec(readFileSync(path.join(REPO_ROOT, `docs/rules/${id}.md`), 'utf8'))?.[0];
    expect(pageLine?.includes(`(\`${presetSeverity}\` in the \`gitlab-handbook\` preset)`)).toBe(presetDiffers);
  });

  it('lists every rule and nothing else, in the order `policylint rules` lists them', () => {
    expect([...rows.keys()]).toEqual(summaries.map((rule) => rule.id));
  });

  it('says where the preset leaves a rule out, and which rules are always on', () => {
    expect(table).toMatch(/^\| \[document-id\].* \| error \(not in the gitlab-handbook preset\) \|$/m);
    expect(table).toMatch(/^\| \[governance-files\].* \| error \(always on\) \|$/m);
    expect(table).toMatch(/^\| \[file-error\].* \| error \(always on\) \|$/m);
  });
});
