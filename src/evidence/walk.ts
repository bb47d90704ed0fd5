// Follows every document through a period's history, commit by commit on the default branch:
// which files were controlled documents at the start, which changes touched one (before or
// after the change, so documents that leave the controlled set count), renames followed, and
// which CODEOWNERS file the target branch had when each change landed.
import { CODEOWNERS_PATHS, firstCodeowners } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import type { ChangeAction } from './types.js';
import type { MainlineCommit, PeriodHistory } from './history.js';

/** A document's content at one point: its path (from the config's folder), blob and class (null: not a controlled document). */
export interface Version {
  path: string;
  blob: string;
  documentClass: string | null;
}

export interface TrackedChange {
  commit: MainlineCommit;
  action: ChangeAction;
  before: Version | null;
  after: Version | null;
  /** The target branch's CODEOWNERS just before the change landed, and the commit it was read at. */
  codeowners: FoundCodeowners | null;
  /** The target branch's config just before the change landed: whose approval counts is its say, as for `policylint mr`. */
  policy: Policy;
  codeownersAsOf: string | null;
}

export interface TrackedDocument {
  /** Order of first sight: a stable tie-break for documents that share a path over time. */
  order: number;
  /** Every path it had in the period, oldest first. */
  paths: string[];
  /** Its version at the start of the period, when it was a controlled document then. */
  start: Version | null;
  /** Changes made while it was a controlled document (before or after them), oldest first. */
  changes: TrackedChange[];
  /** Its latest version; null once deleted. */
  last: Version | null;
  /** Its path when it was deleted. */
  deletedAt: string | null;
}

/** A CODEOWNERS file and what it names paths from: the top of the work tree, or the config's folder when none is at the top (as `lint` finds it). */
export interface FoundCodeowners {
  file: CodeownersFile;
  /** Prepended to a path from the config's folder to match it against the file's patterns. */
  prefix: string;
  /** The file's path from the top of the work tree. */
  repositoryPath: string;
}

export interface WalkResult {
  documents: TrackedDocument[];
  /** The target branch's CODEOWNERS at the end of the period. */
  codeownersAtEnd: FoundCodeowners | null;
}

/** Which files the config selected as controlled documents while one version of it was in force. */
export interface Policy {
  /** The class that selects this content at this path (from the top of the work tree), or null. */
  classOf(repositoryPath: string, blob: string): string | null;
  /** The config's `mergeRequest.committersMayApprove`. */
  committersMayApprove: boolean;
}

export interface WalkInput {
  history: PeriodHistory;
  /** The config folder's path from the top of the work tree: `docs/`, or empty. */
  prefix: string;
  blobs: ReadonlyMap<string, Buffer>;
  /** The config in force at the start of the period. */
  policyAtStart: Policy;
  /** For each commit that changed the config: the policy after it, and the tree it left (repository path → blob) to judge every file again. */
  policyChanges: ReadonlyMap<string, { policy: Policy; tree: ReadonlyMap<string, string> }>;
}

const ACTIONS: Record<string, ChangeAction> = { A: 'added', D: 'deleted', R: 'renamed', M: 'modified', T: 'modified' };

/** Where CODEOWNERS may be: GitLab's three places at the top, then the same in the config's folder. */
export function codeownersPaths(prefix: string): string[] {
  return prefix === '' ? [...CODEOWNERS_PATHS] : [...CODEOWNERS_PATHS, ...CODEOWNERS_PATHS.map((path) => prefix + path)];
}

/** CODEOWNERS files by blob, parsed once per distinct set. */
function codeownersReader(blobs: ReadonlyMap<string, Buffer>, prefix: string) {
  const parsed = new Map<string, FoundCodeowners | null>();
  const read = (state: ReadonlyMap<string, string | null>, under: string) => {
    const files = new Map(CODEOWNERS_PATHS.map((path) => [path, blobs.get(state.get(under + path) ?? '') ?? null] as const));
    return firstCodeowners(files);
  };
  return (state: ReadonlyMap<string, string | null>): FoundCodeowners | null => {
    const key = [...state.values()].join(':');
    if (!parsed.has(key)) {
      const atTop = read(state, '');
      const inRoot = atTop || prefix === '' ? null : read(state, prefix);
      parsed.set(
        key,
        atTop ? { file: atTop, prefix, repositoryPath: atTop.path } : inRoot ? { file: inRoot, prefix: '', repositoryPath: prefix + inRoot.path } : null,
      );
    }
    return parsed.get(key)!;
  };
}

