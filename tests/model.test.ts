import { describe, expect, it } from 'vitest';
import { parseFrontMatter } from '../src/model/frontmatter.js';
import { normalizeHeading, parseDocumentModel } from '../src/model/parse.js';
import { decodeUtf8 } from '../src/select/read.js';

function parse(source: string) {
  return parseDocumentModel({ path: 'doc.md', absPath: '/doc.md', source, documentClass: 'c' });
}

describe('front matter', () => {
  it('keeps each top-level key with its line', () => {
    const fm = parseFrontMatter('---\ntitle: "A"\ncontrolled_document: true\ntags:\n  - x\n---\nbody\n');
    expect(fm.data).toEqual({ title: 'A', controlled_document: true, tags: ['x'] });
    expect([...fm.keyLines]).toEqual([
      ['title', 2],
      ['controlled_document', 3],
      ['tags', 4],
    ]);
    expect(fm.endLine).toBe(6);
  });

  it('reports invalid YAML at the document line of the fault', () => {
    const fm = parseFrontMatter('---\ntitle: ok\nbad: [unclosed\nmore: x\n---\n');
    expect(fm.data).toBeNull();
    expect(fm.error?.line).toBeGreaterThanOrEqual(3);
    expect(fm.error?.message).toMatch(/^Invalid YAML in front matter/);
  });

  it('reports an unterminated block', () => {
    const fm = parseFrontMatter('---\ntitle: x\n\n## Heading\n');
    expect(fm.error?.message).toMatch(/not terminated/);
  });

  it('bounds alias expansion', () => {
    const bomb = [
      '---',
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      '---',
      '',
    ].join('\n');
    const fm = parseFrontMatter(bomb);
    expect(fm.data).toBeNull();
    expect(fm.error?.message).toMatch(/alias/i);
  });

  it('has none when the file does not open with a fence', () => {
    expect(parseFrontMatter('# Title\n---\n').present).toBe(false);
  });

  it('handles CRLF line endings', () => {
    const fm = parseFrontMatter('---\r\ntitle: A\r\nowner: b\r\n---\r\nbody');
    expect(fm.data).toEqual({ title: 'A', owner: 'b' });
    expect(fm.keyLines.get('owner')).toBe(3);
    expect(fm.endLine).toBe(4);
  });
});

describe('sections', () => {
  const doc = parse(`---
title: Policy
---

{{< label name="Visibility: Audit" color="#E24329" >}}

### Purpose

Text.

## Roles &amp; Responsibilities:

{{% details summary="More" %}}
## Inside details
{{% /details %}}

## Exceptions

## <i class="fas fa-book"></i> References

- [a](b)
`);

  it('builds the tree with levels, lines, normalised names and content flags', () => {
    expect(doc.sections.map((s) => [s.level, s.line, s.normalized, s.hasContent])).toEqual([
      [3, 7, 'purpose', true],
      [2, 11, 'roles and responsibilities', true],
      [2, 14, 'inside details', true],
      [2, 17, 'exceptions', false],
      [2, 19, 'references', true],
    ]);
    expect(doc.sections[0]!.endLine).toBe(10);
    expect(doc.title).toBe('Policy');
    expect(doc.titleLine).toBe(2);
  });

  it('nests lower levels under higher ones', () => {
    const nested = parse('# A\n\n## B\n\n### C\n\n## D\n');
    expect(nested.sectionTree.map((s) => s.text)).toEqual(['A']);
    expect(nested.sectionTree[0]!.children.map((s) => s.text)).toEqual(['B', 'D']);
    expect(nested.sections[2]!.parent?.text).toBe('B');
  });

  it('normalises headings the way section names are compared', () => {
    expect(normalizeHeading('  Roles &amp; <b>Responsibilities</b>: ')).toBe('roles and responsibilities');
    expect(normalizeHeading('Roles & responsibilities')).toBe('roles and responsibilities');
  });
});

describe('links', () => {
  const doc = parse(`# Doc

See [inline](/handbook/a/), [ref][r], <https://example.com/x>, [hugo]({{< ref "security-policy#anchor" >}}),
[rel]({{< relref "../b.md" >}}) and <a href="/handbook/c/">html</a>.

\`[not]({{< ref "code" >}})\`

## Exceptions

Follow [the process]({{< ref "/handbook/security#information-security-policy-exception-management-process" >}}).

[r]: https://example.com/ref
`);

  it('finds every kind with its position and section', () => {
    expect(doc.links.map((l) => [l.kind, l.url, l.line])).toEqual([
      ['inline', '/handbook/a/', 3],
      ['reference', 'https://example.com/ref', 3],
      ['autolink', 'https://example.com/x', 3],
      ['hugo-ref', 'security-policy#anchor', 3],
      ['hugo-relref', '../b.md', 4],
      ['html', '/handbook/c/', 4],
      ['hugo-ref', '/handbook/security#information-security-policy-exception-management-process', 10],
      ['definition', 'https://example.com/ref', 12],
    ]);
    expect(doc.links[6]!.section?.normalized).toBe('exceptions');
    expect(doc.links[0]!.section?.text).toBe('Doc');
    expect(doc.links[3]!.column).toBe(64);
  });
});

describe('directives', () => {
  it('parses kind, rule ids and reason', () => {
    const doc = parse(
      '<!-- policylint-disable required-sections links -- legacy page -->\n\ntext <!-- policylint-disable-next-line -->\n\n<!-- policylint-enable links -->\n',
    );
    expect(doc.directives.map((d) => [d.kind, d.ruleIds, d.reason, d.line])).toEqual([
      ['disable', ['required-sections', 'links'], 'legacy page', 1],
      ['disable-next-line', [], undefined, 3],
      ['enable', ['links'], undefined, 5],
    ]);
  });
});

describe('text handling', () => {
  it('drops a BOM once, at decoding, and keeps positions', () => {
    const plain = parse('---\ntitle: A\n---\n\n## Scope\n');
    const bom = parse(decodeUtf8(Buffer.from('\ufeff---\ntitle: A\n---\n\n## Scope\n')));
    expect(bom.source).toBe(plain.source);
    expect(bom.sections[0]!.line).toBe(plain.sections[0]!.line);
    expect(bom.frontMatter.data).toEqual({ title: 'A' });
  });
});
