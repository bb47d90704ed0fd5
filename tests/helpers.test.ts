import type { Blockquote } from 'mdast';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../src/model/parse.js';
import { SKIP_CHILDREN, walkTree } from '../src/model/walk.js';
import { byPath, compareCodeUnits, isOutsideRoot, MARKDOWN_FILE, toPosix } from '../src/util/paths.js';
import { displayWidth, padEndToWidth, plural } from '../src/util/text.js';

describe('path helpers', () => {
  it('orders by code unit, whatever the locale: upper case before lower case, `-` before `_`', () => {
    const paths = ['b.md', 'a_b.md', 'Z.md', 'é.md', 'a-b.md', 'a/b.md'];
    expect([...paths].sort(compareCodeUnits)).toEqual(['Z.md', 'a-b.md', 'a/b.md', 'a_b.md', 'b.md', 'é.md']);
    expect([...paths].sort(compareCodeUnits)).toEqual([...paths].sort());
    expect(compareCodeUnits('a.md', 'a.md')).toBe(0);
    expect([{ path: 'b' }, { path: 'B' }, { path: 'a' }].sort(byPath).map((item) => item.path)).toEqual(['B', 'a', 'b']);
  });

  it('recognises Markdown files in any case, the same answer every time', () => {
    for (let i = 0; i < 2; i++) expect(['a.md', 'b/C.MD', 'c.markdown', 'd.Markdown'].every((file) => MARKDOWN_FILE.test(file))).toBe(true);
    expect(['a.mdx', 'md', 'a.md.txt', 'a.mark'].some((file) => MARKDOWN_FILE.test(file))).toBe(false);
  });

  it('writes relative paths with `/` and tells which leave their root', () => {
    expect(toPosix('a/b')).toBe('a/b');
    expect(['..', '../x', '/abs'].every(isOutsideRoot)).toBe(true);
    expect(['..x/y', 'x/..', 'x'].some(isOutsideRoot)).toBe(false);
  });
});

describe('text helpers', () => {
  it('counts with a plural noun', () => {
    expect([0, 1, 2].map((n) => plural(n, 'document'))).toEqual(['0 documents', '1 document', '2 documents']);
  });

  it('measures terminal columns: wide characters take two, combining marks and format characters none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('見直し')).toBe(6);
    expect(displayWidth('ｶﾀｶﾅ')).toBe(4); // halfwidth katakana
    expect(displayWidth('Ａ')).toBe(2); // fullwidth Latin
    expect(displayWidth('😀')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1); // e + combining acute accent
    expect(displayWidth('a\u200bb\u00ad')).toBe(2); // zero-width space, soft hyphen
    expect(displayWidth('é—\uFFFD')).toBe(3);
    expect(padEndToWidth('見', 4)).toBe('見  ');
    expect(padEndToWidth('wider', 2)).toBe('wider');
  });
});

describe('tree walker', () => {
  it('visits every node in document order and can skip a subtree', () => {
    const tree = parseMarkdown('# One *two*\n\nThree [four](x) five\n\n- six\n');
    const types: string[] = [];
    walkTree(tree, (node) => {
      types.push(node.type);
      return node.type === 'paragraph' ? SKIP_CHILDREN : undefined;
    });
    expect(types).toEqual(['root', 'heading', 'text', 'emphasis', 'text', 'paragraph', 'list', 'listItem', 'paragraph']);
  });

  it('walks nesting far deeper than the call stack allows', () => {
    const depth = 200_000;
    let quote: Blockquote = { type: 'blockquote', children: [] };
    for (let i = 1; i < depth; i++) quote = { type: 'blockquote', children: [quote] };
    let visited = 0;
    walkTree({ type: 'root', children: [quote] }, () => void visited++);
    expect(visited).toBe(depth + 1);
  });
});
