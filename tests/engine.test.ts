import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { controlledDocument, makeTree, runCli, withoutScope } from './support/cli.js';

// Inline directives, fingerprints and ordering, end to end through the built CLI.

/** Rules that need files beyond the document (CODEOWNERS, link targets, git history): off, if registered. */
const NEEDS_MORE_THAN_THE_DOCUMENT = ['codeowners-coverage', 'links', 'review-date', 'exception-reference'];
const OFF = NEEDS_MORE_THAN_THE_DOCUMENT.filter((id) => rules.some((rule) => rule.meta.id === id));
const CONFIG = `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
${OFF.map((id) => `      ${id}: "off"\n`).join('')}`;

interface JsonFinding {
  ruleId: string;
  severity: string;
  path: string;
  line: number;
  column: number;
  message: string;
  fingerprint: string;
}

function lintJson(cwd: string, args: string[] = []): JsonFinding[] {
  const result = runCli(['--format', 'json', ...args], { cwd });
  expect(result.stderr).toBe('');
  expect([0, 1]).toContain(result.code);
  return JSON.parse(result.stdout) as JsonFinding[];
}

const empty = (heading: string) => `required-sections Section "${heading}" is empty`;

const DIRECTIVES = `---
title: Directives
controlled_document: true
---

## Purpose

<!-- policylint-disable-next-line frontmatter -- nothing here to silence -->
Why this exists.

<!-- policylint-disable required-sections -- the owning team adds the scope next quarter -->
## Scope

<!-- policylint-enable required-sections -->

## Roles & Responsibilities

<!-- policylint-disable-next-line required-sections -->
## Policy

<!-- policylint-disable-next-line required-sections -- exceptions are listed in the register -->
## Exceptions

## References
`;

describe('inline directives', () => {
  let findings: string[];
  beforeAll(() => {
    const root = makeTree({ '.policylint.yml': CONFIG, 'content/directives.md': DIRECTIVES });
    findings = lintJson(root).map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`);
  });

  it('reports exactly the findings no directive covers', () => {
    expect(findings).toEqual([
      // Purpose has content; the unused directive above its paragraph is reported.
      '8:1 directives policylint-disable-next-line frontmatter suppresses nothing',
      // Roles & Responsibilities comes after the enable, so the range no longer covers it.
      `16:1 ${empty('Roles & Responsibilities')}`,
      // Policy (line 19) is suppressed, but the directive lacks a reason.
      '18:1 directives policylint-disable-next-line required-sections gives no reason',
      // Exceptions (line 22) is suppressed; References two lines further down is not.
      `24:1 ${empty('References')}`,
    ]);
  });

  it('suppresses inside a disable/enable range only', () => {
    expect(findings.some((f) => f.startsWith('12:'))).toBe(false);
    expect(findings.some((f) => f.startsWith('16:'))).toBe(true);
  });

  it('shows what the directives hid when they are removed', () => {
    const root = makeTree({ '.policylint.yml': CONFIG, 'content/directives.md': DIRECTIVES.replace(/<!--.*-->\n/g, '') });
    expect(lintJson(root).map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([
      `10:1 ${empty('Scope')}`,
      `13:1 ${empty('Roles & Responsibilities')}`,
      `15:1 ${empty('Policy')}`,
      `17:1 ${empty('Exceptions')}`,
      `19:1 ${empty('References')}`,
    ]);
  });

  it('lets a bare disable cover every rule from its line on, but not its own missing reason', () => {
    const root = makeTree({
      '.policylint.yml': CONFIG,
      // Scope is missing (reported at the title, above the comment); Policy (line 22) is empty, below it.
      'content/bare.md': withoutScope('Bare').replace('## Policy', '<!-- policylint-disable -->\n\n## Policy').replace('What must be done.', ''),
    });
    expect(lintJson(root).map((f) => `${f.line}:${f.column} ${f.ruleId} ${f.message}`)).toEqual([
      '2:1 required-sections Required section "Scope" is missing',
      '16:1 directives policylint-disable gives no reason',
    ]);
  });
});

describe('fingerprints', () => {
  const original = withoutScope('Prints').replace('What must be done.', '');

  it('stay the same when lines are inserted above a finding, and differ between findings', () => {
    const root = makeTree({ '.policylint.yml': CONFIG, 'content/prints.md': original });
    const before = lintJson(root);
    expect(before.map((f) => `${f.line} ${f.message}`)).toEqual(['2 Required section "Scope" is missing', '16 Section "Policy" is empty']);

    writeFileSync(path.join(root, 'content/prints.md'), original.replace('---\n\n## Purpose', `---\n${'An introduction line.\n'.repeat(5)}\n## Purpose`));
    const after = lintJson(root);
    // The same findings, the body one moved down by the five inserted lines...
    expect(after.map((f) => `${f.line} ${f.message}`)).toEqual(['2 Required section "Scope" is missing', '21 Section "Policy" is empty']);
    // ...with unchanged fingerprints, which are distinct and well-formed.
    expect(after.map((f) => f.fingerprint)).toEqual(before.map((f) => f.fingerprint));
    expect(new Set(before.map((f) => f.fingerprint)).size).toBe(2);
    for (const f of before) expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differ for the same finding in two files', () => {
    const root = makeTree({ '.policylint.yml': CONFIG, 'content/one.md': original, 'content/two.md': original });
    const [one, two] = lintJson(root).filter((f) => f.line === 2);
    expect(one?.path).toBe('content/one.md');
    expect(two?.path).toBe('content/two.md');
    expect(one?.fingerprint).not.toBe(two?.fingerprint);
  });
});

describe('output order', () => {
  it('sorts findings by path, then line, then column, whatever order files and rules produce them', () => {
    const twoOnOneLine = controlledDocument('Columns').replace(
      'Why this exists.',
      'Why this exists.\n\n<!-- policylint-disable-next-line frontmatter --> <!-- policylint-disable-next-line required-sections -->\nText.',
    );
    const root = makeTree({
      '.policylint.yml': CONFIG,
      'content/zeta.md': controlledDocument('Zeta').replace('title: Zeta', 'title: 7'),
      'content/b/inner.md': twoOnOneLine,
      'content/alpha.md': withoutScope('Alpha').replace('What must be done.', ''),
      'content/B.md': controlledDocument('Upper').replace('## References', '## Refs'),
    });
    const found = lintJson(root).map((f) => `${f.path}:${f.line}:${f.column} ${f.ruleId}`);
    expect(found).toEqual([
      'content/B.md:2:1 required-sections',
      'content/alpha.md:2:1 required-sections',
      'content/alpha.md:16:1 required-sections',
      'content/b/inner.md:10:1 directives',
      'content/b/inner.md:10:1 directives',
      'content/b/inner.md:10:51 directives',
      'content/b/inner.md:10:51 directives',
      'content/zeta.md:2:1 frontmatter',
    ]);
  });
});
