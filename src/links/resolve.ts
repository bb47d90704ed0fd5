import path from 'node:path';
import type { LinkKind } from '../model/types.js';
import { isExternal, splitTarget } from './target.js';
import { MARKDOWN_FILE } from '../util/paths.js';

const LEAF_INDEX = /(?:^|\/)index\.(?:md|markdown)$/i;

/** A Hugo page: its source file, or none for a section Hugo makes without one (a top-level folder with no `_index.md`). */
interface Page {
  file: string | undefined;
}

/** What link resolution needs to know about the repository, built once per run from its file list. */
export interface SiteIndex {
  /** Hugo content directory, repository-relative, '' for a repository of plain Markdown. */
  contentRoot: string;
  /** Folders Hugo serves as they are (`static/`), repository-relative. */
  staticDirs: readonly string[];
  /** The `.<language>` ending of a translated page's file name, when the site has languages. */
  translation: RegExp | undefined;
  files: ReadonlySet<string>;
  /** Pages by lower-cased logical path (`/a/b` for `a/b.md` and the leaf bundle `a/b/index.md`), sections apart (`/a` for `a/_index.md`). */
  pages: ReadonlyMap<string, Page>;
  sections: ReadonlyMap<string, Page>;
  /** Pages by Hugo page name (file name, or a bundle's folder name), lower-cased, for a bare-name ref. */
  byName: ReadonlyMap<string, readonly string[]>;
}

export interface SiteOptions {
  contentRoot: string;
  staticDirs: readonly string[];
  /** Languages a multilingual site translates into by file name: `x.ja.md` is published at `/ja/x/`. */
  languages: readonly string[];
}

export function buildSiteIndex(files: readonly string[], { contentRoot, staticDirs, languages }: SiteOptions): SiteIndex {
  const root = folder(contentRoot);
  const translation = languages.length === 0 ? undefined : new RegExp(`\\.(${languages.join('|')})$`, 'i');
  const prefix = root === '' ? '' : `${root}/`;
  const content = files.filter((file) => file.startsWith(prefix));
  // A leaf bundle's other files, `.md` ones included, are its resources, not pages.
  const leafBundles = new Set(content.filter((file) => LEAF_INDEX.test(file)).map((file) => path.posix.dirname(file)));
  const inLeafBundle = (file: string) => {
    if (LEAF_INDEX.test(file)) return false;
    for (let dir = path.posix.dirname(file); dir !== '.' && dir.length > root.length; dir = path.posix.dirname(dir)) if (leafBundles.has(dir)) return true;
    return false;
  };
  const pages = new Map<string, Page>();
  const sections = new Map<string, Page>();
  const byName = new Map<string, string[]>();
  for (const file of content) {
    if (!MARKDOWN_FILE.test(file) || (leafBundles.size > 0 && inLeafBundle(file))) continue;
    const logical = logicalPath(file.slice(prefix.length), translation);
    (logical.section ? sections : pages).set(logical.key, { file });
    if (logical.name === '') continue;
    const named = byName.get(logical.name);
    if (named) named.push(file);
    else byName.set(logical.name, [file]);
  }
  // Hugo makes a section of every top-level folder, with or without an `_index.md`.
  for (const key of pages.keys()) {
    const top = /^\/[^/]+(?=\/)/.exec(key)?.[0];
    if (top && !sections.has(top)) sections.set(top, { file: undefined });
  }
  if (!sections.has('/')) sections.set('/', { file: undefined });
  return { contentRoot: root, staticDirs: staticDirs.map(folder), translation, files: new Set(files), pages, sections, byName };
}

/** `./content/` → `content`, `.` → ''. */
function folder(dir: string): string {
  return path.posix
    .normalize(dir)
    .replace(/^\.\/?|\/+$/g, '')
    .replace(/^\.$/, '');
}

/**
 * A content file's place in Hugo's page tree: `a/b.md` is the page `/a/b`, `a/_index.md` the section `/a`, `a/index.md`
 * the leaf bundle `/a`; a translation `a/b.ja.md` is the page `/ja/a/b`, which a ref does not find by name.
 */
function logicalPath(contentFile: string, translation: RegExp | undefined): { key: string; section: boolean; name: string } {
  let noExtension = `/${contentFile.toLowerCase().replace(MARKDOWN_FILE, '')}`;
  const language = translation?.exec(noExtension)?.[1];
  if (language) noExtension = `/${language}${noExtension.slice(0, -language.length - 1)}`;
  const bundle = /\/(_?index)$/.exec(noExtension);
  const key = bundle ? noExtension.slice(0, bundle.index) || '/' : noExtension;
  return { key, section: bundle?.[1] === '_index', name: language ? '' : path.posix.basename(key) };
}

