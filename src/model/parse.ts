import type { Heading, Html, Nodes, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { REF_SHORTCODE, refOf } from '../links/refs.js';
import { parseFrontMatter } from './frontmatter.js';
import { countLines } from './lines.js';
import type { Directive, DocumentModel, FrontMatter, Link, LinkKind, Section } from './types.js';
import { walkTree } from './walk.js';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);

/**
 * Hugo's `{{< ref "x" >}}` holds spaces, which CommonMark forbids in a link destination, so
 * `[t]({{< ref "x" >}})` would not parse as a link. Swapping each space inside the shortcode for
 * a no-break space keeps every offset (one UTF-16 unit for one) and makes it a valid destination.
 */
const NBSP = '\u00a0';
const REF_DESTINATION = new RegExp(`^(?:${REF_SHORTCODE.source})$`);

function protectHugoRefs(source: string): string {
  if (!source.includes('{{')) return source;
  return source.replace(REF_SHORTCODE, (match) => match.replace(/[ \t]/g, NBSP));
}

/** The Markdown syntax tree of a text, parsed as every document is. */
export function parseMarkdown(source: string): Root {
  return processor.parse(protectHugoRefs(source)) as Root;
}

export interface ParseInput {
  path: string;
  absPath: string;
  /** Decoded text, its byte order mark already dropped by `decodeUtf8`. */
  source: string;
  documentClass: string;
  /** Already parsed during selection; parsed here when not given. */
  frontMatter?: FrontMatter;
}

