import type { Heading, Html, Nodes } from 'mdast';
import { toString } from 'mdast-util-to-string';
import type { DocumentModel } from '../model/types.js';

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
export function documentAnchors(doc: DocumentModel): Set<string> {
  const anchors = new Set<string>();
  const htmlNodes: Html[] = [];
  const stack: Nodes[] = [doc.tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'heading') anchors.add(headingId(node, anchors));
    else if (node.type === 'html') htmlNodes.push(node);
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  for (const node of htmlNodes) {
    for (const match of node.value.matchAll(HTML_ANCHOR)) anchors.add(match[1] ?? match[2] ?? '');
  }
  return anchors;
}

function headingId(heading: Heading, taken: Set<string>): string {
  const text = toString(heading, { includeHtml: false });
  const attributes = HEADING_ATTRIBUTES.exec(text);
  const explicit = attributes ? EXPLICIT_ID.exec(attributes[1]!)?.[1] : undefined;
  if (explicit) return explicit;
  return uniqueId(headingSlug(attributes ? text.slice(0, attributes.index) : text), taken);
}
