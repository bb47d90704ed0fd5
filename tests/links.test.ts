import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../rules/links.js';
import { draftFinding, type DraftFinding } from '../src/engine/findings.js';
import { documentAnchors, headingSlug, pageAnchors } from '../src/links/anchors.js';
import { buildPageIndex, resolveTarget } from '../src/links/resolve.js';
import { normalizeTarget } from '../src/links/target.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { createProjectContext } from '../src/project/context.js';
import type { ProjectContext } from '../src/project/types.js';
import { makeTree } from './support/cli.js';

function tempRepo(files: Record<string, string>): string {
  return makeTree(files, 'policylint-links-');
}

/** The real project context, with its memo counting how often each key is computed. */
function countingProject(root: string): { project: ProjectContext; computed: Map<string, number> } {
  const project = createProjectContext({ root, now: new Date('2026-01-01') });
  const computed = new Map<string, number>();
  const memo = project.memo;
  project.memo = (key, compute) =>
    memo(key, () => {
      computed.set(key, (computed.get(key) ?? 0) + 1);
      return compute();
    });
  return { project, computed };
}

async function check(root: string, files: string[], options: Record<string, unknown> = {}, project = countingProject(root).project) {
  const reports: Array<DraftFinding & { key: string }> = [];
  const source = { ruleId: rule.meta.id, severity: 'error' as const, messages: rule.meta.messages };
  for (const relative of files) {
    const absPath = path.join(root, relative);
    const doc = parseDocumentModel({ path: relative, absPath, source: fs.readFileSync(absPath, 'utf8'), documentClass: 'policy' });
    await rule.check!(doc, {
      options: rule.meta.options.parse(options),
      project,
      // `messageId:target`, the target as written: what a test picks a report by.
      report: (report) => reports.push({ ...draftFinding({ ...source, path: relative }, report), key: `${report.messageId}:${/"(.*)"$/.exec(String(report.data?.link))?.[1]}` }),
    });
  }
  return reports;
}

const SECURITY_INDEX = `---
title: Security
---

## Information Security Policy Exception Management Process

Text.

## Duplicate

## Duplicate

## Custom heading {#custom-id}

## Ünïcode & Symbols: 100%!

<a id="html-anchor"></a>
`;

const handbook = {
  'content/_index.md': '# Home\n',
  'content/handbook/security/_index.md': SECURITY_INDEX,
  'content/handbook/security/policies/security-and-technology-policy-exception.md': '## Process\n',
  'content/a/dup.md': '# A\n',
  'content/b/dup/_index.md': '# B\n',
  'content/handbook/security/isms.md': `---
title: ISMS
---

## Purpose

- [1]({{< ref "_index.md#information-security-policy-exception-management-process" >}})
- [2]({{< ref "/handbook/security#duplicate-1" >}})
- [3]({{< ref "security-and-technology-policy-exception" >}})
- [4](/handbook/security/#custom-id)
- [5](/handbook/security/#custom-heading)
- [6](./policies/security-and-technology-policy-exception.md#process)
- [7](../people/missing/)
- [8]({{< ref "https://about.gitlab.com/handbook/" >}})
- [9](#purpose) and [10](#nope)
- [11](https://example.com/x) and <https://example.com/y> and [12](mailto:security@example.com)
- [13]({{< ref "handbook/security#duplicate" >}})
- [14]({{< ref "dup" >}})
- <a href="/handbook/security/#html-anchor">15</a>
- [16][n] and [17][n]
- [18]({{< ref "/" >}}) and [19](/handbook/security/#ünïcode--symbols-100)
- [20](/handbook/security/#%C3%BCn%C3%AFcode--symbols-100)

[n]: /handbook/nope/
`,
};

