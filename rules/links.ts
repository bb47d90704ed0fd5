import path from 'node:path';
import { z } from 'zod';
import { defineRule, type DocumentCheckContext, type Report } from '../src/engine/types.js';
import { documentAnchors, HEADING_ID_TYPES, pageAnchors } from '../src/links/anchors.js';
import { tomlAliases } from '../src/links/aliases.js';
import { hugoRefs } from '../src/links/refs.js';
import { buildSiteIndex, pageUrl, resolveTarget, type Resolution, type SiteIndex } from '../src/links/resolve.js';
import { isExternal } from '../src/links/target.js';
import { parseFrontMatter } from '../src/model/frontmatter.js';
import { unsafeToParse } from '../src/model/guards.js';
import { matchesAny, patternSchema, plainText } from '../src/model/match.js';
import { parseMarkdown } from '../src/model/parse.js';
import { walkTree } from '../src/model/walk.js';
import type { DocumentModel, FrontMatter, Link, LinkKind } from '../src/model/types.js';
import { decodeUtf8 } from '../src/select/read.js';

const options = z.strictObject({
  contentRoot: z
    .string()
    .default('content')
    .describe(
      'Hugo\'s content directory, relative to the repository root: where `/handbook/x/` and `{{< ref "/x" >}}` point. `.` for a repository of plain Markdown.',
    ),
  staticDirs: z
    .array(z.string())
    .default(['static'])
    .describe(
      "Hugo's `staticDir` folders, relative to the repository root: their files are served at the site's root (`static/files/a.pdf` at `/files/a.pdf`).",
    ),
  languages: z
    .array(z.string().regex(/^[\w-]+$/))
    .default([])
    .describe('Languages of a multilingual Hugo site that translates by file name: `x.ja.md` is the page `/ja/x/`.'),
  autoHeadingIDType: z
    .enum(HEADING_ID_TYPES)
    .default('github')
    .describe('How Hugo makes heading IDs: its `markup.goldmark.parser.autoHeadingIDType` (`autoIDType` from Hugo 0.144).'),
  checkAnchors: z.boolean().default(true).describe("Check that a link's `#anchor` is a heading or anchor ID on the target page."),
  ignore: z
    .array(patternSchema(plainText.substring))
    // `prefault`: a default the JSON Schema can show for an option compiled at load.
    .prefault([])
    .describe(
      'Targets to skip, compared with the target as written (for a Hugo ref, its quoted argument): plain text is a case-insensitive substring, `/source/flags` a regular expression.',
    ),
});

/** `{{link}}` is the link as its author wrote it: `Link target "../x/"` or `Hugo ref "x"`. */
const messages = {
  missing: '{{link}} leads to no page or file',
  ambiguous: '{{link}} matches more than one page named "{{name}}"',
  anchor: '{{link}}: {{page}} has no heading or anchor "#{{anchor}}"',
  aliasAnchor: '{{link}} is an alias of {{page}}: the redirect drops "#{{anchor}}"',
} as const;

type Options = z.output<typeof options>;
type Context = DocumentCheckContext<Options, keyof typeof messages>;

/** A reference's target is checked once, at its definition; autolinks are always URLs; refs are found by `hugoRefs`. */
const CHECKED_KINDS = new Set<LinkKind>(['inline', 'definition', 'html']);

/** What the site index and the aliases depend on: classes with the same site options share them. */
function siteKey(ctx: Context): string {
  const { contentRoot, staticDirs, languages } = ctx.options;
  return JSON.stringify([contentRoot, staticDirs, languages]);
}

function siteIndex(ctx: Context): Promise<SiteIndex> {
  const { contentRoot, staticDirs, languages } = ctx.options;
  return ctx.project.memo(`links:site:${siteKey(ctx)}`, async () => buildSiteIndex(await ctx.project.listFiles(), { contentRoot, staticDirs, languages }));
}

/**
 * The source of a listed page, or undefined when it is not read (a symbolic link leading outside
 * the repository, not a regular file, over maxFileBytes, not UTF-8, dangling): its anchors and
 * aliases are unknown, not none, and nothing of it is quoted.
 */
function readPage(ctx: Context, file: string): string | undefined {
  const read = ctx.project.readText(file);
  // readText decodes as decodeUtf8 does: the byte order mark is already gone.
  return read.ok ? read.source : undefined;
}

/**
 * A page's anchors, found once per run: from this document's own tree, else by the quick scan, else
 * by a full parse where the scan is unsure. All three give the same answer, so findings never
 * depend on which documents a run holds or which of them links first.
 */
