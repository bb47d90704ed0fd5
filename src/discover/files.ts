import fs, { lstatSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ConfigError } from '../config/errors.js';
import type { ResolvedConfig } from '../config/types.js';
import { isOutsideRoot, MARKDOWN_GLOB, toPosix } from '../util/paths.js';

/** A symbolic link, seen as a plain file: listed when its name matches, never walked into. */
function linkAsFile(entry: Dirent): Dirent {
  if (!entry.isSymbolicLink()) return entry;
  return Object.create(entry, { isFile: { value: () => true }, isDirectory: { value: () => false }, isSymbolicLink: { value: () => false } }) as Dirent;
}

type ReaddirCallback = (error: NodeJS.ErrnoException | null, entries: Dirent[]) => void;

/**
 * The walker's file system, listing symbolic links as files without following them: a link to
 * a directory (even its own parent) cannot trap the walk, and a broken or looping link to a
 * Markdown file is read, and reported as unreadable, instead of being skipped in silence.
 */
const linksAsFiles = {
  ...fs,
  readdir: (dir: string, options: { withFileTypes: true }, callback: ReaddirCallback) =>
    fs.readdir(dir, options, (error, entries) => callback(error, (entries ?? []).map(linkAsFile))),
  readdirSync: (dir: string, options: { withFileTypes: true }) => fs.readdirSync(dir, options).map(linkAsFile),
};

/**
 * Files to consider, repository-relative and sorted: the command line's paths, directories and
 * globs (relative to `cwd`), or the config's `include` globs; `exclude` always applies.
 * Symbolic links are listed like files but never followed, so a link loop cannot trap the walk.
 */
export async function discoverFiles(config: ResolvedConfig, patterns: readonly string[], cwd: string): Promise<string[]> {
  const isExcluded = picomatch(config.exclude, { dot: true });
  const found = new Set<string>();
  const globOptions = { cwd: config.root, dot: false, followSymbolicLinks: false, ignore: config.exclude, onlyFiles: true, fs: linksAsFiles as never } as const;
  if (patterns.length === 0) {
    for (const file of await glob(config.include, globOptions)) found.add(file);
  }
  for (const pattern of patterns) {
    const absolute = path.resolve(cwd, pattern);
    const relative = toPosix(path.relative(config.root, absolute));
    if (isOutsideRoot(relative)) throw new ConfigError(`${pattern} is outside the project root ${config.root} (the directory of the config file)`);
    // A named link that cannot be followed (broken, or a loop) is still a file to report.
    const stat = statOrUndefined(absolute) ?? linkOrUndefined(absolute);
    if (stat?.isDirectory()) {
      const base = relative === '' ? '' : `${relative}/`;
      for (const file of await glob(`${escapeGlob(base)}${MARKDOWN_GLOB}`, globOptions)) found.add(file);
    } else if (stat) {
      // An explicitly named file is linted even if it matches no include glob, as in ESLint.
      if (!isExcluded(relative)) found.add(relative);
    } else if (isDynamicPattern(pattern)) {
      const rootPattern = toPosix(path.relative(config.root, path.resolve(cwd, pattern)));
      const matches = await glob(rootPattern, globOptions);
      if (matches.length === 0) throw new ConfigError(`No files match the pattern "${pattern}"`);
      for (const file of matches) found.add(file);
    } else {
      throw new ConfigError(`No such file or directory: ${pattern}`);
    }
  }
  return [...found].sort();
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function linkOrUndefined(file: string) {
  try {
    const stat = lstatSync(file);
    return stat.isSymbolicLink() ? stat : undefined;
  } catch {
    return undefined;
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]{}()!@+]/g, '\\$&');
}
