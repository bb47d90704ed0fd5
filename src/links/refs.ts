import { findFrontMatterBlock } from '../model/frontmatter.js';
import type { Link } from '../model/types.js';

/**
 * `{{< ref "x" >}}` and `{{< relref "x" >}}` (or `{{% … %}}`), the argument quoted, in backticks
 * or bare. Every part is a plain run, so a match fails fast and no start is rescanned.
 */
const HUGO_REF = /\{\{([<%])[ \t\u00a0]*(ref|relref)[ \t\u00a0]+(?:"([^"\n]*)"|`([^`\n]*)`|([^\s"`>%}]+))[ \t\u00a0]*[>%]\}\}/g;

/**
 * Every ref and relref of a page, wherever Hugo expands it: link targets, `<a href="{{< ref … >}}">`, running text,
 * code and HTML comments alike (Hugo expands shortcodes before Markdown), but not the front matter. Each is placed at
 * its `{{`, as Hugo's REF_NOT_FOUND is.
 */
export function hugoRefs(source: string): Link[] {
  if (!source.includes('{{')) return [];
  const block = findFrontMatterBlock(source);
  let line = 1;
  let lineStart = 0;
  let from = 0;
  if (block?.closeLine !== undefined) {
    for (; line <= block.closeLine; line++) lineStart = source.indexOf('\n', lineStart) + 1;
    from = lineStart;
  }
  const refs: Link[] = [];
  const pattern = new RegExp(HUGO_REF.source, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    // Lines are counted once as the matches advance.
    for (let newline = source.indexOf('\n', lineStart); newline !== -1 && newline < match.index; newline = source.indexOf('\n', lineStart)) {
      line++;
      lineStart = newline + 1;
    }
    const column = match.index - lineStart + 1;
    refs.push({
      kind: match[2] === 'relref' ? 'hugo-relref' : 'hugo-ref',
      url: (match[3] ?? match[4] ?? match[5]!).trim(),
      text: '',
      line,
      column,
      endLine: line,
      endColumn: column + match[0].length,
      section: undefined,
    });
  }
  return refs;
}
