import { findFrontMatterBlock } from '../model/frontmatter.js';
import type { Link } from '../model/types.js';

/**
 * `{{< ref "x" >}}` and `{{< relref "x" >}}` (or `{{% … %}}`), the argument quoted, in backticks
 * or bare: the one grammar of a ref shortcode, for `hugoRefs` and for the model's link targets
 * (whose spaces `parseMarkdown` has swapped for no-break spaces). Read a match with `refOf`.
 * Every part is a plain run, so a match fails fast and no start is rescanned.
 */
export const REF_SHORTCODE =
  /\{\{[<%][ \t\u00a0]*(?<kind>ref|relref)[ \t\u00a0]+(?:"(?<quoted>[^"\n]*)"|`(?<ticked>[^`\n]*)`|(?<bare>[^\s"`>%}]+))[ \t\u00a0]*[>%]\}\}/g;

/** A `REF_SHORTCODE` match's link kind and its argument as written (spaces included). */
export function refOf(match: RegExpExecArray): { kind: 'hugo-ref' | 'hugo-relref'; target: string } {
  const { kind, quoted, ticked, bare } = match.groups!;
  return { kind: kind === 'relref' ? 'hugo-relref' : 'hugo-ref', target: (quoted ?? ticked ?? bare)! };
}

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
  const pattern = new RegExp(REF_SHORTCODE.source, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(source); match; match = pattern.exec(source)) {
    // Lines are counted once as the matches advance.
    for (let newline = source.indexOf('\n', lineStart); newline !== -1 && newline < match.index; newline = source.indexOf('\n', lineStart)) {
      line++;
      lineStart = newline + 1;
    }
    const column = match.index - lineStart + 1;
    const { kind, target } = refOf(match);
    refs.push({
      kind,
      url: target.trim(),
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
