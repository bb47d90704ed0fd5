import type { Heading, Root } from 'mdast';
import { findFrontMatterBlock } from '../model/frontmatter.js';
import { walkTree } from '../model/walk.js';

/** Hugo's `markup.goldmark.parser.autoHeadingIDType` (`autoIDType` from Hugo 0.144): how a heading's text becomes its ID. */
export const HEADING_ID_TYPES = ['github', 'github-ascii', 'blackfriday'] as const;
export type HeadingIdType = (typeof HEADING_ID_TYPES)[number];

/**
 * Goldmark's `{#id .class key=value}` heading attributes, which Hugo enables by default; the block is not part of the
 * heading text. The spaces before it are left to the trim: matched here, every space of a long run would start a scan
 * to the run's end.
 */
const HEADING_ATTRIBUTES = /\{\s*((?:[#.]|[\w-]+=)[^{}]*)\}\s*$/;
const EXPLICIT_ID = /(?:^|\s)#([^\s}]+)/;
const GITHUB_KEPT = /[\p{L}\p{Nd}_]/u;
const BLACKFRIDAY_KEPT = /[\p{L}\p{N}]/u;

/**
 * Hugo's `sanitizeAnchorNameWithHook` (markup/goldmark/autoid.go). `github`: trimmed, each space,
 * tab or `-` becomes `-`, letters, digits and `_` are kept lower-cased, everything else is dropped;
 * `github-ascii` first strips accents and then every non-ASCII character; `blackfriday` keeps
 * letters and numbers and joins the runs between them with one `-`.
 */
export function headingSlug(text: string, type: HeadingIdType = 'github'): string {
  let slug = '';
  if (type === 'blackfriday') {
    let dash = false;
    for (const character of text) {
      if (!BLACKFRIDAY_KEPT.test(character)) dash = true;
      else {
        if (dash && slug !== '') slug += '-';
        dash = false;
        slug += character.toLowerCase();
      }
    }
    return slug;
  }
  const source =
    type === 'github-ascii'
      ? text
          .normalize('NFD')
          .replace(/\p{Mn}/gu, '')
          .normalize('NFC')
      : text;
  for (const character of source.trim()) {
    if (type === 'github-ascii' && character.charCodeAt(0) > 0x7f) continue;
    if (character === ' ' || character === '\t' || character === '-') slug += '-';
    else if (GITHUB_KEPT.test(character)) slug += character.toLowerCase();
  }
  return slug;
}

/** Goldmark's ID factory as Hugo configures it: an empty slug becomes `heading`, a taken one gets `-1`, `-2`, ... */
class HeadingIds {
  /** Per base, the suffix last given: the ones below it are taken for good, so the n-th repeat of a heading is not n lookups. */
  private readonly lastSuffix = new Map<string, number>();

  constructor(
    private readonly taken: Set<string>,
    private readonly type: HeadingIdType,
  ) {}

  /** The ID of a heading from its raw source text, without its `#` markers. */
  add(rawText: string): void {
    const text = rawText.trim();
    const attributes = HEADING_ATTRIBUTES.exec(text);
    const explicit = attributes ? EXPLICIT_ID.exec(attributes[1]!)?.[1] : undefined;
    if (explicit) {
      this.taken.add(explicit);
      return;
    }
    const slug = headingSlug(attributes ? text.slice(0, attributes.index) : text, this.type);
    const base = slug === '' ? 'heading' : slug;
    let suffix = this.lastSuffix.get(base) ?? 0;
    let id = suffix === 0 ? base : `${base}-${suffix}`;
    while (this.taken.has(id)) id = `${base}-${++suffix}`;
    this.lastSuffix.set(base, suffix);
    this.taken.add(id);
  }
}

/** An ATX heading's opening `#`s, and its closing ones, matched from the start of the space run before them only. */
const ATX_MARKERS = /^[ \t]*#{1,6}|(?:^|(?<![ \t])[ \t]+)#+[ \t]*$/g;

/**
 * `id` on any element and `name` on `<a>` (browsers scroll to both) in raw HTML, quoted or not. Attribute names and
 * unquoted values stop at `<`, so an unclosed tag is given up at the next one rather than rescanned from each.
 */
const HTML_TAG = /<([A-Za-z][\w-]*)((?:\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"'=`]+))?)*)\s*\/?>/g;
const HTML_ATTRIBUTE = /([^\s=<>/"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s<>"'=`]+)))?/g;
const HTML_COMMENT = /<!--[\s\S]*?(?:-->|$)/g;

/** Anchors in a piece of raw HTML; comments hold none, as the browser sees it. */
function htmlAnchors(html: string): string[] {
  return readTags(html).anchors;
}

/** The anchors of the tags in some HTML, and how many `id` / `name` attributes those tags have (on any element). */
function readTags(html: string): { anchors: string[]; attributes: number } {
  const anchors: string[] = [];
  let attributes = 0;
  for (const tag of html.replace(HTML_COMMENT, ' ').matchAll(HTML_TAG)) {
    const element = tag[1]!.toLowerCase();
    for (const attribute of tag[2]!.matchAll(HTML_ATTRIBUTE)) {
      const name = attribute[1]!.toLowerCase();
      if (name !== 'id' && name !== 'name') continue;
      attributes++;
      const value = attribute[2] ?? attribute[3] ?? attribute[4];
      // Copied out of the match so the set does not keep the page's source alive.
      if (value && (name === 'id' || element === 'a')) anchors.push((' ' + value).slice(1));
    }
  }
  return { anchors, attributes };
}

/**
 * Hugo replaces every shortcode by a placeholder before Goldmark sees the page, so a shortcode in a heading is part
 * of its ID as `HAHAHUGOSHORTCODEs<n>HBHB`, n counting the page's top-level shortcodes from 0; a paired one is one
 * placeholder with its content and closing tag. Returns the text Goldmark sees for a piece of the page at `offset`.
 */
function shortcodePlaceholders(source: string): (text: string, offset: number) => string {
  let shortcodes: Array<{ start: number; end: number }> | undefined;
  return (text, offset) => {
    if (!text.includes('{{')) return text;
    shortcodes ??= topLevelShortcodes(source);
    let result = text;
    // From the last, so the offsets of the earlier ones stay valid.
    for (let ordinal = shortcodes.length - 1; ordinal >= 0; ordinal--) {
      const { start, end } = shortcodes[ordinal]!;
      if (start >= offset && end <= offset + text.length)
        result = `${result.slice(0, start - offset)}HAHAHUGOSHORTCODEs${ordinal}HBHB${result.slice(end - offset)}`;
    }
    return result;
  };
}

/** Where each top-level shortcode (not inside a paired one) starts and ends, front matter excluded. */
function topLevelShortcodes(source: string): Array<{ start: number; end: number }> {
  const body = findFrontMatterBlock(source)?.closeLine;
  let from = 0;
  for (let line = 0; body !== undefined && line < body; line++) from = source.indexOf('\n', from) + 1;
  const tags: Array<{ start: number; end: number; name: string; closing: boolean; selfClosing: boolean }> = [];
  for (let start = source.indexOf('{{', from); start !== -1; start = source.indexOf('{{', start + 2)) {
    const kind = source[start + 2];
    if (kind !== '<' && kind !== '%') continue;
    const close = source.indexOf(kind === '<' ? '>}}' : '%}}', start + 3);
    if (close === -1) break;
    const inner = source.slice(start + 3, close).trim();
    tags.push({ start, end: close + 3, name: /^\/?\s*([^\s/]+)/.exec(inner)?.[1] ?? '', closing: inner.startsWith('/'), selfClosing: inner.endsWith('/') });
  }
  const lastClosing = new Map<string, number>();
  tags.forEach((tag, index) => tag.closing && lastClosing.set(tag.name, index));
  const shortcodes: Array<{ start: number; end: number }> = [];
  for (let index = 0; index < tags.length; index++) {
    const tag = tags[index]!;
    if (tag.closing) continue;
    const shortcode = { start: tag.start, end: tag.end };
    shortcodes.push(shortcode);
    if (tag.selfClosing || (lastClosing.get(tag.name) ?? -1) < index) continue;
    // A paired shortcode: what is inside it is its content, not top-level shortcodes.
    let depth = 1;
    while (depth > 0 && ++index < tags.length) {
      const inner = tags[index]!;
      if (inner.name === tag.name && !inner.selfClosing) depth += inner.closing ? -1 : 1;
    }
    shortcode.end = tags[Math.min(index, tags.length - 1)]!.end;
  }
  return shortcodes;
}

/**
 * Every anchor the rendered page has: heading IDs in document order (explicit ones reserved as they come), then HTML
 * ids. A heading's ID comes from its raw last source line, as Goldmark makes it (parser/atx_heading.go
 * `generateAutoHeadingID`): `## See [the policy](/x)` is `see-the-policyx`.
 */
export function documentAnchors(tree: Root, source: string, type: HeadingIdType = 'github'): Set<string> {
  const anchors = new Set<string>();
  const ids = new HeadingIds(anchors, type);
  const placeholders = shortcodePlaceholders(source);
  const htmlValues: string[] = [];
  walkTree(tree, (node) => {
    if (node.type === 'heading') ids.add(headingLastLine(node, source, placeholders));
    else if (node.type === 'html') htmlValues.push(node.value);
  });
  for (const value of htmlValues) for (const anchor of htmlAnchors(value)) anchors.add(anchor);
  return anchors;
}

/** A heading's raw last line without markers (for a setext heading, the line above its underline) and where it starts. */
function headingLastLine(heading: Heading, source: string, placeholders: (text: string, offset: number) => string): string {
  const start = heading.position?.start.offset ?? 0;
  const end = heading.position?.end.offset ?? start;
  if (heading.position?.start.line === heading.position?.end.line) return placeholders(source.slice(start, end), start).replace(ATX_MARKERS, '');
  const underline = source.lastIndexOf('\n', end - 1);
  const lineStart = source.lastIndexOf('\n', underline - 1) + 1;
  const raw = source.slice(Math.max(lineStart, start), underline).replace(/\r$/, '');
  // A line after the first keeps its block quote markers and indentation in the source.
  const text = lineStart > start ? raw.replace(/^[ \t>]*/, '') : raw;
  return placeholders(text, Math.max(lineStart, start) + raw.length - text.length);
}

/** Blockquote markers and list-item markers before a line's content, and the indentation: a heading may sit inside either. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
/** A line that may underline a setext heading, or (with `-`, `*`, `_`) be a thematic break the scan cannot tell from one. */
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const HTML_ANCHOR_HINT = /(?:^|\s)(?:id|name)\s*=/gi;
/** HTML blocks that run past blank lines (CommonMark's type 1): Markdown inside them is text. */
const RAW_HTML_BLOCK = /^<(?:pre|script|style|textarea)(?:[\s>]|$)/i;
/** A shortcode within a line; stopping at braces keeps an unclosed one from being rescanned from each `{{`. */
const SHORTCODE = /\{\{[<%][^{}]*[>%]\}\}/g;
/** Four columns of indentation: indented code, or a paragraph's continuation, which the scan leaves to the parser. */
const DEEP_INDENT = / {4}|\t/;

/**
 * Anchors of a page that is only linked to, not linted, without parsing it, or undefined when the
 * scan cannot be sure: then the page is parsed (`documentAnchors`). Where it answers, it answers
 * exactly what the parse would, so a run's findings never depend on which page was read first.
 * Headings are read from their lines outside code fences and HTML comments, with the same ID
 * code as the parse; it gives up on setext headings, fences inside block quotes or HTML, a list
 * item's fence that a line left of it may end, indented or HTML-block lines that may be headings or
 * anchors, raw `<pre>`-like blocks, unclosed fences or comments, shortcodes in headings, and `id=`
 * it cannot read as a whole tag.
 */
export function pageAnchors(text: string, type: HeadingIdType = 'github'): Set<string> | undefined {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const frontMatter = findFrontMatterBlock(source);
  // Unterminated front matter is Markdown to the parser, not to this scan.
  if (frontMatter && frontMatter.closeLine === undefined) return undefined;
  const lines = source.split(/\r\n|\r|\n/);
  const anchors = new Set<string>();
  const ids = new HeadingIds(anchors, type);
  const htmlIds: string[] = [];
  let paragraph = false;
  /** An open code fence; `column` is its indentation when it is inside a list item (or may be). */
  let fence: { marker: string; column: number } | undefined;
  let comment = false;
  /** Since the last blank line a line started with `<`: a heading or fence there may be HTML text. */
  let htmlBlock = false;
  for (let index = frontMatter?.closeLine ?? 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (fence) {
      // CommonMark's closing fence: up to three spaces, the same character at least as often, nothing after.
      const closing = /^( *)(`{3,}|~{3,})[ \t]*$/.exec(line);
      const closes = closing !== null && closing[2]![0] === fence.marker[0] && closing[2]!.length >= fence.marker.length;
      if (fence.column === 0) {
        if (closes && closing[1]!.length <= 3) fence = undefined;
      } else if (line.trim() !== '') {
        // Inside a list item, a line left of the fence may end the item and the fence with it: the parser knows.
        const indent = /^ */.exec(line)![0].length;
        if (indent < fence.column) return undefined;
        if (closes && indent === fence.column) fence = undefined;
      }
      continue;
    }
    if (comment) {
      const end = line.indexOf('-->');
      if (end === -1) continue;
      // What follows the comment on its last line belongs to the same HTML block.
      if (line.slice(end + 3).trim() !== '') return undefined;
      comment = false;
      htmlBlock = false;
      continue;
    }
    const content = line.replace(CONTAINER_PREFIX, '');
    const prefix = line.slice(0, line.length - content.length);
    if (content.trim() === '') {
      // An empty list item cannot interrupt a paragraph: it may be the paragraph's text.
      if (paragraph && /[-*+]|\d[.)]/.test(prefix)) return undefined;
      paragraph = false;
      htmlBlock = false;
      continue;
    }
    const uncommented = line.replace(HTML_COMMENT, ' ');
    // A comment that opens inside a paragraph line and runs on: the parser decides what it hides.
    if (uncommented.length < line.length && !content.startsWith('<!--') && !line.includes('-->')) return undefined;
    // Shortcode parameters (`{{< label name="x" >}}`) are no HTML to either reader.
    const hints = uncommented.replace(SHORTCODE, ' ').match(HTML_ANCHOR_HINT)?.length ?? 0;
    if (hints > 0) {
      // Code (a span, or indented), an unclosed tag or `id=` outside a tag: the parser knows.
      if (line.includes('`') || DEEP_INDENT.test(prefix)) return undefined;
      const found = readTags(uncommented);
      if (found.attributes < hints) return undefined;
      htmlIds.push(...found.anchors);
    }
    if (content.startsWith('<')) {
      htmlBlock = true;
      if (RAW_HTML_BLOCK.test(content)) return undefined;
    }
    // An HTML comment block is not Markdown: a fence or heading in it is none. It ends on the line with `-->`.
    if (content.startsWith('<!--')) {
      const closed = content.includes('-->', 4);
      if (!closed && prefix !== '') return undefined;
      comment = !closed;
      htmlBlock = false;
      paragraph = false;
      continue;
    }
    if (paragraph && SETEXT_UNDERLINE.test(line)) return undefined;
    const opening = FENCE.exec(content);
    if (opening && !(opening[1]![0] === '`' && opening[2]!.includes('`'))) {
      // Outside HTML and block quotes; indented under a paragraph line, it may be the paragraph's text (`2. ```, `    ````).
      if (htmlBlock || /[>\t]/.test(prefix) || (paragraph && /\d| {4}/.test(prefix))) return undefined;
      fence = { marker: opening[1]!, column: prefix.length };
      paragraph = false;
      continue;
    }
    if (ATX_HEADING.test(content)) {
      if (htmlBlock || DEEP_INDENT.test(prefix) || content.includes('{{')) return undefined;
      ids.add(content.replace(ATX_MARKERS, ''));
      paragraph = false;
    } else {
      paragraph = true;
    }
  }
  if (fence || comment) return undefined;
  for (const id of htmlIds) anchors.add(id);
  return anchors;
}