function anchorsOf(ctx: Context, file: string, current: DocumentModel): Promise<Set<string> | undefined> {
  const type = ctx.options.autoHeadingIDType;
  return ctx.project.memo(`links:anchors:${type}:${file}`, async () => {
    if (file === current.path) return documentAnchors(current.tree, current.source, type);
    const source = readPage(ctx, file);
    if (source === undefined) return undefined;
    // A page no document would be parsed from is not parsed here either: its anchors stay unknown.
    return pageAnchors(source, type) ?? (unsafeToParse(source) ? undefined : documentAnchors(parseMarkdown(source), source, type));
  });
}

interface Alias {
  file: string;
  alias: string;
}

/** The `aliases` front matter of each document this run has checked, by path: the alias index takes them from here instead of reading the page again. */
function checkedAliases(ctx: Context): Promise<Map<string, unknown>> {
  return ctx.project.memo('links:checked-aliases', () => Promise.resolve(new Map<string, unknown>()));
}

/**
 * Alias URL (as written, no trailing slash: Hugo keeps an alias's case) → the page whose `aliases:` front matter makes it, built
 * on the first link that finds no page. Hugo writes a relative alias beside the page's URL
 * (`aliases: [old]` on `/a/b/` is `/a/old/`). Documents already checked give their parsed front
 * matter; other pages are searched as bytes, and only the few whose front matter says `aliases`
 * are decoded and their YAML parsed.
 */
function aliasIndex(ctx: Context, index: SiteIndex): Promise<ReadonlyMap<string, Alias>> {
  return ctx.project.memo(`links:aliases:${siteKey(ctx)}`, async () => {
    const checked = await checkedAliases(ctx);
    // One `git grep` names the few pages that say `aliases` at all, instead of opening every page of the site.
    const mentioning = await ctx.project.filesContaining(ALIASES_KEY, index.contentRoot);
    const aliases = new Map<string, Alias>();
    for (const file of index.files) {
      const url = pageUrl(file, index);
      if (url === undefined) continue;
      const listed = checked.has(file) ? checked.get(file) : mentioning && !mentioning.has(file) ? undefined : readAliases(ctx, file);
      for (const alias of Array.isArray(listed) ? listed : []) {
        if (typeof alias !== 'string' || alias.trim() === '') continue;
        const absolute = alias.startsWith('/') ? alias : path.posix.join(path.posix.dirname(url.replace(/\/$/, '') || '/'), alias);
        aliases.set(aliasKey(absolute), { file, alias: absolute });
      }
    }
    return aliases;
  });
}

/** A page's `aliases` front matter, YAML or TOML, read from the file; undefined when it cannot be read or has none. */
function readAliases(ctx: Context, file: string): unknown {
  const read = ctx.project.readBytes(file);
  if (!read.ok || !mentionsAliases(read.data)) return undefined;
  const source = decodeUtf8(read.data);
  return aliasesOf(parseFrontMatter(source), source);
}

/** The `aliases` of a page's front matter: YAML's, else TOML's (which the front matter parser does not read). */
function aliasesOf(frontMatter: Pick<FrontMatter, 'data'>, source: string): unknown {
  return frontMatter.data?.aliases ?? tomlAliases(source);
}

/** The fences of YAML and of TOML front matter. */
const FENCES = ['---', '+++'].map((fence) => Buffer.from(fence));
const ALIASES_KEY = 'aliases';
const ALIASES = Buffer.from(ALIASES_KEY);

/** Whether a page's front matter (`---` or `+++` on its first line, a byte order mark aside) has the word `aliases` before its closing fence. */
function mentionsAliases(data: Buffer): boolean {
  const start = data[0] === 0xef ? 3 : 0;
  const fence = FENCES.find((candidate) => data.compare(candidate, 0, 3, start, start + 3) === 0);
  if (!fence) return false;
  const at = data.indexOf(ALIASES, start + 3);
  return at !== -1 && data.lastIndexOf(`\n${fence.toString()}`, at) < start;
}

function aliasKey(url: string): string {
  return url.replace(/(?<!\/)\/+$/, '') || '/';
}

/** What Goldmark's task-list marker holds between its brackets: `[x]`, `[X]` or `[ ]`. */
const TASK_MARK = '[\\t\\n\\f\\r xX]';
/** The marker, with or without a space after it (GitLab, like GFM, wants one). */
const TASK_MARKER = new RegExp(`^\\[${TASK_MARK}\\]`);
/** A link whose whole text is a marker's mark, `[x](/url)`: it may be a checkbox. */
const TASK_MARK_TEXT = new RegExp(`^${TASK_MARK}$`);

/**
 * Where Goldmark sees a task checkbox, not a link: `- [x](/url)` renders `<input checked> (/url)`. Hugo 0.111's
 * Goldmark takes the marker anywhere in a list item's first block, if that holds text. Links are named by the line and
 * column of their `[`.
 */