describe('links over a small handbook', () => {
  it('reports exactly the broken targets, at the link', async () => {
    const root = tempRepo(handbook);
    const reports = await check(root, ['content/handbook/security/isms.md']);
    expect(reports.map((report) => [report.line, report.column, report.key])).toEqual([
      [11, 3, 'anchor:/handbook/security/#custom-heading'],
      [13, 3, 'missing:../people/missing/'],
      [14, 3, 'urlInRef:https://about.gitlab.com/handbook/'],
      [15, 21, 'anchor:#nope'],
      [18, 3, 'ambiguous:dup'],
      [24, 1, 'missing:/handbook/nope/'],
    ]);
    const shown = (key: string) => reports.find((report) => report.key === key)!;
    expect(shown('missing:../people/missing/')).toMatchObject({
      message: 'Link target "../people/missing/" leads to no file in the repository',
      details: 'Tried content/handbook/people/missing{.md,/_index.md,/index.md}.',
    });
    expect(shown('anchor:#nope').message).toBe('Link target "#nope": this document has no heading or anchor "#nope"');
    expect(shown('anchor:/handbook/security/#custom-heading').message).toContain(': content/handbook/security/_index.md has no heading');
    expect(shown('urlInRef:https://about.gitlab.com/handbook/').message).toContain('Hugo rejects');
    expect(shown('ambiguous:dup')).toMatchObject({
      message: 'Hugo ref "dup" matches more than one page named "dup"',
      details: 'Pages with that name: content/a/dup.md, content/b/dup/_index.md. Write the path of the one you mean.',
    });
  });

  it('reports a bare Hugo ref that names no page, listing what was tried', async () => {
    const root = tempRepo({ ...handbook, 'content/handbook/x.md': '[x]({{< ref "no-such-page#a" >}})\n' });
    const [report] = await check(root, ['content/handbook/x.md']);
    expect(report).toMatchObject({
      message: 'Hugo ref "no-such-page#a" leads to no file in the repository',
      details: 'Tried content/handbook/no-such-page{.md,/_index.md,/index.md}, content/no-such-page{.md,/_index.md,/index.md}, a page named "no-such-page".',
    });
  });

  it('parses each linked page once per run and indexes the repository once', async () => {
    const root = tempRepo({
      ...handbook,
      'content/handbook/other.md': '[a](/handbook/security/#duplicate)\n\n[b]({{< ref "security#duplicate-1" >}})\n',
    });
    const { project, computed } = countingProject(root);
    await check(root, ['content/handbook/security/isms.md', 'content/handbook/other.md'], {}, project);
    expect(computed.get('links:anchors:content/handbook/security/_index.md')).toBe(1);
    expect(computed.get('links:pages:content')).toBe(1);
  });

  it('skips anchors when checkAnchors is off and ignored targets entirely', async () => {
    const root = tempRepo(handbook);
    const reports = await check(root, ['content/handbook/security/isms.md'], {
      checkAnchors: false,
      ignore: ['/^\\.\\.\\//', 'NOPE'],
    });
    expect(reports.map((report) => report.key)).toEqual(['urlInRef:https://about.gitlab.com/handbook/', 'ambiguous:dup']);
  });

  it('resolves site-root links from a custom content root', async () => {
    const root = tempRepo({ 'site/handbook/a.md': '## Top\n', 'site/handbook/b.md': '[a](/handbook/a/#top) [c](/handbook/c/)\n' });
    const reports = await check(root, ['site/handbook/b.md'], { contentRoot: 'site' });
    expect(reports.map((report) => report.key)).toEqual(['missing:/handbook/c/']);
  });

  it('leaves a document without internal links alone without indexing the repository', async () => {
    const root = tempRepo({ 'content/x.md': '[a](https://example.com) <https://example.org>\n' });
    const { project, computed } = countingProject(root);
    expect(await check(root, ['content/x.md'], {}, project)).toEqual([]);
    expect(computed.has('links:pages:content')).toBe(false);
  });
});

