import type { Heading, Nodes, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { findFrontMatterBlock } from '../model/frontmatter.js';
import { unsafeToParse } from '../model/guards.js';
import { parseMarkdown } from '../model/parse.js';

/**
 * Goldmark's `{#id .class key=value}` heading attributes, which Hugo enables by default; the block is not part of the
 * heading text. The spaces before it are left to `headingSlug`'s trim: matched here, every space of a long run would
 * start a scan to the run's end.
 */
const HEADING_ATTRIBUTES = /\{\s*((?:[#.]|[\w-]+=)[^{}]*)\}\s*$/;
const EXPLICIT_ID = /(?:^|\s)#([^\s}]+)/;
/** `id` / `name` attributes in raw HTML are anchors a browser scrolls to as well. */
const HTML_ANCHOR = /\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi;
const SLUG_CHARACTER = /[\p{L}\p{Nd}_]/u;

/**
 * Hugo's default heading ID (Goldmark with `autoHeadingIDType: github`): trimmed text, each space
 * or hyphen becomes `-`, letters, digits and `_` are kept lower-cased, everything else is dropped.
 */
export function headingSlug(text: string): string {
  let slug = '';
  for (const character of text.trim()) {
    if (character === ' ' || character === '-') slug += '-';
    else if (SLUG_CHARACTER.test(character)) slug += character.toLowerCase();
  }
  return slug;
}

/** Goldmark's ID factory: an empty slug becomes `heading`, a taken one gets `-1`, `-2`, ... */
class HeadingIds {
  /** Per base, the suffix last given: the ones below it are taken for good, so the n-th repeat of a heading is not n lookups. */
  private readonly lastSuffix = new Map<string, number>();

  constructor(private readonly taken: Set<string>) {}

  unique(slug: string): string {
    const base = slug === '' ? 'heading' : slug;
    let suffix = this.lastSuffix.get(base) ?? 0;
    let id = suffix === 0 ? base : `${base}-${suffix}`;
    while (this.taken.has(id)) id = `${base}-${++suffix}`;
    this.lastSuffix.set(base, suffix);
    return id;
  }
}

/** Every anchor the rendered page has: heading IDs in document order (explicit ones reserved as they come), then HTML ids. */
export function documentAnchors(tree: Root): Set<string> {
  const anchors = new Set<string>();
  const ids = new HeadingIds(anchors);
  const htmlValues: string[] = [];
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'heading') anchors.add(headingId(node, ids));
    else if (node.type === 'html') htmlValues.push(node.value);
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  addHtmlAnchors(anchors, htmlValues);
  return anchors;
}

function addHtmlAnchors(anchors: Set<string>, htmlValues: readonly string[]): void {
  for (const value of htmlValues) {
    // Copied out of the match so the set does not keep the page's source alive.
    for (const match of value.matchAll(HTML_ANCHOR)) anchors.add((' ' + (match[1] ?? match[2] ?? '')).slice(1));
  }
}

function headingId(heading: Heading, ids: HeadingIds): string {
  return idFromText(toString(heading, { includeHtml: false }), ids);
}

function idFromText(text: string, ids: HeadingIds): string {
  const attributes = HEADING_ATTRIBUTES.exec(text);
  const explicit = attributes ? EXPLICIT_ID.exec(attributes[1]!)?.[1] : undefined;
  if (explicit) return explicit;
  return ids.unique(headingSlug(attributes ? text.slice(0, attributes.index) : text));
}

/** Blockquote markers and list-item markers before a line's content: a heading may sit inside either. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const DEFINITION = /^\[[^\]]+\]:/;
const HTML_ANCHOR_HINT = /(?:^|\s)(?:id|name)\s*=/i;
/** HTML blocks that run past blank lines (CommonMark's type 1): Markdown inside them is text. */
const RAW_HTML_BLOCK = /^<(?:pre|script|style|textarea)(?:[\s>]|$)/i;
/** Characters that may start inline markup (emphasis, code, links, HTML, escapes, entities): without them a heading's text is its source. */
const INLINE_MARKUP = /[\\`*_[\]<>&]/;
/** The closing `#`s are matched from the start of the space run before them only, not from each of its spaces. */
const ATX_MARKERS = /^#{1,6}|(?:^|(?<![ \t])[ \t]+)#+[ \t]*$/g;

export interface ScannedAnchors {
  anchors: Set<string>;
  /**
   * False when the page has a construct the scan only approximates (a fence inside a list or
   * block quote, an unclosed fence or comment, raw HTML around a fence, a setext heading, a
   * heading text that uses reference definitions): an anchor the scan did not find must then
   * be confirmed by a full parse before it is reported missing.
   */
  certain: boolean;
}

/**
 * Anchors of a page that is only linked to, not linted, without parsing it: the lines that can
 * make an anchor (headings, the reference definitions their text may use, lines with an HTML
 * `id`/`name`) are picked out of the source outside code fences and HTML comments. Plain
 * headings get their IDs from their text; only headings with inline markup are parsed. Where
 * the page is `certain`, the scan finds every anchor the full parse finds (check-corpus verifies
 * this on a whole handbook); it may find a few more (a heading inside an HTML block), which can
 * hide a broken anchor but never report a good one.
 */
export function pageAnchors(text: string): ScannedAnchors {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = source.split(/\r\n|\r|\n/);
  const picked: string[] = [];
  // Texts of the headings while every one so far is plain text: then nothing needs parsing at all.
  let plainHeadings: string[] | undefined = [];
  const htmlLines: string[] = [];
  let certain = true;
  let paragraph: string[] = [];
  let fence: { marker: string; column: number; topLevel: boolean } | undefined;
  let comment = false;
  /** Since the last blank line a line started with `<`: a fence there may be HTML text. */
  let htmlBlock = false;
  const frontMatter = findFrontMatterBlock(source);
  // Unterminated front matter is Markdown to the parser, not to this scan.
  if (frontMatter && frontMatter.closeLine === undefined) certain = false;
  for (let index = frontMatter?.closeLine ?? 0; index < lines.length; index++) {
    const line = lines[index]!;
    const content = line.replace(CONTAINER_PREFIX, '');
    const prefix = line.length - content.length;
    if (fence) {
      if (fence.topLevel) {
        // CommonMark's closing fence: up to three spaces, the same character at least as often, nothing after.
        const closing = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
        if (closing && closing[1]![0] === fence.marker[0] && closing[1]!.length >= fence.marker.length) fence = undefined;
        continue;
      }
      if (content.startsWith(fence.marker) && content.replace(/^[`~]+/, '').trim() === '') {
        fence = undefined;
        continue;
      }
      // A fence inside a list item or block quote ends with its container, closed or not.
      const outdented = content !== '' && line.length - line.trimStart().length < fence.column && !line.trimStart().startsWith('>');
      if (!outdented) continue;
      fence = undefined;
    }
    // Raw lines, so that an attribute on a tag's second line counts; comments too, as in the full parse.
    if (HTML_ANCHOR_HINT.test(line)) {
      htmlLines.push(` ${line}`);
      // `id=` with its value on the next line: the scan cannot read it.
      if (` ${line}`.match(HTML_ANCHOR) === null) certain = false;
    }
    if (comment) {
      if (line.includes('-->')) comment = false;
      continue;
    }
    // `- ` under a paragraph line underlines a setext heading; CONTAINER_PREFIX would take it for an empty list item.
    if (paragraph.length > 0 && /^ {0,3}(?:=+|-+)[ \t]*$/.test(line)) {
      picked.push(...paragraph, line.trim(), '');
      paragraph = [];
      plainHeadings = undefined;
      certain = false;
      continue;
    }
    if (content.trim() === '') {
      // An empty list item cannot interrupt a paragraph: it may be the paragraph's text.
      if (paragraph.length > 0 && /^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]*$/.test(line)) certain = false;
      paragraph = [];
      htmlBlock = false;
      continue;
    }
    if (content.startsWith('<')) {
      htmlBlock = true;
      if (RAW_HTML_BLOCK.test(content)) certain = false;
    }
    // An HTML comment block is not Markdown: a fence or heading in it is none.
    if (content.startsWith('<!--') && !content.includes('-->', 4)) {
      comment = true;
      certain = false;
      paragraph = [];
      continue;
    }
    const opening = FENCE.exec(content);
    if (opening && !(opening[1]![0] === '`' && opening[2]!.includes('`'))) {
      // Only a fence in the first column is surely outside any list item or block quote.
      const topLevel = prefix === 0;
      if (!topLevel || htmlBlock) certain = false;
      fence = { marker: opening[1]!, column: prefix, topLevel };
      paragraph = [];
      continue;
    }
    if (ATX_HEADING.test(content)) {
      picked.push(content, '');
      paragraph = [];
      if (plainHeadings && !INLINE_MARKUP.test(content)) plainHeadings.push(content.replace(ATX_MARKERS, '').trim());
      else plainHeadings = undefined;
    } else if (DEFINITION.test(content)) {
      // Also kept in the paragraph: it may be the first line of a setext heading.
      picked.push(content, '');
      paragraph.push(content);
    } else if (paragraph.length > 0 && SETEXT_UNDERLINE.test(content)) {
      picked.push(...paragraph, content, '');
      paragraph = [];
      plainHeadings = undefined;
      certain = false;
    } else {
      paragraph.push(content);
    }
  }
  if (fence || comment) certain = false;
  let anchors: Set<string>;
  if (plainHeadings) {
    anchors = new Set<string>();
    const ids = new HeadingIds(anchors);
    for (const heading of plainHeadings) anchors.add(idFromText(heading, ids));
  } else {
    // A reference in a heading reads definitions the scan may have got wrong (paragraph text, a label over two lines).
    if (picked.some((pickedLine) => pickedLine.includes('['))) certain = false;
    const text = picked.join('\n');
    // A page no document would be parsed from is not parsed here either: its anchors stay unknown.
    if (unsafeToParse(text)) return { anchors: new Set(), certain: false };
    anchors = documentAnchors(parseMarkdown(text));
  }
  addHtmlAnchors(anchors, htmlLines);
  return { anchors, certain };
}
