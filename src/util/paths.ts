import path from 'node:path';

/** A native relative path with `/` separators, as repository paths, globs and reports write them. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Whether a relative path (POSIX or native) leaves its root: `../x` does, a folder named `..x` does not. */
export function isOutsideRoot(relativePath: string): boolean {
  const posix = toPosix(relativePath);
  return posix === '..' || posix.startsWith('../') || path.isAbsolute(relativePath);
}

/**
 * Code-unit order, the order `Array.prototype.sort` gives strings: the same on every machine, where
 * `localeCompare` depends on the ICU locale. Paths, rule ids and fingerprints are ordered by it.
 */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders anything with a path by that path, in code-unit order. */
export function byPath(a: { readonly path: string }, b: { readonly path: string }): number {
  return compareCodeUnits(a.path, b.path);
}

const MARKDOWN_EXTENSIONS = ['md', 'markdown'];

/** A Markdown file's name, in any case. No `g` flag: `test` keeps no state between paths. */
export const MARKDOWN_FILE = new RegExp(`\\.(?:${MARKDOWN_EXTENSIONS.join('|')})$`, 'i');
/** Every Markdown file below a folder, for the file walker (case as written, like git's pathspecs). */
export const MARKDOWN_GLOB = `**/*.{${MARKDOWN_EXTENSIONS.join(',')}}`;
/** Every Markdown file, as `git ls-files` pathspecs. */
export const MARKDOWN_PATHSPECS = MARKDOWN_EXTENSIONS.map((extension) => `*.${extension}`);