describe('links on real GitLab handbook pages', () => {
  // Copies of the corpus, CC BY-SA 4.0: see that folder's NOTICE.md.
  const corpus = path.resolve(import.meta.dirname, '../fixtures/gitlab-handbook');
  const secControls = 'content/handbook/security/security-assurance/security-compliance/sec-controls.md';

  it('finds the real broken anchor, resolves bare refs by page name and skips shortcodes inside HTML attributes', async () => {
    const criticalSystems = 'content/handbook/security/security-assurance/security-risk/storm-program/critical-systems.md';
    const reports = await check(corpus, [secControls, criticalSystems]);
    const at = (file: string, line: number) => reports.filter((report) => report.path === file && report.line === line).map((report) => report.key);
    // `{{< ref "business-impact-analysis" >}}` resolves by name; the tiering anchor is misspelt and absent at this revision.
    expect(at(secControls, 83)).toEqual(['anchor:critical-systems#critical-systems-tiering-methodolgy']);
    // `<td>… <a href="{{< ref "data-classification-standard#…" >}}">` nests quotes: the HTML scan sees only `{{< ref `.
    expect(at(criticalSystems, 67)).toEqual([]);
  });
});

describe('Hugo heading IDs', () => {
  it.each([
    ['Information Security Policy Exception Management Process', 'information-security-policy-exception-management-process'],
    ['Roles & Responsibilities:', 'roles--responsibilities'],
    ['  Ünïcode — Straße 2024  ', 'ünïcode--straße-2024'],
    ['snake_case and-dash', 'snake_case-and-dash'],
    ['Why? (FAQ)', 'why-faq'],
    ['🚀', ''],
  ])('%s → %s', (text, slug) => {
    expect(headingSlug(text)).toBe(slug);
  });

  it('numbers duplicates, names empty headings, honours explicit IDs and HTML ids', async () => {
    const root = tempRepo({
      'content/p.md': '## A\n\n## A\n\n> ## A\n\n## 🚀\n\n## B {#a-3 .wide}\n\n## A\n\n<div id="box"></div>\n\n[x](#a-4) [y](#heading) [z](#box) [w](#a-2) [v](#b)\n',
    });
    expect((await check(root, ['content/p.md'])).map((report) => report.key)).toEqual(['anchor:#b']);
  });
});

describe('anchors of a linked page, from its heading lines only', () => {
  const page = [
    '---',
    'title: "# Not a heading"',
    '---',
    '## Intro',
    '',
    'Setext, over',
    'two lines',
    '==========',
    '',
    '```sh',
    '# a shell comment, not a heading',
    '```',
    '',
    '1. A step',
    '',
    '   ```ruby',
    '   # the fence is never closed: the list item ends it',
    '',
    '## After the list',
    '',
    '<!-- ## Commented out',
    '```',
    '``` -->',
    '',
    '## Uses [a reference][ref] {#custom}',
    '',
    '> ### Quoted',
    '',
    '- ## In a list item',
    '',
    'Text with <a name="named"></a> inside.',
    '',
    '## Intro',
    '',
    '[ref]: https://example.com',
  ].join('\n');

  it('finds what the full parse finds, and nothing from code or comments', () => {
    const full = documentAnchors(parseDocumentModel({ path: 'p.md', absPath: 'p.md', source: page, documentClass: 'policy' }).tree);
    expect([...pageAnchors(page).anchors].sort()).toEqual([...full].sort());
    expect([...full].sort()).toEqual(['after-the-list', 'custom', 'in-a-list-item', 'intro', 'intro-1', 'named', 'quoted', 'setext-overtwo-lines']);
  });

  // Pages the scan once got wrong (fences closed by indented or quoted lines, containers, comments, setext, definitions).
  it.each([
    '```markdown\n- Step\n\n    ```sh\n    run\n    ```\n```\n\n# Real\n',
    '```md\n> ```\n> code\n```\n# Real\n',
    '```\n```~~~\n# fake\n```\n# Real\n',
    '- # A\n  ```\n\n- # B\n```\n',
    '> ```\n\n> # H\n',
    '- <!--\n# H\n',
    '<!--\n<a id="x"></a>\n-->\n',
    '<div\n  id="x">\n</div>\n',
    '<pre id="x">\ncode\n</pre>\n\n# Real *one*\n',
    'Foo\n- \n',
    'Intro\n2. Foo\n===\n',
    'Para\n[x]: /u\n\n# [a][x]\n',
    '---\n> # A\n===\n',
  ])('is complete wherever it is certain: %j', (source) => {
    const full = documentAnchors(parseDocumentModel({ path: 'p.md', absPath: 'p.md', source, documentClass: 'policy' }).tree);
    const scanned = pageAnchors(source);
    const missed = [...full].filter((anchor) => !scanned.anchors.has(anchor));
    expect(scanned.certain && missed.length > 0 ? missed : []).toEqual([]);
  });

  it('confirms an anchor the scan cannot see with a full parse before reporting it', async () => {
    const unsure = '> ```\n\n> # Hidden from the scan\n';
    expect(pageAnchors(unsure)).toMatchObject({ certain: false });
    expect(pageAnchors(unsure).anchors.has('hidden-from-the-scan')).toBe(false);
    const root = tempRepo({
      'content/target.md': unsure,
      'content/p.md': '[ok](target.md#hidden-from-the-scan) [bad](target.md#nope)\n',
    });
    expect((await check(root, ['content/p.md'])).map((report) => report.key)).toEqual(['anchor:target.md#nope']);
  });

  it('reads a page with a byte-order mark and CRLF line ends', () => {
    expect([...pageAnchors('\ufeff---\r\nx: 1\r\n---\r\n# Title\r\n\r\nBody\r\n---\r\n').anchors].sort()).toEqual(['body', 'title']);
  });
});

