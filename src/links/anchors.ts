import type { Heading, Nodes, Root } from 'mdast';
import { toString } from 'mdast-util-to-string';
import { findFrontMatterBlock } from '../model/frontmatter.js';
import { parseMarkdown } from '../model/parse.js';

/** Goldmark's `{#id .class key=value}` heading attributes, which Hugo enables by default; the block is not part of the heading text. */
const HEADING_ATTRIBUTES = /\s*\{\s*((?:[#.]|[\w-]+=)[^{}]*)\}\s*$/;
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
function uniqueId(slug: string, taken: Set<string>): string {
  const base = slug === '' ? 'heading' : slug;
  let id = base;
  for (let n = 1; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** Every anchor the rendered page has: heading IDs in document order (explicit ones reserved as they come), then HTML ids. */
export function documentAnchors(tree: Root): Set<string> {
  const anchors = new Set<string>();
  const htmlValues: string[] = [];
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'heading') anchors.add(headingId(node, anchors));
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

function headingId(heading: Heading, taken: Set<string>): string {
  return idFromText(toString(heading, { includeHtml: false }), taken);
}

function idFromText(text: string, taken: Set<string>): string {
  const attributes = HEADING_ATTRIBUTES.exec(text);
  const explicit = attributes ? EXPLICIT_ID.exec(attributes[1]!)?.[1] : undefined;
  if (explicit) return explicit;
  return uniqueId(headingSlug(attributes ? text.slice(0, attributes.index) : text), taken);
}

/** Blockquote markers and list-item markers before a line's content: a heading may sit inside either. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])))*[ \t]*/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
const SETEXT_UNDERLINE = /^(?:=+|-+)[ \t]*$/;
const DEFINITION = /^\[[^\]]+\]:/;
const HTML_ANCHOR_HINT = /\s(?:id|name)\s*=/i;
/** Characters that may start inline markup (emphasis, code, links, HTML, escapes, entities): without them a heading's text is its source. */
const INLINE_MARKUP = /[\\`*_[\]<>&]/;
const ATX_MARKERS = /^#{1,6}|(?:^|[ \t]+)#+[ \t]*$/g;

/**
 * Anchors of a page that is only linked to, not linted: the lines that can make an anchor
 * (headings, reference definitions their text may use, lines with an HTML `id`/`name`) are
 * picked out of the source outside code fences and only they are parsed, which costs a small
 * fraction of parsing the whole page. It may find an anchor the full parse would not (a heading
 * inside an HTML block, say), never miss one: a missing anchor would be a false finding.
 */
export function pageAnchors(text: string): Set<string> {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = source.split(/\r\n|\r|\n/);
  const picked: string[] = [];
  // Texts of the headings while every one so far is plain text: then nothing needs parsing at all.
  let plainHeadings: string[] | undefined = [];
  const htmlLines: string[] = [];
  let paragraph: string[] = [];
  let fence: { marker: string; column: number } | undefined;
  let comment = false;
  for (let index = findFrontMatterBlock(source)?.closeLine ?? 0; index < lines.length; index++) {
    const line = lines[index]!;
    const content = line.replace(CONTAINER_PREFIX, '');
    if (fence) {
      if (content.startsWith(fence.marker) && content.replace(/^[`~]+/, '').trim() === '') {
        fence = undefined;
        continue;
      }
      // A fence inside a list item or block quote ends with its container, closed or not.
      const outdented = content !== '' && line.length - line.trimStart().length < fence.column && !line.trimStart().startsWith('>');
      if (!outdented) continue;
      fence = undefined;
    }
    if (comment) {
      if (line.includes('-->')) comment = false;
      continue;
    }
    // An HTML comment block is not Markdown: a fence or heading in it is none.
    if (content.startsWith('<!--') && !content.includes('-->', 4)) {
      comment = true;
      paragraph = [];
      continue;
    }
    const opening = FENCE.exec(content);
    if (opening && !(opening[1]![0] === '`' && opening[2]!.includes('`'))) {
      fence = { marker: opening[1]!, column: line.length - content.length };
      paragraph = [];
      continue;
    }
    if (content.trim() === '') {
      paragraph = [];
      continue;
    }
    if (ATX_HEADING.test(content)) {
      picked.push(content, '');
      paragraph = [];
      if (plainHeadings && !INLINE_MARKUP.test(content)) plainHeadings.push(content.replace(ATX_MARKERS, '').trim());
      else plainHeadings = undefined;
    } else if (DEFINITION.test(content) || HTML_ANCHOR_HINT.test(content)) {
      // Also kept in the paragraph: it may be the first line of a setext heading.
      picked.push(content, '');
      paragraph.push(content);
      htmlLines.push(content);
    } else if (paragraph.length > 0 && SETEXT_UNDERLINE.test(content)) {
      picked.push(...paragraph, content, '');
      paragraph = [];
      plainHeadings = undefined;
    } else {
      paragraph.push(content);
    }
  }
  if (!plainHeadings) return documentAnchors(parseMarkdown(picked.join('\n')));
  const anchors = new Set<string>();
  for (const text of plainHeadings) anchors.add(idFromText(text, anchors));
  addHtmlAnchors(anchors, htmlLines);
  return anchors;
}
