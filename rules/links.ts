import { z } from 'zod';
import { defineRule, type DocumentCheckContext } from '../src/engine/types.js';
import { documentAnchors, pageAnchors, type ScannedAnchors } from '../src/links/anchors.js';
import { unsafeToParse } from '../src/model/guards.js';
import { parseMarkdown } from '../src/model/parse.js';
import { buildPageIndex, resolveTarget, type PageIndex, type Resolution } from '../src/links/resolve.js';
import { isExternal } from '../src/links/target.js';
import { anyOf, compileTextPattern, patternSchema } from '../src/model/match.js';
import type { DocumentModel, Link, LinkKind } from '../src/model/types.js';

const options = z
  .object({
    /** Hugo's content directory (repository-relative): where `/handbook/x/` and `{{< ref "/x" >}}` point. */
    contentRoot: z.string().default('content'),
    /** `#anchor` must be an ID the target page renders. */
    checkAnchors: z.boolean().default(true),
    /** Targets (as written) to skip: plain case-insensitive substrings or `/regex/flags`. */
    ignore: z.array(patternSchema).default([]),
  })
  .strict();

type Options = z.output<typeof options>;
type Context = DocumentCheckContext<Options>;

/** A reference's target is checked once, at its definition; autolinks are always URLs. */
const CHECKED_KINDS = new Set<LinkKind>(['inline', 'definition', 'html', 'hugo-ref', 'hugo-relref']);

function pageIndex(ctx: Context): Promise<PageIndex> {
  const { contentRoot } = ctx.options;
  return ctx.project.memo(`links:pages:${contentRoot}`, async () => buildPageIndex(await ctx.project.listFiles(), contentRoot));
}

/**
 * The source of a listed page, or undefined when it is not read (a symbolic link leading outside
 * the repository, not a regular file, over maxFileBytes, not UTF-8, dangling): its anchors are
 * unknown, not none, and nothing of it is quoted.
 */
function readPage(ctx: Context, file: string): string | undefined {
  const read = ctx.project.readText(file);
  return read.ok ? read.source : undefined;
}

/** Anchors of a page, found at most once per run whichever document links to it first: exact for this document, scanned for others. */
function anchorsOf(ctx: Context, file: string, current: DocumentModel): Promise<ScannedAnchors | undefined> {
  return ctx.project.memo(`links:anchors:${file}`, async () => {
    if (file === current.path) return { anchors: documentAnchors(current.tree), certain: true };
    const source = readPage(ctx, file);
    return source === undefined ? undefined : pageAnchors(source);
  });
}

/** Whether a page has an anchor; a page the scan is unsure of is parsed in full before an anchor is called missing. */
async function hasAnchor(ctx: Context, file: string, anchor: string, current: DocumentModel): Promise<boolean> {
  const scanned = await anchorsOf(ctx, file, current);
  if (!scanned || scanned.anchors.has(anchor)) return true;
  if (scanned.certain) return false;
  const parsed = await ctx.project.memo(`links:parsed-anchors:${file}`, async () => {
    const source = readPage(ctx, file);
    return source === undefined || unsafeToParse(source) ? undefined : documentAnchors(parseMarkdown(source));
  });
  return !parsed || parsed.has(anchor);
}

function describe(link: Link): string {
  return link.kind === 'hugo-ref' || link.kind === 'hugo-relref' ? `Hugo ${link.kind.slice(5)} "${link.url}"` : `Link target "${link.url}"`;
}

function problem(link: Link, resolution: Exclude<Resolution, { kind: 'page' | 'external' }>): { message: string; key: string } {
  switch (resolution.kind) {
    case 'url-in-ref':
      return {
        message: `${describe(link)} wraps an absolute URL, which Hugo rejects at build time: use a plain Markdown link`,
        key: `url-in-ref:${link.url}`,
      };
    case 'ambiguous':
      return {
        message: `${describe(link)} is ambiguous: ${resolution.files.length} pages are named "${resolution.name}" (${resolution.files.join(', ')}); write the path`,
        key: `ambiguous:${link.url}`,
      };
    case 'missing':
      return { message: `${describe(link)} does not resolve: tried ${resolution.tried.join(', ')}`, key: `missing:${link.url}` };
  }
}

async function checkLink(doc: DocumentModel, link: Link, index: PageIndex, ctx: Context): Promise<void> {
  const resolution = resolveTarget(link.kind, link.url, doc.path, index);
  if (resolution.kind === 'external') return;
  const at = { line: link.line, column: link.column, endLine: link.endLine, endColumn: link.endColumn };
  if (resolution.kind !== 'page') {
    ctx.report({ ...at, ...problem(link, resolution) });
    return;
  }
  if (!ctx.options.checkAnchors || !resolution.anchor || !/\.(?:md|markdown)$/i.test(resolution.file)) return;
  if (await hasAnchor(ctx, resolution.file, resolution.anchor, doc)) return;
  const where = resolution.file === doc.path ? 'this document' : resolution.file;
  ctx.report({ ...at, message: `${describe(link)}: no heading or anchor "#${resolution.anchor}" in ${where}`, key: `anchor:${link.url}` });
}

export default defineRule({
  meta: {
    id: 'links',
    description: 'Relative links and Hugo refs must resolve to an existing page and heading in the repository',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/links.md',
  },
  async check(doc, ctx) {
    const ignored = anyOf(ctx.options.ignore, compileTextPattern);
    const links = doc.links.filter(
      (link) =>
        CHECKED_KINDS.has(link.kind) &&
        // External URLs need no repository index; a Hugo ref wrapping one is still a finding.
        (link.kind.startsWith('hugo-') || !isExternal(link.url)) &&
        // `<a href="{{< ref "x" >}}">` nests quotes, so the HTML scan sees only `{{< ref `: not a target to judge.
        !link.url.startsWith('{{') &&
        !ignored(link.url),
    );
    if (links.length === 0) return;
    const index = await pageIndex(ctx);
    for (const link of links) await checkLink(doc, link, index, ctx);
  },
});
