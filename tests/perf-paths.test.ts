import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { parseFrontMatter, parseSimpleYaml } from '../src/model/frontmatter.js';
import { countLines } from '../src/model/lines.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { compilePattern, plainText } from '../src/model/match.js';
import { compileClass } from '../src/select/classes.js';
import { decodeUtf8, readBytes } from '../src/select/read.js';
import type { DocumentClass } from '../src/config/types.js';
import { makeTree } from './support/cli.js';

/** What the YAML library makes of a front-matter block: the reference the fast path must equal. */
function viaLibrary(raw: string): { data: unknown; keyLines: Map<string, number> } | 'error' {
  const lineCounter = new LineCounter();
  const doc = parseDocument(raw, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) return 'error';
  const keyLines = new Map<string, number>();
  if (isMap(doc.contents))
    for (const item of doc.contents.items)
      if (isScalar(item.key) && item.key.range) keyLines.set(String(item.key.value), lineCounter.linePos(item.key.range[0]).line + 1);
  const data = doc.toJS() ?? {};
  return { data, keyLines };
}

describe('front matter fast path', () => {
  const simple = [
    'title: Access Control Policy\ncontrolled_document: true',
    "title: \"Quoted: with colon # and hash\"\ndescription: 'it''s single'",
    'title: 情報セキュリティポリシー\nweight: 10\nplus: +3\nzero: 007\nflag: False\nnothing: ~\nempty:\nlast: NULL',
    'aliases:\n- /handbook/a/\n- "/handbook/b/"\ntags:\n  - one\n  - two\n\n# comment\ntitle: x',
    'url: https://example.com/a#b\nlang: C#\npath: C:\\dir\\file\nrange: 1_000\ndate: 2025-10-07\nversion: v1.2',
    '',
    '# only a comment\n',
    'key: value   \n   \nother:    spaced value',
  ];
  it.each(simple)('reads %j exactly as the YAML library does', (raw) => {
    const fast = parseSimpleYaml(raw);
    expect(fast).toBeDefined();
    expect(viaLibrary(raw)).toEqual({ data: fast!.data, keyLines: fast!.keyLines });
  });

  const other = [
    'title: a: b', // nested mapping on one line: an error
    'title: x\ntitle: y', // duplicate key
    'menu:\n  main:\n    weight: 1', // nested mapping
    'authors: [ "@a", "@b" ]', // flow sequence
    'description: >-\n  folded',
    'text: "escaped \\" quote"',
    'text: "two\n  lines"',
    'title: plain\n  continued',
    'n: 1.5',
    'n: -3',
    'n: 0x1f',
    'n: .inf',
    'x: *alias',
    'x: !tag value',
    'x: value # comment',
    'true: yes',
    '__proto__: x',
    'key:\tvalue',
    'key: value\r\nother: x',
    'list:\n- a\n  - b',
    'list:\n  - a\n- b',
    'list:\n-\n- b',
    'list:\n- a: 1',
    '  indented: key',
    'plain',
    '...',
  ];
  it.each(other)('leaves %j to the YAML library', (raw) => {
    expect(parseSimpleYaml(raw)).toBeUndefined();
  });

  it('gives parseFrontMatter the same result either way, errors included', () => {
    const doc = '---\ntitle: T\ncontrolled_document: true\n---\n# T\n';
    const fm = parseFrontMatter(doc);
    expect(fm.data).toEqual({ title: 'T', controlled_document: true });
    expect([...fm.keyLines]).toEqual([
      ['title', 2],
      ['controlled_document', 3],
    ]);
    const bad = parseFrontMatter('---\ntitle: "unterminated\n---\n');
    expect(bad.error?.message).toMatch(/Invalid YAML/);
  });
});

describe('selection before decoding', () => {
  const documentClass = (when: DocumentClass['when']): DocumentClass =>
    ({ name: 'c', paths: ['**/*.md'], excludePaths: [], when, rules: {} }) as unknown as DocumentClass;

  it('rules files out on their bytes only when the text could not match', () => {
    const matcher = compileClass(
      documentClass([{ frontMatter: { controlled_document: true } }, { contains: compilePattern('Controlled Document', plainText.exactSubstring) }]),
    );
    expect(matcher.mayMatchBytes(Buffer.from('---\ntitle: x\n---\nplain'))).toBe(false);
    expect(matcher.mayMatchBytes(Buffer.from('---\ncontrolled_document: false\n---\n'))).toBe(true);
    expect(matcher.mayMatchBytes(Buffer.from('これは Controlled Document です'))).toBe(true);
    const regex = compileClass(documentClass([{ contains: compilePattern('/policy/i', plainText.exactSubstring) }]));
    expect(regex.mayMatchBytes(Buffer.from('nothing'))).toBe(true);
    expect(compileClass(documentClass([])).mayMatchBytes(Buffer.from(''))).toBe(true);
  });

  it('reads and checks bytes like the text reader did', () => {
    const dir = makeTree({}, 'policylint-read-');
    const file = (name: string, data: Buffer | string) => {
      writeFileSync(path.join(dir, name), data);
      return path.join(dir, name);
    };
    const ok = readBytes(file('ok.md', '\ufeff# Titre é\n'), 1024);
    expect(ok.ok && decodeUtf8(ok.data)).toBe('# Titre é\n');
    expect(readBytes(file('big.md', 'x'.repeat(2000)), 1024)).toMatchObject({ ok: false, message: expect.stringMatching(/over the 1 KiB limit/) });
    expect(readBytes(file('nul.md', Buffer.from([0x23, 0, 0x41])), 1024)).toMatchObject({ ok: false, message: expect.stringMatching(/Binary/) });
    expect(readBytes(file('latin1.md', Buffer.from('ok\nbad \xe9\n', 'latin1')), 1024)).toMatchObject({
      ok: false,
      line: 2,
      message: expect.stringMatching(/offset 8/),
    });
    expect(readBytes(dir, 1024)).toMatchObject({ ok: false, message: 'Cannot read file: is a directory' });
    expect(readBytes(path.join(dir, 'missing.md'), 1024)).toMatchObject({ ok: false, message: expect.stringMatching(/no such file/) });
  });
});

describe('document model', () => {
  it('counts lines as splitting would, and splits only when asked', () => {
    for (const text of ['', 'a', 'a\n', 'a\r\nb', 'a\rb\n', '\r\r\n\n', 'x\n\ny']) expect(countLines(text)).toBe(text.split(/\r\n|\r|\n/).length);
    const doc = parseDocumentModel({ path: 'a.md', absPath: '/a.md', source: '# A\r\n\r\ntext\n', documentClass: 'policy' });
    expect(doc.lines).toEqual(['# A', '', 'text', '']);
    expect(doc.sections[0]!.endLine).toBe(4);
  });
});