describe('target resolution', () => {
  const index = buildPageIndex(
    ['content/handbook/security/_index.md', 'content/handbook/security/isms.md', 'content/handbook/leaf/index.md', 'content/files/report.pdf', 'README.md'],
    './content/',
  );
  it.each([
    ['hugo-ref', '/handbook/security', 'content/handbook/security/_index.md'],
    ['hugo-ref', 'leaf', 'content/handbook/leaf/index.md'],
    ['hugo-relref', '../leaf/', 'content/handbook/leaf/index.md'],
    ['inline', '/files/report.pdf', 'content/files/report.pdf'],
    ['inline', '/handbook/security/isms.md', 'content/handbook/security/isms.md'],
    ['inline', 'isms%2Emd', 'content/handbook/security/isms.md'],
  ] as const)('%s %s → %s', (kind, target, file) => {
    expect(resolveTarget(kind, target, 'content/handbook/security/isms.md', index)).toMatchObject({ kind: 'page', file });
  });

  it('tries a root-level page once when the page already sits at the content root', () => {
    expect(resolveTarget('hugo-ref', 'nothing', 'content/_index.md', index)).toEqual({
      kind: 'missing',
      tried: ['content/nothing{.md,/_index.md,/index.md}', 'a page named "nothing"'],
    });
  });

  it('does not look plain links up by name, nor refs outside the content root', () => {
    expect(resolveTarget('inline', 'leaf', 'content/handbook/security/isms.md', index).kind).toBe('missing');
    expect(resolveTarget('hugo-ref', 'README', 'content/handbook/security/isms.md', index).kind).toBe('missing');
  });
});

describe('normalizeTarget', () => {
  it.each([
    ['/handbook/security/controlled-document-procedure/#exceptions', 'handbook/security/controlled-document-procedure#exceptions'],
    ['/handbook/security#Info', 'handbook/security#info'],
    ['handbook/security/_index.md#x', 'handbook/security#x'],
    ['_index.md#x', '#x'],
    ['../policy.md', '../policy'],
    ['leaf/index.md', 'leaf'],
    ['https://gitlab.com/g/p/issues/new/?t=x', 'https://gitlab.com/g/p/issues/new?t=x'],
  ])('%s → %s', (target, normalized) => {
    expect(normalizeTarget(target)).toBe(normalized);
  });
});
