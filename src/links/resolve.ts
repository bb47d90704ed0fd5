import path from 'node:path';
import type { LinkKind } from '../model/types.js';
import { isExternal, splitTarget } from './target.js';

const MARKDOWN = /\.(?:md|markdown)$/i;

/** What link resolution needs to know about the repository, built once per run. */
export interface PageIndex {
  /** Hugo content directory, repository-relative, '' for the repository root. */
  contentRoot: string;
  files: ReadonlySet<string>;
  /** Markdown pages under the content root by Hugo page name (file name, or a bundle's directory name), lower-cased. */
  byName: ReadonlyMap<string, readonly string[]>;
}

export function buildPageIndex(files: readonly string[], contentRoot: string): PageIndex {
  const root = path.posix.normalize(contentRoot).replace(/^\.\/?|\/+$/g, '').replace(/^\.$/, '');
  const prefix = root === '' ? '' : `${root}/`;
  const byName = new Map<string, string[]>();
  for (const file of files) {
    if (!file.startsWith(prefix) || !MARKDOWN.test(file)) continue;
    const name = pageName(file);
    const named = byName.get(name);
    if (named) named.push(file);
    else byName.set(name, [file]);
  }
  return { contentRoot: root, files: new Set(files), byName };
}

function pageName(file: string): string {
  const base = path.posix.basename(file).replace(MARKDOWN, '');
  const bundle = base === '_index' || base === 'index';
  return (bundle ? path.posix.basename(path.posix.dirname(file)) : base).toLowerCase();
}

export type Resolution =
  /** `anchor` is percent-decoded, as a browser compares it with element IDs. */
  | { kind: 'page'; file: string; anchor: string | undefined }
  | { kind: 'missing'; tried: string[] }
  | { kind: 'ambiguous'; name: string; files: readonly string[] }
  /** `{{< ref "https://..." >}}`: Hugo fails the build on it. */
  | { kind: 'url-in-ref' }
  /** External targets are not checked. */
  | { kind: 'external' };

/**
 * Resolves a link the way Hugo does. A leading `/` is the content root. A Hugo ref is tried
 * relative to the page's directory, then from the content root, then, when it is a bare name, as
 * the one page with that name anywhere in the content root. A plain relative link is resolved
 * against the page's directory only.
 */
export function resolveTarget(kind: LinkKind, target: string, fromFile: string, index: PageIndex): Resolution {
  const hugo = kind === 'hugo-ref' || kind === 'hugo-relref';
  if (isExternal(target)) return hugo ? { kind: 'url-in-ref' } : { kind: 'external' };
  const parts = splitTarget(target);
  const anchor = parts.anchor === undefined ? undefined : safeDecode(parts.anchor);
  if (parts.path === '') return { kind: 'page', file: fromFile, anchor };
  const wanted = safeDecode(parts.path);
  const tried: string[] = [];
  const find = (base: string): string | undefined => {
    const candidates = pageCandidates(base);
    const described = candidates.length === 1 ? candidates[0]! : `${base}{${candidates.map((file) => file.slice(base.length)).join(',')}}`;
    if (!tried.includes(described)) tried.push(described);
    return candidates.find((candidate) => index.files.has(candidate));
  };
  const fromRoot = () => find(repositoryPath(index.contentRoot, wanted));
  const fromPage = () => find(repositoryPath(path.posix.dirname(fromFile), wanted));
  const file = wanted.startsWith('/') ? fromRoot() : hugo ? fromPage() ?? fromRoot() : fromPage();
  if (file) return { kind: 'page', file, anchor };
  if (!hugo || wanted.includes('/')) return { kind: 'missing', tried };
  const name = wanted.replace(MARKDOWN, '').toLowerCase();
  const named = index.byName.get(name) ?? [];
  if (named.length === 1) return { kind: 'page', file: named[0]!, anchor };
  if (named.length > 1) return { kind: 'ambiguous', name, files: named };
  return { kind: 'missing', tried: [...tried, `a page named "${name}"`] };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Repository-relative path of `target` seen from `directory` ('' when it is the repository root). */
function repositoryPath(directory: string, target: string): string {
  return path.posix.normalize(path.posix.join(directory, target)).replace(/^\/+|\/+$/g, '').replace(/^\.$/, '');
}

/** Files Hugo would render for a page path: `x.md`, the branch bundle `x/_index.md`, the leaf bundle `x/index.md`; a path with an extension is a file as written. */
function pageCandidates(base: string): string[] {
  if (path.posix.extname(base) !== '') return [base];
  const prefix = base === '' ? '' : `${base}/`;
  return [...(base === '' ? [] : [`${base}.md`]), `${prefix}_index.md`, `${prefix}index.md`];
}