export function walkHistory(input: WalkInput): WalkResult {
  const { history, prefix } = input;
  const codeownersOf = codeownersReader(input.blobs, prefix);
  const codeownersState = new Map<string, string | null>(codeownersPaths(prefix).map((path) => [path, history.baseTree.get(path) ?? null]));
  const relative = (repositoryPath: string | null) =>
    repositoryPath !== null && repositoryPath.startsWith(prefix) ? repositoryPath.slice(prefix.length) : null;
  const documents: TrackedDocument[] = [];
  /** Documents by their current path: controlled ones, and former ones still in the tree (they may come back). */
  const current = new Map<string, TrackedDocument>();
  const track = (start: Version | null): TrackedDocument => {
    const doc: TrackedDocument = { order: documents.length, paths: [], start, changes: [], last: start, deletedAt: null };
    documents.push(doc);
    return doc;
  };

  let policy = input.policyAtStart;
  for (const [repositoryPath, blob] of history.baseTree) {
    const path = relative(repositoryPath);
    const documentClass = path === null ? null : policy.classOf(repositoryPath, blob);
    if (path === null || documentClass === null) continue;
    const doc = track({ path, blob, documentClass });
    doc.paths.push(path);
    current.set(path, doc);
  }

  for (const commit of history.mainline) {
    const codeowners = codeownersOf(codeownersState);
    const policyBefore = policy;
    const record = (doc: TrackedDocument, action: ChangeAction, before: Version | null, after: Version | null) =>
      doc.changes.push({ commit, action, before, after, codeowners, codeownersAsOf: commit.parents[0] ?? null, policy: policyBefore });
    // The commit's files are judged by the config before it (what they were) and after it (what they became).
    const policyChange = input.policyChanges.get(commit.sha);
    const policyAfter = policyChange?.policy ?? policy;
    const touched = new Set<TrackedDocument>();
    for (const change of commit.changes) {
      const oldPath = relative(change.oldPath);
      const newPath = relative(change.newPath);
      const before =
        oldPath !== null && change.oldBlob ? { path: oldPath, blob: change.oldBlob, documentClass: policy.classOf(change.oldPath!, change.oldBlob) } : null;
      const after =
        newPath !== null && change.newBlob
          ? { path: newPath, blob: change.newBlob, documentClass: policyAfter.classOf(change.newPath!, change.newBlob) }
          : null;
      const controlled = !!before?.documentClass || !!after?.documentClass;
      let doc = oldPath === null ? undefined : current.get(oldPath);
      if (!doc && !controlled) continue;
      doc ??= track(null);
      touched.add(doc);
      if (oldPath !== null) current.delete(oldPath);
      if (after) {
        current.set(after.path, doc);
        if (doc.paths.at(-1) !== after.path) doc.paths.push(after.path);
      } else {
        if (doc.paths.length === 0 && oldPath !== null) doc.paths.push(oldPath);
        doc.deletedAt = oldPath;
      }
      doc.last = after;
      // Moved out of the config's folder: gone from what the config can select.
      const action = change.status === 'R' && !after ? 'deleted' : change.status === 'R' && !before ? 'added' : ACTIONS[change.status]!;
      if (controlled) record(doc, action, before, after);
    }
    if (policyChange) {
      // A config change can move files into or out of the controlled set without touching them.
      for (const [repositoryPath, blob] of policyChange.tree) {
        const path = relative(repositoryPath);
        if (path === null) continue;
        const documentClass = policyAfter.classOf(repositoryPath, blob);
        const doc = current.get(path);
        if (doc && touched.has(doc)) continue;
        const was = doc?.last?.documentClass ?? null;
        if (was === documentClass) continue;
        const tracked = doc ?? track(null);
        if (!doc) {
          tracked.paths.push(path);
          current.set(path, tracked);
        }
        const before = { path, blob, documentClass: was };
        tracked.last = { path, blob, documentClass };
        record(tracked, 'reclassified', before, tracked.last);
      }
    }
    policy = policyAfter;
    for (const change of commit.changes) {
      if (change.oldPath !== null && codeownersState.has(change.oldPath)) codeownersState.set(change.oldPath, null);
      if (change.newPath !== null && codeownersState.has(change.newPath)) codeownersState.set(change.newPath, change.newBlob);
    }
  }
  return { documents, codeownersAtEnd: codeownersOf(codeownersState) };
}