/** Parses a document once into the model every rule reads. */
export function parseDocumentModel(input: ParseInput): DocumentModel {
  const { source } = input;
  const frontMatter = input.frontMatter ?? parseFrontMatter(source);
  const tree = parseMarkdown(source);
  const { headings, links, htmlNodes } = collect(tree, source);
  const { sections, sectionTree } = buildSections(tree, headings, countLines(source));
  const attachSection = sectionLocator(sections);
  for (const link of links) link.section = attachSection(link.line);
  const title = stringValue(frontMatter.data?.title) ?? sections[0]?.text;
  let lines: string[] | undefined;
  const titleLine = frontMatter.keyLines.get('title') ?? (frontMatter.present ? 1 : (sections[0]?.line ?? 1));
  return {
    path: input.path,
    absPath: input.absPath,
    source,
    // Split on first use: few rules read lines, and splitting every page of a handbook costs time and memory.
    get lines() {
      return (lines ??= source.split(/\r\n|\r|\n/));
    },
    frontMatter,
    tree,
    sections,
    sectionTree,
    links,
    directives: htmlNodes.flatMap(parseDirectives),
    title,
    titleLine,
    documentClass: input.documentClass,
  };
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Lower-cased, HTML-free, `&`→`and`, whitespace collapsed, one trailing colon dropped: how headings and configured names are compared. */
export function normalizeHeading(text: string): string {
  return (
    text
      // A `<` with no `>` after it is kept as text together with the rest, which no later `<` can close either; a
      // plain /<[^>]*>/g would rescan that rest from each of its `<`.
      .replace(/<[^>]*(>?)/g, (tag, closing: string) => (closing ? ' ' : tag))
      .replace(/&amp;/gi, '&')
      .replace(/\s+/g, ' ')
      .trim()
      .replace(/\s*:$/, '')
      .toLowerCase()
      .replace(/\s*&\s*/g, ' and ')
  );
}

interface Collected {
  headings: Heading[];
  links: Link[];
  htmlNodes: Html[];
}

/** One walk over the tree. */
function collect(tree: Root, source: string): Collected {
  const headings: Heading[] = [];
  const links: Link[] = [];
  const htmlNodes: Html[] = [];
  const definitions = new Map<string, string>();
  const references: Array<{ node: Nodes & { identifier: string }; text: string }> = [];
  walkTree(tree, (node) => {
    switch (node.type) {
      case 'heading':
        headings.push(node);
        break;
      case 'html':
        htmlNodes.push(node);
        links.push(...htmlLinks(node));
        break;
      case 'link': {
        // `<https://x>` parses to a link like `[x](x)` does; only its first character tells them apart.
        const kind: LinkKind = source.charCodeAt(node.position?.start.offset ?? 0) === 60 ? 'autolink' : 'inline';
        links.push(makeLink(kind, node.url, toString(node), node));
        break;
      }
      case 'definition':
        if (isFootnoteLabel(node.label ?? node.identifier)) break;
        definitions.set(node.identifier, node.url);
        links.push(makeLink('definition', node.url, node.label ?? node.identifier, node));
        break;
      case 'linkReference':
        references.push({ node, text: toString(node) });
        break;
      default:
        break;
    }
  });
  for (const { node, text } of references) {
    const url = definitions.get(node.identifier);
    if (url !== undefined) links.push(makeLink('reference', url, text, node));
  }
  // Headings are pushed in document order by the pre-order walk; links are sorted for stable output.
  links.sort((a, b) => a.line - b.line || a.column - b.column);
  return { headings, links, htmlNodes };
}

/**
 * `[^note]: text` is a footnote to Goldmark (Hugo) and GitLab, not a link definition, and `[^note]` a link to it; remark-parse
 * (CommonMark, no footnotes) reads a one-word footnote as a definition. As in Goldmark, the label starts with `^` followed
 * by more than spaces (`[^]: x` and `[ ^x]: y` stay definitions); its references then find no definition and are no links.
 */
function isFootnoteLabel(label: string): boolean {
  return label.startsWith('^') && label.slice(1).trim() !== '';
}

function makeLink(kind: LinkKind, rawUrl: string, text: string, node: Nodes): Link {
  const destination = REF_DESTINATION.exec(rawUrl);
  const ref = destination && refOf(destination);
  const start = node.position?.start ?? { line: 1, column: 1 };
  const end = node.position?.end ?? start;
  return {
    kind: ref?.kind ?? kind,
    url: ref?.target ?? rawUrl,
    text,
    line: start.line,
    column: start.column,
    endLine: end.line,
    endColumn: end.column,
    section: undefined,
  };
}

/**
 * `<a ...>` up to its first quoted `href`. A tag without one is consumed whole by the second branch (and skipped):
 * any `<a` inside it would fail the same way, and retrying each would rescan the tag's text once per `<a`.
 */
const HTML_HREF = /<a\s(?:[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)')|[^>]*)/gi;

/**
 * Line and column in the source of increasing offsets into an HTML node's text. Newlines are counted once as the
 * offsets advance, rather than in the whole text before each offset, which grows quadratically with the matches.
 */
function htmlPositions(node: Html): (offset: number) => { line: number; column: number } {
  const start = node.position?.start ?? { line: 1, column: 1 };
  let lines = 0;
  let lastNewline = -1;
  let nextNewline = node.value.indexOf('\n');
  return (offset) => {
    while (nextNewline !== -1 && nextNewline < offset) {
      lines++;
      lastNewline = nextNewline;
      nextNewline = node.value.indexOf('\n', nextNewline + 1);
    }
    return { line: start.line + lines, column: lines === 0 ? start.column + offset : offset - lastNewline };
  };
}

function htmlLinks(node: Html): Link[] {
  if (!node.value.includes('href')) return [];
  const found: Link[] = [];
  const positionOf = htmlPositions(node);
  for (const match of node.value.matchAll(HTML_HREF)) {
    if (match[1] === undefined && match[2] === undefined) continue;
    const { line, column } = positionOf(match.index);
    const url = match[1] ?? match[2]!;
    const link = makeLink('html', url.replace(/ /g, NBSP), '', node);
    found.push({ ...link, line, column, endLine: line, endColumn: column + match[0].length });
  }
  return found;
}

/**
 * Every `<!-- policylint-… -->` comment: group 1 is the keyword, group 2 the rest of the comment.
 * The keyword runs up to whitespace, `--` or the comment's end (`-->`), so `disable-line` is never
 * read as `disable` of a rule `-line`; a keyword policylint does not know (`disable-lines`,
 * `disablex`) makes an `unknown` directive, reported rather than ignored. An unclosed comment is
 * consumed whole by the second branch (and skipped): no later directive in it can close either.
 */
const DIRECTIVE = /<!--\s*policylint-([^\s-]*(?:-(?!-)[^\s-]*)*)(?:([\s\S]*?)-->|[\s\S]*)/g;
const DIRECTIVE_KINDS: ReadonlySet<string> = new Set<Directive['kind']>(['disable', 'enable', 'disable-line', 'disable-next-line']);
/** ` -- ` starts the reason; so does a `--` right after the keyword (`policylint-disable-- why`). */
const REASON = /(?:^|\s)--(?:\s|$)/;

function parseDirectives(node: Html): Directive[] {
  if (!node.value.includes('policylint-')) return [];
  const positionOf = htmlPositions(node);
  const directives: Directive[] = [];
  for (const match of node.value.matchAll(DIRECTIVE)) {
    const [text, keyword = '', rest] = match;
    if (rest === undefined) continue;
    const reasonAt = rest.includes('--') ? REASON.exec(rest) : null;
    const list = reasonAt ? rest.slice(0, reasonAt.index) : rest;
    const reason = reasonAt ? rest.slice(reasonAt.index + reasonAt[0].length).trim() : '';
    const { line, column } = positionOf(match.index);
    directives.push({
      kind: DIRECTIVE_KINDS.has(keyword) ? (keyword as Directive['kind']) : 'unknown',
      keyword,
      // Split on commas and whitespace only: ids are checked against the registry by the engine, exactly as written.
      ruleIds: list.split(/[\s,]+/).filter(Boolean),
      reason: reason || undefined,
      line,
      column,
      endLine: line + text.split('\n').length - 1,
    });
  }
  return directives;
}

/** Builds the section tree from top-level headings (headings inside lists or quotes do not open sections). */
function buildSections(tree: Root, allHeadings: Heading[], lineCount: number): { sections: Section[]; sectionTree: Section[] } {
  const topLevel = new Set<RootContent>(tree.children);
  const headings = allHeadings.filter((h) => topLevel.has(h));
  const sections: Section[] = [];
  const sectionTree: Section[] = [];
  const open: Section[] = [];
  const children = tree.children;
  const indexOf = new Map<RootContent, number>(children.map((node, i) => [node, i]));
  for (const heading of headings) {
    const text = toString(heading, { includeHtml: false }).trim();
    const line = heading.position?.start.line ?? 1;
    const section: Section = {
      level: heading.depth,
      text,
      normalized: normalizeHeading(text),
      heading,
      line,
      endLine: lineCount,
      hasContent: false,
      children: [],
      parent: undefined,
    };
    while (open.length > 0 && open[open.length - 1]!.level >= section.level) {
      closeSection(open.pop()!, line - 1);
    }
    const parent = open[open.length - 1];
    section.parent = parent;
    (parent ? parent.children : sectionTree).push(section);
    open.push(section);
    sections.push(section);
    section.hasContent = hasContentBelow(children, indexOf.get(heading)!, section.level);
  }
  for (const section of open) closeSection(section, lineCount);
  return { sections, sectionTree };
}

function closeSection(section: Section, endLine: number): void {
  section.endLine = Math.max(section.line, endLine);
}

function hasContentBelow(children: RootContent[], headingIndex: number, level: number): boolean {
  for (let i = headingIndex + 1; i < children.length; i++) {
    const node = children[i]!;
    if (node.type === 'heading' && node.depth <= level) return false;
    if (node.type === 'html' && /^<!--[\s\S]*-->$/.test(node.value.trim())) continue;
    return true;
  }
  return false;
}

function sectionLocator(sections: Section[]): (line: number) => Section | undefined {
  // Sections nest, so the innermost one holding a line is the last one starting at or before it, or one of its ancestors.
  return (line) => {
    let low = 0;
    let high = sections.length - 1;
    let last = -1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (sections[mid]!.line <= line) {
        last = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    let section = last >= 0 ? sections[last] : undefined;
    while (section && section.endLine < line) section = section.parent;
    return section;
  };
}