/** The URL path Hugo publishes a content file at, lower-cased as Hugo does by default: `a/b.md` → `/a/b/`, `a/_index.md` → `/a/`. */
export function pageUrl(file: string, index: SiteIndex): string | undefined {
  const prefix = index.contentRoot === '' ? '' : `${index.contentRoot}/`;
  if (index.contentRoot === '' || !file.startsWith(prefix) || !MARKDOWN_FILE.test(file)) return undefined;
  const { key } = logicalPath(file.slice(prefix.length), index.translation);
  return key === '/' ? '/' : `${key}/`;
}

export type Resolution =
  /** `anchor` is percent-decoded, as a browser compares it with element IDs; `file` is undefined for a page with no source. */
  | { kind: 'page'; file: string | undefined; anchor: string | undefined }
  /** `url`: the site path the link asks for, when it is one that an alias might still serve; then `anchor` is its anchor, decoded as a page's is. */
  | { kind: 'missing'; tried: string[]; url?: string; anchor?: string; hint?: string }
  | { kind: 'ambiguous'; name: string; files: readonly string[] }
  /** External targets are not checked. */
  | { kind: 'external' };

/**
 * Resolves a link the way Hugo and the browser do. A Hugo ref follows Hugo's page lookup; a plain
 * link on a page Hugo publishes is resolved by the browser against the page's URL, and is served
 * when that URL is a page, a file of the content folder that is not Markdown, or a file of a
 * static folder (aliases are the rule's to check, as they need every page's front matter). A
 * plain link in a document Hugo does not publish (outside the content root, or no content root)
 * leads to a repository file, as GitLab renders it.
 */
export function resolveTarget(kind: LinkKind, target: string, fromFile: string, index: SiteIndex): Resolution {
  const ref = kind === 'hugo-ref' || kind === 'hugo-relref';
  if (isExternal(target) && !ref) return { kind: 'external' };
  const parts = splitTarget(target);
  const anchor = parts.anchor === undefined ? undefined : safeDecode(parts.anchor);
  // Hugo looks an absolute URL up by its path, whatever its host.
  const written = ref && isExternal(target) ? urlPath(parts.path) : parts.path;
  if (written === '') return { kind: 'page', file: fromFile, anchor };
  const wanted = safeDecode(written);
  if (ref) return resolveRef(wanted, anchor, fromFile, index);
  const from = pageUrl(fromFile, index);
  if (index.contentRoot === '' || (from === undefined && !wanted.startsWith('/'))) return resolveFile(wanted, anchor, fromFile, index);
  return resolveUrl(safeDecode(new URL(written, `https://site${from ?? '/'}`).pathname), anchor, from, index);
}

function urlPath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * A site URL path (`/a/b/`, `/files/x.pdf`) as the published site serves it: case-sensitive, as a web server is. Hugo
 * publishes a page at its path in lower case (`Upper.md` at `/upper/`) and a static file as it is, Markdown included.
 */
function resolveUrl(url: string, anchor: string | undefined, from: string | undefined, index: SiteIndex): Resolution {
  const key = url.replace(/\/index\.html$/, '/').replace(/(?<!\/)\/+$/, '') || '/';
  const page = index.sections.get(key) ?? index.pages.get(key);
  if (page) return { kind: 'page', file: page.file, anchor };
  const content = repositoryPath(index.contentRoot, url);
  const served = [content, ...index.staticDirs.map((dir) => repositoryPath(dir, url))];
  // A Markdown file of the content folder is a page, published at its URL only.
  const file = served.find((candidate) => index.files.has(candidate) && (candidate !== content || !MARKDOWN_FILE.test(candidate)));
  if (file) return { kind: 'page', file, anchor };
  const tried = [from === undefined ? `the page ${url}` : `the page ${url} (the link resolved against this page's URL, ${from})`, ...new Set(served)];
  return { kind: 'missing', tried, url, anchor, hint: publishedElsewhere(url, key, index) };
}

/** Where Hugo publishes the page a link seems to mean: the `.md` file it names, or its path in another case. */
function publishedElsewhere(url: string, key: string, index: SiteIndex): string | undefined {
  const source = MARKDOWN_FILE.test(url) ? index.pages.get(logicalPath(url.slice(1), index.translation).key)?.file : undefined;
  if (source) return `Hugo publishes ${source} at ${pageUrl(source, index)}, not as a .md file.`;
  const lower = key.toLowerCase();
  const page = lower === key ? undefined : (index.sections.get(lower) ?? index.pages.get(lower));
  return page?.file
    ? `Hugo publishes ${page.file} at ${pageUrl(page.file, index)}: URLs are case-sensitive, and Hugo writes page paths in lower case.`
    : undefined;
}

