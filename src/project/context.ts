import { glob } from 'tinyglobby';
import { loadCodeowners, loadCodeownersAtRef } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import { findGitRoot, git } from '../git/exec.js';
import type { MergeRequestInfo, ProjectContext } from './types.js';

export interface ProjectOptions {
  root: string;
  now: Date;
  /** Read CODEOWNERS from this git ref (the MR's target branch) instead of the work tree. */
  codeownersRef?: string;
  mergeRequest?: MergeRequestInfo;
  /** Class selection for a repository-relative path (the engine's, so rules see the same answer). */
  classify?: (path: string) => Promise<string | undefined>;
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
  return {
    root: options.root,
    now: options.now,
    mergeRequest: options.mergeRequest,
    memo,
    gitRoot,
    documentClassOf: (path) => memo(`class:${path}`, async () => options.classify?.(path)),
    listFiles: () => memo('files', () => listRepositoryFiles(options.root, gitRoot)),
    codeowners: () =>
      memo('codeowners', async (): Promise<CodeownersFile | null> => {
        const root = await gitRoot();
        if (options.codeownersRef && root) return loadCodeownersAtRef(root, options.codeownersRef);
        return loadCodeowners(options.root);
      }),
  };
}

/** Files git would see (tracked or untracked, not ignored); a plain walk outside git. */
async function listRepositoryFiles(root: string, gitRoot: () => Promise<string | null>): Promise<string[]> {
  if (await gitRoot()) {
    const out = await git(root, ['ls-files', '-z', '--cached', '--others', '--exclude-standard']);
    return [...new Set(out.split('\0').filter(Boolean))].sort();
  }
  const files = await glob('**', { cwd: root, dot: true, ignore: ['**/.git/**', '**/node_modules/**'], followSymbolicLinks: false });
  return files.sort();
}
