import { realpathSync } from 'node:fs';
import path from 'node:path';
import { glob } from 'tinyglobby';
import { loadCodeowners } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import { isOutsideRoot, toPosix } from '../util/paths.js';
import { findGitRoot, git, GitError } from '../git/exec.js';
import { DEFAULT_MAX_FILE_BYTES, RepositoryReader } from '../select/read.js';
import type { ProjectContext, ProjectDocument } from './types.js';

export interface ProjectOptions {
  root: string;
  /** Reads files under `root` for `readText`: the run's, which selection read through (it caches directories); default one bounded at 10 MiB. */
  reader?: RepositoryReader;
  now: Date;
  /** Class selection for a repository-relative path (the engine's, so rules see the same answer). */
  classify?: (path: string) => Promise<string | undefined>;
  /** Paths a partial run is about (see ProjectContext.scope); undefined for a full run. */
  scope?: readonly string[];
  /** The run reads every file the config includes (see `documentsOfClass`). */
  wholeProject?: boolean;
  /** Every document the config selects, for `documentsOfClass` in a partial run; without it, only the run's documents are known. */
  selectAll?: () => Promise<ProjectDocument[]>;
}

export function createProjectContext(options: ProjectOptions): ProjectContext {
  const memos = new Map<string, Promise<unknown>>();
  const memo = <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let value = memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      memos.set(key, value);
    }
    return value;
  };
  const gitRoot = () => memo('gitRoot', () => findGitRoot(options.root));
  const reader = options.reader ?? new RepositoryReader(options.root, DEFAULT_MAX_FILE_BYTES);
  const listFiles = () => memo('files', () => listRepositoryFiles(options.root, gitRoot));
  const codeownersFound = () =>
    memo('codeowners', async (): Promise<{ file: CodeownersFile; prefix: string } | null> => {
      const top = await gitRoot();
      const atTop = top ? loadCodeowners(top) : null;
      if (atTop) return { file: atTop, prefix: repositoryPrefix(options.root, top!) };
      const inRoot = loadCodeowners(options.root);
      return inRoot ? { file: inRoot, prefix: '' } : null;
    });
  return {
    root: options.root,
    now: options.now,
    scope: options.scope ? new Set(options.scope) : undefined,
    memo,
    gitRoot,
    documentClassOf: (path) => memo(`class:${path}`, async () => options.classify?.(path)),
    documentsOfClass: async (documentClass, linted) => {
      const { selectAll } = options;
      if (options.wholeProject || !selectAll) return linted;
      const lintedPaths = new Set(linted.map((doc) => doc.path));
      const others = (await memo('selectAll', selectAll)).filter((doc) => doc.documentClass === documentClass && !lintedPaths.has(doc.path));
      return [...linted, ...others];
    },
    listFiles,
    filesContaining: (text, folder) => memo(`containing:${folder}\0${text}`, () => filesContaining(options.root, gitRoot, text, folder)),
    codeownersFiles: async () => {
      const top = await gitRoot();
      // Found above the root, CODEOWNERS names files anywhere in the work tree, not only the root's.
      return top && (await codeownersFound())?.prefix ? memo('codeownersFiles', () => listRepositoryFiles(top, gitRoot)) : listFiles();
    },
    readText: (path) => reader.text(path),
    readBytes: (path) => reader.bytes(path),
    codeowners: async () => (await codeownersFound())?.file ?? null,
    codeownersPrefix: async () => (await codeownersFound())?.prefix ?? '',
  };
}

function repositoryPrefix(root: string, gitRoot: string): string {
  // git prints the work tree's real path; compare it with the root's.
  const relative = toPosix(path.relative(gitRoot, realpathSync.native(root)));
  return relative === '' || isOutsideRoot(relative) ? '' : `${relative}/`;
}

async function filesContaining(root: string, gitRoot: () => Promise<string | null>, text: string, folder: string): Promise<ReadonlySet<string> | undefined> {
  if (!(await gitRoot())) return undefined;
  try {
    // The work tree's tracked and untracked (not ignored) files, as listFiles lists them; paths relative to the root.
    const out = await git(root, ['grep', '--untracked', '-l', '-z', '-I', '-F', '-e', text, '--', folder === '' ? '.' : folder]);
    return new Set(out.split('\0').filter(Boolean));
  } catch (error) {
    if (error instanceof GitError && error.exitCode === 1) return new Set(); // git grep's "nothing matched"
    return undefined;
  }
}

/** Files git would see (tracked or untracked, not ignored); a plain walk outside git. */
async function listRepositoryFiles(folder: string, gitRoot: () => Promise<string | null>): Promise<string[]> {
  if (await gitRoot()) {
    const out = await git(folder, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return [...new Set(out.split('\0').filter(Boolean))].sort();
  }
  const files = await glob('**', { cwd: folder, dot: true, ignore: ['**/.git/**', '**/node_modules/**'], followSymbolicLinks: false });
  return files.sort();
}
