import type { CodeownersFile } from '../codeowners/types.js';

/** What the merge-request integration knows; absent on local runs. */
export interface MergeRequestInfo {
  projectId: string;
  iid: number;
  targetBranch: string;
  diffBaseSha?: string;
  headSha?: string;
  /** Usernames (without @) who approved the MR. */
  approvedBy: string[];
  /** Group and role members resolved through the API, keyed by owner reference as written (`@group/sub`, `@@maintainer`). */
  ownerMembers: ReadonlyMap<string, readonly string[]>;
  /** Repository-relative paths the MR changes (new and old paths). */
  changedPaths: readonly string[];
}

/** Shared, lazily computed facts about the repository a run lints. */
export interface ProjectContext {
  /** Absolute path of the repository (the directory holding the config). */
  root: string;
  /** "Today" for date rules: from --now / POLICYLINT_NOW, else the clock. */
  now: Date;
  /** Every file under the root (repository-relative POSIX paths, sorted), git-ignored and `.git` excluded. Lazy because most runs need it only for links and CODEOWNERS coverage. */
  listFiles(): Promise<readonly string[]>;
  /** CODEOWNERS as it applies to this run (the MR's target branch when in a merge request), or null when there is none. */
  codeowners(): Promise<CodeownersFile | null>;
  /** Absolute path of the git work tree, or null when the root is not in one. */
  gitRoot(): Promise<string | null>;
  mergeRequest: MergeRequestInfo | undefined;
  /** The class that selects a file (cheaply: path, text and front matter), or undefined; for files outside this run's document list. */
  documentClassOf(path: string): Promise<string | undefined>;
  /** Memo for rules that compute a project-wide fact once per run (e.g. git history for all documents). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
}
