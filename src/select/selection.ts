import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { DocumentClass, ResolvedConfig } from '../config/types.js';
import { discoverFiles } from '../discover/files.js';
import { changedFiles, defaultBaseRef } from '../git/changed.js';
import { findGitRoot } from '../git/exec.js';
import type { FrontMatter } from '../model/types.js';
import type { ProjectDocument } from '../project/types.js';
import { compileClass, selectingClass, type ClassMatcher } from './classes.js';
import type { RepositoryReader } from './read.js';

/** Which files a run is about. */
export interface SelectionOptions {
  cwd: string;
  /** Paths, directories or globs from the command line; empty means the config's include globs. */
  patterns?: string[];
  /** Exact repository-relative files to lint (the MR integration's changed files); overrides patterns. */
  files?: string[];
  /** Only files changed since the merge base with this ref (`true`: the default base). */
  changedBase?: string | true;
  /**
   * Paths (relative to the config's folder) a partial run is about, deleted ones included: its
   * project-wide findings are limited to them. Defaults to the changed paths with `changedBase`
   * and to the files when `patterns` name only files (folders and globs do not narrow it); a full
   * run has none and reports everything.
   */
  scope?: readonly string[];
}

export interface Candidates {
  /** Candidate files, sorted, with the classes whose paths match each (files no class's paths match are left out). */
  pathMatches: Array<{ file: string; matchers: ClassMatcher[] }>;
  /** The paths the run is about (see `SelectionOptions.scope`); undefined for a full run. */
  scope: readonly string[] | undefined;
  /** The class that selects a file, by the same selection: for files outside this run's candidates. */
  classify(file: string): Promise<string | undefined>;
  /** The candidates are every file the config includes (no paths, files or --changed): the run itself reads every document. */
  wholeProject: boolean;
  /** Every document the config's include globs select, by the same selection, front matter read and no Markdown parse. */
  selectAll(): Promise<ProjectDocument[]>;
}

/** The run's candidate files (named, discovered, or changed since a base) and the scope of its project-wide findings; `reader` is the run's. */
export async function selectCandidates(config: ResolvedConfig, reader: RepositoryReader, options: SelectionOptions): Promise<Candidates> {
  const matchers = config.classes.map(compileClass);
  // Rules ask about files outside this run (a --changed or MR run lints only some): the same selection answers.
  const classify = async (file: string) => {
    const selection = selectFile(
      reader,
      matchers.filter((m) => m.matchesPath(file)),
      file,
    );
    return selection.kind === 'selected' ? selection.documentClass.name : undefined;
  };
  let candidates = options.files ? [...options.files].sort() : await discoverFiles(config, options.patterns ?? [], options.cwd);
  let scope = options.scope ?? (namesFilesOnly(options.patterns, options.cwd) ? candidates : undefined);
  if (options.changedBase !== undefined && !options.files) {
    const gitRoot = await findGitRoot(config.root);
    if (!gitRoot) throw new ConfigError(`--changed needs a git repository, and ${config.root} is not in one`);
    const base = options.changedBase === true ? defaultBaseRef() : options.changedBase;
    const changed = await changedFiles(config.root, gitRoot, base);
    const present = new Set(changed.present);
    candidates = candidates.filter((file) => present.has(file));
    scope = changed.touched;
  }
  const pathMatches = candidates.map((file) => ({ file, matchers: matchers.filter((m) => m.matchesPath(file)) })).filter((c) => c.matchers.length > 0);
  const wholeProject = !options.files && !options.patterns?.length && options.changedBase === undefined;
  const selectAll = async () =>
    (await discoverFiles(config, [], config.root)).flatMap((file) =>
      selectedDocument(
        file,
        selectFile(
          reader,
          matchers.filter((m) => m.matchesPath(file)),
          file,
        ),
      ),
    );
  return { pathMatches, scope, classify, wholeProject, selectAll };
}

/** What `selectAll` keeps of a selected file: a copy of its front matter's data, so the file's text is not kept alive. */
function selectedDocument(file: string, selection: Selection): ProjectDocument[] {
  if (selection.kind !== 'selected') return [];
  const { data, keyLines } = structuredClone({ data: selection.frontMatter.data, keyLines: selection.frontMatter.keyLines });
  return [{ path: file, documentClass: selection.documentClass.name, frontMatter: { data, keyLines } }];
}

/** Whether the command line names files, not folders or globs: a run about those files alone. */
function namesFilesOnly(patterns: readonly string[] | undefined, cwd: string): boolean {
  const isFile = (pattern: string) => {
    try {
      return statSync(path.resolve(cwd, pattern)).isFile();
    } catch {
      return false; // a broken or looping link is reported as a file error, not a reason to narrow
    }
  };
  return !!patterns?.length && patterns.every(isFile);
}

export type Selection =
  | { kind: 'selected'; absPath: string; source: string; frontMatter: FrontMatter; documentClass: DocumentClass }
  | { kind: 'none' }
  | { kind: 'unreadable'; message: string; line?: number };

/** Reads one file (inside the repository, bounded) and finds the first of `byPath` (the classes whose paths match it) that selects it. */
export function selectFile(reader: RepositoryReader, byPath: readonly ClassMatcher[], file: string): Selection {
  if (byPath.length === 0) return { kind: 'none' };
  const read = reader.bytes(file);
  if (!read.ok) return { kind: 'unreadable', message: read.message, line: read.line };
  const selected = selectingClass(byPath, read.data);
  if (!selected) return { kind: 'none' };
  return {
    kind: 'selected',
    absPath: path.join(reader.root, file),
    source: selected.source,
    frontMatter: selected.frontMatter,
    documentClass: selected.matcher.documentClass,
  };
}
