import type { CodeownersFile } from '../codeowners/types.js';
import type { FrontMatter } from '../model/types.js';
import type { BytesResult, ReadResult } from '../select/read.js';

/** A document as selection sees it: path, class and front matter, without its Markdown. */
export interface ProjectDocument {
  path: string;
  documentClass: string;
  frontMatter: Pick<FrontMatter, 'data' | 'keyLines'>;
}

/** Shared, lazily computed facts about the repository a run lints. */
export interface ProjectContext {
  /** Absolute path of the repository (the directory holding the config). */
  root: string;
  /** "Today" for date rules: from --now / POLICYLINT_NOW, else the clock. */
  now: Date;
  /**
   * For a partial run (--changed, named files, a merge request): the paths it is about, relative
   * to the root, deleted ones included. Project-wide findings (a CODEOWNERS entry, an uncontrolled
   * file) are reported only when they are about one of them; undefined for a full run.
   */
  scope: ReadonlySet<string> | undefined;
  /** Every file under the root (repository-relative POSIX paths, sorted), git-ignored and `.git` excluded. Lazy because most runs need it only for links and CODEOWNERS coverage. */
  listFiles(): Promise<readonly string[]>;
  /**
   * A repository file's text (repository-relative path): never through a symbolic link leading
   * outside the repository, only a regular file, at most `maxFileBytes`; a refusal's message names
   * the reason, never the link's target or any content.
   */
  readText(path: string): ReadResult;
  /** The same file's checked bytes, undecoded: a view the next read reuses, for a scan that decodes only what it keeps. */
  readBytes(path: string): BytesResult;
  /**
   * CODEOWNERS of the work tree, or null when there is none: at the top of the git work tree, where
   * GitLab reads it, else in the root (a handbook kept in a folder that is not a repository of its
   * own). Its patterns match paths from the folder it was found in: prefix a root-relative path with
   * `codeownersPrefix()`. (Who must approve a merge request comes from its target branch: src/gitlab/trusted.ts.)
   */
  codeowners(): Promise<CodeownersFile | null>;
  /** The root's path from the folder CODEOWNERS applies to: '' when they are the same, 'handbook/' for a config in handbook/. */
  codeownersPrefix(): Promise<string>;
  /** Every file of the folder CODEOWNERS applies to, named as its patterns match them (sorted): listFiles() when that folder is the root. */
  codeownersFiles(): Promise<readonly string[]>;
  /**
   * The files under `folder` (repository-relative, '' for the root) that git would see and whose text contains `text`
   * (one `git grep`, memoised): a prefilter before reading many files; undefined outside git or when git fails, so read them all.
   */
  filesContaining(text: string, folder: string): Promise<ReadonlySet<string> | undefined>;
  /** Absolute path of the git work tree, or null when the root is not in one. */
  gitRoot(): Promise<string | null>;
  /** The class that selects a file (cheaply: path, text and front matter), or undefined; for files outside this run's document list. */
  documentClassOf(path: string): Promise<string | undefined>;
  /**
   * Every document of the class in the project, whether or not this run lints it (a --changed,
   * merge request or named-file run lints only some), for project rules that compare documents
   * (unique IDs). A run over every file the config includes answers with its own `linted`
   * documents; any other reads the rest once per run (front matter only, no Markdown parse), and
   * `linted` documents stand for themselves (a named file outside the include globs too).
   */
  documentsOfClass(documentClass: string, linted: readonly ProjectDocument[]): Promise<readonly ProjectDocument[]>;
  /** Memo for rules that compute a project-wide fact once per run (e.g. git history for all documents). */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T>;
}
