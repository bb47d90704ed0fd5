import { describe, expect, it } from 'vitest';
import { lint } from '../src/engine/run.js';
import { controlledDocument, makeTree } from './support/cli.js';

const NOW = new Date('2026-11-27T00:00:00Z');

/** Lints `files` with a config whose only rule is required-sections with the given options. */
async function sectionFindings(files: Record<string, string>, options: object) {
  const root = makeTree({
    '.policylint.yml': JSON.stringify({ classes: { policy: { paths: ['**/*.md'], rules: { 'required-sections': ['error', options] } } } }),
    ...files,
  });
  const result = await lint({ cwd: root, now: NOW });
  return result.findings.map((f) => `${f.path}:${f.line} ${f.message}${f.details ? ` | ${f.details}` : ''}`);
}

describe('required-sections', () => {
  const options = { sections: [{ name: 'Purpose', levels: [2, 3] }, { name: 'Scope' }, { name: 'Roles & Responsibilities', match: ['/^(?:[\\w-]+\\s+)*roles? and responsibilit(?:y|ies)$/'] }] };

  it('reports each missing section once, at the title line', async () => {
    expect(await sectionFindings({ 'a.md': '---\nlayout: x\ntitle: A\n---\n\n## Scope\n\nAll.\n' }, options)).toEqual([
      'a.md:3 Required section "Purpose" is missing | Add a ## or ### "Purpose" heading with its content.',
      'a.md:3 Required section "Roles & Responsibilities" is missing | Add a ## heading with its content; accepted headings: /^(?:[\\w-]+\\s+)*roles? and responsibilit(?:y|ies)$/.',
    ]);
  });

  it('accepts the real spellings and levels', async () => {
    const doc = '### Purpose\n\nWhy.\n\n## Scope:\n\nAll.\n\n## ISMS Roles &amp; responsibilities\n\n| Role | Responsibility |\n';
    expect(await sectionFindings({ 'a.md': doc }, options)).toEqual([]);
  });

  it('matches whole headings, so a look-alike does not count', async () => {
    const doc = '## Purpose\n\nWhy.\n\n## Not in Scope\n\nNothing.\n\n## Roles and Responsibilities\n\nUs.\n';
    expect(await sectionFindings({ 'a.md': doc }, options)).toEqual(['a.md:1 Required section "Scope" is missing | Add a ## "Scope" heading with its content.']);
  });

  it('rejects a section at a level that is not accepted', async () => {
    const doc = '## Purpose\n\nWhy.\n\n### Scope\n\nAll.\n\n## Roles and Responsibilities\n\nUs.\n';
    expect(await sectionFindings({ 'a.md': doc }, options)).toEqual(['a.md:1 Required section "Scope" is missing | Add a ## "Scope" heading with its content.']);
  });

  it('reports an empty section at its heading, but not one with sub-sections', async () => {
    const doc = '## Purpose\n\n<!-- todo -->\n\n## Scope\n\n### In scope\n\nAll.\n\n## Roles and Responsibilities\n';
    expect(await sectionFindings({ 'a.md': doc }, options)).toEqual([
      'a.md:1 Section "Purpose" is empty | The "Purpose" section needs content under its heading.',
      'a.md:11 Section "Roles and Responsibilities" is empty | The "Roles & Responsibilities" section needs content under its heading.',
    ]);
  });

  it('checks the order when asked', async () => {
    const doc = '## Scope\n\nAll.\n\n## Purpose\n\nWhy.\n\n## Roles and Responsibilities\n\nUs.\n';
    expect(await sectionFindings({ 'a.md': doc }, { ...options, order: true })).toEqual([
      'a.md:1 Section "Scope" should come after "Purpose" | The sections are required in the order the configuration lists them; "Purpose" is on line 5.',
    ]);
  });

  it('takes section names in another language from the config', async () => {
    const doc = '## 目的\n\nなぜ。\n\n## 範囲\n\n全員。\n';
    expect(await sectionFindings({ 'a.md': doc }, { sections: [{ name: '目的' }, { name: '範囲' }, { name: '例外' }] })).toEqual(['a.md:1 Required section "例外" is missing | Add a ## "例外" heading with its content.']);
  });

  it('passes a complete controlled document under the gitlab-handbook preset', async () => {
    const root = makeTree({ '.policylint.yml': 'extends: gitlab-handbook\n', 'content/handbook/p.md': controlledDocument('P') });
    const result = await lint({ cwd: root, now: NOW });
    expect(result.filesLinted).toEqual(['content/handbook/p.md']);
    expect(result.findings.filter((f) => f.ruleId === 'required-sections')).toEqual([]);
  });
});