function taskCheckboxes(doc: DocumentModel): Set<string> {
  const found = new Set<string>();
  walkTree(doc.tree, (node) => {
    const first = node.type === 'listItem' ? node.children[0] : undefined;
    // The block Goldmark reads the marker in: a paragraph or heading, not a quote or list holding one.
    if (first?.type !== 'paragraph' && first?.type !== 'heading') return;
    walkTree(first, (inner) => {
      const start = inner.position?.start;
      if (inner.type === 'link' && start?.offset !== undefined && TASK_MARKER.test(doc.source.slice(start.offset, start.offset + 3))) {
        found.add(`${start.line}:${start.column}`);
      }
    });
  });
  return found;
}

function describe(link: Link): string {
  return link.kind === 'hugo-ref' || link.kind === 'hugo-relref' ? `Hugo ${link.kind.slice(5)} "${link.url}"` : `Link target "${link.url}"`;
}

type Problem = Pick<Report<keyof typeof messages>, 'messageId' | 'data' | 'details'>;

function problem(link: Link, resolution: Extract<Resolution, { kind: 'missing' | 'ambiguous' }>): Problem {
  const data = { link: describe(link) };
  if (resolution.kind === 'ambiguous') {
    return {
      messageId: 'ambiguous',
      data: { ...data, name: resolution.name },
      details: `Pages with that name: ${resolution.files.join(', ')}. Write the path of the one you mean.`,
    };
  }
  return { messageId: 'missing', data, details: [`Tried ${resolution.tried.join(', ')}.`, resolution.hint].filter(Boolean).join(' ') };
}

async function checkLink(doc: DocumentModel, link: Link, index: SiteIndex, ctx: Context): Promise<void> {
  const resolution = resolveTarget(link.kind, link.url, doc.path, index);
  if (resolution.kind === 'external') return;
  const at = { line: link.line, column: link.column, endLine: link.endLine, endColumn: link.endColumn };
  if (resolution.kind === 'missing' && resolution.url !== undefined) {
    const alias = (await aliasIndex(ctx, index)).get(aliasKey(resolution.url));
    if (alias) {
      const { anchor } = resolution;
      if (!anchor) return;
      ctx.report({
        ...at,
        severity: 'warn',
        messageId: 'aliasAnchor',
        data: { link: describe(link), page: alias.file, anchor },
        details: `${alias.alias} is an alias in the front matter of ${alias.file}: Hugo serves a redirect to ${pageUrl(alias.file, index)}, and the browser does not keep the anchor. Link to ${pageUrl(alias.file, index)}#${anchor}.`,
      });
      return;
    }
  }
  if (resolution.kind !== 'page') {
    ctx.report({ ...at, ...problem(link, resolution) });
    return;
  }
  const { file, anchor } = resolution;
  if (!ctx.options.checkAnchors || !anchor || file === undefined || !/\.(?:md|markdown)$/i.test(file)) return;
  const anchors = await anchorsOf(ctx, file, doc);
  if (!anchors || anchors.has(anchor)) return;
  ctx.report({
    ...at,
    messageId: 'anchor',
    data: { link: describe(link), page: file === doc.path ? 'this document' : file, anchor },
    details:
      'Hugo makes a heading\'s ID from its source line as written: lower case, spaces become "-", letters, digits and "_" are kept, everything else is dropped ("## Roles & [RACI](/r)" → "roles--racir").',
  });
}

export default defineRule({
  meta: {
    id: 'links',
    description: 'Relative links and Hugo refs must resolve to a page Hugo publishes, and their anchors to an ID on it',
    defaultSeverity: 'error',
    options,
    messages,
  },
  async check(doc, ctx) {
    (await checkedAliases(ctx)).set(doc.path, aliasesOf(doc.frontMatter, doc.source));
    const links = [
      ...doc.links.filter(
        (link) =>
          CHECKED_KINDS.has(link.kind) &&
          !isExternal(link.url) &&
          // A shortcode in a link target (`<a href="{{< ref "x" >}}">`): refs come from `hugoRefs`, others are unknown until built.
          !link.url.startsWith('{{'),
      ),
      ...hugoRefs(doc.source),
    ]
      .filter((link) => !matchesAny(ctx.options.ignore, link.url))
      .sort((a, b) => a.line - b.line || a.column - b.column);
    if (links.length === 0) return;
    const index = await siteIndex(ctx);
    // Only Hugo reads a task marker without a space after it; a page it does not publish is GitLab's to render.
    const maybeCheckbox = (link: Link) => link.kind === 'inline' && TASK_MARK_TEXT.test(link.text);
    const checkboxes = links.some(maybeCheckbox) && pageUrl(doc.path, index) !== undefined ? taskCheckboxes(doc) : undefined;
    for (const link of links) if (!checkboxes?.has(`${link.line}:${link.column}`)) await checkLink(doc, link, index, ctx);
  },
});
