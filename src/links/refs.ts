import { findFrontMatterBlock } from '../model/frontmatter.js';
import type { Link } from '../model/types.js';

const SPACE = '[ \\t\\u00a0]';
/** A shortcode argument: quoted, in backticks or bare. */
const VALUE = '"(?<quoted>[^"\\n]*)"|`(?<ticked>[^`\\n]*)`|(?<bare>[^\\s"`>%}=]+)';
/** The same, without its groups, where a pattern repeats it. */
const ANY_VALUE = VALUE.replace(/\(\?<\w+>/g, '(?:');

/**
 * `{{< ref "x" >}}` and `{{< relref "x" >}}` (or `{{% … %}}`): the one grammar of a ref shortcode, for `hugoRefs` and
 * for the model's link targets (whose spaces `parseMarkdown` has swapped for no-break spaces). Its forms are Hugo's:
 * one argument, quoted, in backticks or bare; a second one, the output format (`{{< ref "x" "html" >}}`); or named
 * arguments, of which `path` is the target (`{{< ref path="x" lang="en" >}}`). Read a match with `refOf`.
 * Every part is a plain run, so a match fails fast and no start is rescanned.
 */
export const REF_SHORTCODE = new RegExp(
  `\\{\\{[<%]${SPACE}*(?<kind>ref|relref)${SPACE}+` +
    `(?:(?<named>\\w+=(?:${ANY_VALUE})(?:${SPACE}+\\w+=(?:${ANY_VALUE}))*)|(?:${VALUE})(?:${SPACE}+(?:${ANY_VALUE}))?)` +
    `${SPACE}*[>%]\\}\\}`,
  'g',
);

const NAMED_ARGUMENT = new RegExp(`(?<name>\\w+)=(?:${VALUE})`, 'g');

/** A `REF_SHORTCODE` match's link kind and its target as written (spaces included); undefined for named arguments without a `path`, which Hugo rejects. */
export function refOf(match: RegExpExecArray): { kind: 'hugo-ref' | 'hugo-relref'; target: string } | undefined {
  const { kind, named, quoted, ticked, bare } = match.groups!;
  const argument = named === undefined ? { quoted, ticked, bare } : [...named.matchAll(NAMED_ARGUMENT)].find((m) => m.groups!.name === 'path')?.groups;
  if (!argument) return undefined;
  return { kind: kind === 'relref' ? 'hugo-relref' : 'hugo-ref', target: (argument.quoted ?? argument.ticked ?? argument.bare)! };
}

/**
 * Every ref and relref of a page, wherever Hugo expands it: link targets, `<a href="{{< ref … >}}">`, running text,
 * code and HTML comments alike, but not the front matter. Each is placed at its `{{`, as Hugo's REF_NOT_FOUND is.
 * Hugo expands a shortcode where its placeholder survives into the rendered page: in code always, in raw HTML (an
 * attribute, a comment) only when Goldmark renders raw HTML (`markup.goldmark.renderer.unsafe = true`, as the GitLab
 * handbook sets it), which is what this assumes.
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
    const ref = refOf(match);
    if (!ref) continue;
    const { kind, target } = ref;
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
