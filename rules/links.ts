import { z } from 'zod';
import { defineRule, type DocumentCheckContext, type Report } from '../src/engine/types.js';
import { documentAnchors, pageAnchors, type ScannedAnchors } from '../src/links/anchors.js';
import { unsafeToParse } from '../src/model/guards.js';
import { parseMarkdown } from '../src/model/parse.js';
import { buildPageIndex, resolveTarget, type PageIndex, type Resolution } from '../src/links/resolve.js';
import { isExternal } from '../src/links/target.js';
import { matchesAny, patternSchema, plainText } from '../src/model/match.js';
import type { DocumentModel, Link, LinkKind } from '../src/model/types.js';

const options = z.strictObject({
  contentRoot: z
    .string()
    .default('content')
    .describe("Hugo's content directory, relative to the repository root: where `/handbook/x/` and `{{< ref \"/x\" >}}` point. `.` for a repository of plain Markdown."),
  checkAnchors: z.boolean().default(true).describe("Check that a link's `#anchor` is a heading or anchor ID on the target page."),
  ignore: z
    .array(patternSchema(plainText.substring))
    // `prefault`: a default the JSON Schema can show for an option compiled at load.
    .prefault([])
    .describe('Targets to skip, compared with the target as written (for a Hugo ref, its quoted argument): plain text is a case-insensitive substring, `/source/flags` a regular expression.'),
});

/** `{{link}}` is the link as its author wrote it: `Link target "../x.md"` or `Hugo ref "x"`. */
const messages = {
  missing: '{{link}} leads to no file in the repository',
  ambiguous: '{{link}} matches more than one page named "{{name}}"',
  urlInRef: '{{link}} wraps an absolute URL, which Hugo rejects at build time',
  anchor: '{{link}}: {{page}} has no heading or anchor "#{{anchor}}"',
} as const;

type Options = z.output<typeof options>;
type Context = DocumentCheckContext<Options, keyof typeof messages>;

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

type Problem = Pick<Report<keyof typeof messages>, 'messageId' | 'data' | 'details'>;

function problem(link: Link, resolution: Exclude<Resolution, { kind: 'page' | 'external' }>): Problem {
  const data = { link: describe(link) };
  switch (resolution.kind) {
    case 'url-in-ref':
      return { messageId: 'urlInRef', data, details: 'Use a plain Markdown link to the URL instead.' };
    case 'ambiguous':
      return {
        messageId: 'ambiguous',
        data: { ...data, name: resolution.name },
        details: `Pages with that name: ${resolution.files.join(', ')}. Write the path of the one you mean.`,
      };
    case 'missing':
      return { messageId: 'missing', data, details: `Tried ${resolution.tried.join(', ')}.` };
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
  ctx.report({
    ...at,
    messageId: 'anchor',
    data: { link: describe(link), page: where, anchor: resolution.anchor },
    details: 'Hugo makes a heading\'s ID from its text: lower case, spaces become "-", punctuation is dropped ("Roles & Responsibilities" → "roles--responsibilities").',
  });
}

export default defineRule({
  meta: {
    id: 'links',
    description: 'Relative links and Hugo refs must resolve to an existing page and heading in the repository',
    defaultSeverity: 'error',
    options,
    messages,
  },
  async check(doc, ctx) {
    const links = doc.links.filter(
      (link) =>
        CHECKED_KINDS.has(link.kind) &&
        // External URLs need no repository index; a Hugo ref wrapping one is still a finding.
        (link.kind.startsWith('hugo-') || !isExternal(link.url)) &&
        // `<a href="{{< ref "x" >}}">` nests quotes, so the HTML scan sees only `{{< ref `: not a target to judge.
        !link.url.startsWith('{{') &&
        !matchesAny(ctx.options.ignore, link.url),
    );
    if (links.length === 0) return;
    const index = await pageIndex(ctx);
    for (const link of links) await checkLink(doc, link, index, ctx);
  },
});