/** A link in a document Hugo does not publish: the file it names, or the page a folder or extensionless name stands for, from the document's folder or (`/x`) the repository root. */
function resolveFile(wanted: string, anchor: string | undefined, fromFile: string, index: SiteIndex): Resolution {
  const base = repositoryPath(wanted.startsWith('/') ? '' : path.posix.dirname(fromFile), wanted);
  const candidates =
    path.posix.extname(base) !== ''
      ? [base]
      : [...(base === '' ? [] : [`${base}.md`]), ...['_index.md', 'index.md'].map((name) => (base === '' ? name : `${base}/${name}`))];
  const file = candidates.find((candidate) => index.files.has(candidate));
  if (file) return { kind: 'page', file, anchor };
  return { kind: 'missing', tried: [candidates.length === 1 ? base : `${base}{${candidates.map((c) => c.slice(base.length)).join(',')}}`] };
}

/**
 * Hugo 0.111's ref lookup (hugolib/pagecollections.go `getContentNode`), case-insensitive: from
 * the page's folder (a leaf bundle's from the folder above it, unless the ref starts with `..`);
 * a ref starting with `.` stops there; then from the content root; then, for a name with no `/`
 * but a leading one, the one page of that name anywhere. A trailing `/` finds a section only.
 */
function resolveRef(wanted: string, anchor: string | undefined, fromFile: string, index: SiteIndex): Resolution {
  const ref = wanted.trim().toLowerCase();
  const tried: string[] = [];
  const found = (page: Page | undefined): Resolution | undefined => (page ? { kind: 'page', file: page.file, anchor } : undefined);
  const from = pageUrl(fromFile, index) === undefined ? undefined : fromFile.slice(index.contentRoot.length);
  if (from !== undefined && !ref.startsWith('/')) {
    let base = path.posix.dirname(from);
    if (/\/index\.(?:md|markdown)$/i.test(from) && !ref.startsWith('..')) base = path.posix.dirname(base);
    // Go's path.Join, which drops a trailing slash.
    const relative = path.posix.join(base, ref).replace(/(?<=.)\/+$/, '');
    tried.push(`${index.contentRoot}${relative}`);
    const page = found(lookup(relative, index));
    if (page) return page;
    if (ref.startsWith('.')) return { kind: 'missing', tried };
  }
  const rooted = ref.startsWith('/') ? ref : `/${ref}`;
  if (!tried.includes(`${index.contentRoot}${rooted}`)) tried.push(`${index.contentRoot}${rooted}`);
  const page = found(lookup(rooted, index));
  if (page) return page;
  const slashes = ref.split('/').length - 1;
  if (ref.startsWith('.') || slashes > 1 || (slashes === 1 && !ref.startsWith('/'))) return { kind: 'missing', tried };
  const name = ref.replace(/^\//, '').replace(MARKDOWN_FILE, '');
  const named = index.byName.get(name) ?? [];
  if (named.length === 1) return { kind: 'page', file: named[0], anchor };
  if (named.length > 1) return { kind: 'ambiguous', name, files: named };
  return { kind: 'missing', tried: [...tried, `a page named "${name}"`] };
}

/** A page by its lower-cased logical path, as written in a ref: with or without `.md`, `_index.md` or `index.md`. */
function lookup(written: string, index: SiteIndex): Page | undefined {
  const sectionOnly = written.length > 1 && written.endsWith('/');
  const key = written.replace(/\/+$/, '').replace(MARKDOWN_FILE, '') || '/';
  const bundle = /\/(_?index)$/.exec(key);
  if (bundle) {
    const owner = key.slice(0, bundle.index) || '/';
    if (bundle[1] === 'index') return index.pages.get(owner);
    // Naming the file finds only a section that has one: Hugo's own sections (a top-level folder, the home page) have none.
    const section = index.sections.get(owner);
    return section?.file === undefined ? undefined : section;
  }
  return index.sections.get(key) ?? (sectionOnly ? undefined : index.pages.get(key));
}

/** Repository-relative path of `target` seen from `directory` ('' when it is the repository root). */
function repositoryPath(directory: string, target: string): string {
  return path.posix
    .normalize(path.posix.join(directory, target))
    .replace(/^\/+|\/+$/g, '')
    .replace(/^\.$/, '');
}
