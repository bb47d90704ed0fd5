// Which changes of a merge request need code-owner approval. A document counts when it is
// controlled on the base OR on the head, so one that leaves the controlled set is still seen.
import picomatch from 'picomatch';
import { CODEOWNERS_PATHS } from '../codeowners/load.js';
import { byPath, compareCodeUnits } from '../util/paths.js';
import type { ApprovalSubject } from './types.js';

export interface FileChange {
  oldPath: string;
  newPath: string;
  status: 'added' | 'modified' | 'renamed' | 'deleted';
}

export interface SubjectInput {
  changes: readonly FileChange[];
  /** Class of a path as it is on the base, under the trusted config (undefined: not controlled). */
  baseClassOf(path: string): string | undefined;
  /** Class of a path as it is on the head, under the trusted config. */
  headClassOf(path: string): string | undefined;
  /** The head file could not be read (its file-error is reported): whether it is controlled is unknown. */
  headUnreadable(path: string): boolean;
  /** Title line of a linted head document, for the finding. */
  titleLineOf(path: string): number | undefined;
  /** Every place the config is looked for (repository-relative): a config at any of them is the policy. */
  configPaths: readonly string[];
  /** Globs (repository-relative) of further governance files. */
  governanceFiles: readonly string[];
}

/** Every place the config and CODEOWNERS are looked for (a file added earlier in either order replaces the one in use), and the configured files. */
export function governanceMatcher(configPaths: readonly string[], globs: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>([...CODEOWNERS_PATHS, ...configPaths]);
  const matches = globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
  return (path) => exact.has(path) || matches(path);
}

function leavingDetail(change: FileChange): string {
  if (change.status === 'deleted') return 'deleted';
  if (change.oldPath !== change.newPath) return `renamed to ${change.newPath}, which the policy does not select`;
  return 'no longer selected as a controlled document: its front matter or text no longer matches';
}

export function approvalSubjects(input: SubjectInput): ApprovalSubject[] {
  const isGovernance = governanceMatcher(input.configPaths, input.governanceFiles);
  const subjects: ApprovalSubject[] = [];
  for (const change of input.changes) {
    const gone = change.status === 'deleted';
    const renamed = change.oldPath !== change.newPath;
    const ownerPaths = renamed ? [change.oldPath, change.newPath] : [change.newPath];
    const baseClass = change.status === 'added' ? undefined : input.baseClassOf(change.oldPath);
    const headClass = gone ? undefined : (input.headClassOf(change.newPath) ?? (input.headUnreadable(change.newPath) ? baseClass : undefined));
    const shownPath = gone ? change.oldPath : change.newPath;
    if (headClass !== undefined) {
      subjects.push({
        kind: 'document',
        path: change.newPath,
        ownerPaths,
        line: input.titleLineOf(change.newPath) ?? 1,
        classes: [...new Set([headClass, ...(baseClass === undefined ? [] : [baseClass])])],
        detail: renamed ? `renamed from ${change.oldPath}` : undefined,
      });
    } else if (baseClass !== undefined) {
      subjects.push({ kind: 'leaves', path: shownPath, ownerPaths, line: 1, classes: [baseClass], detail: leavingDetail(change) });
    }
    if (isGovernance(change.oldPath) || isGovernance(change.newPath)) {
      subjects.push({
        kind: 'governance',
        path: shownPath,
        ownerPaths,
        line: 1,
        classes: [],
        detail: renamed ? `renamed from ${change.oldPath}` : change.status === 'deleted' ? 'deleted' : undefined,
      });
    }
  }
  return subjects.sort((a, b) => byPath(a, b) || compareCodeUnits(a.kind, b.kind));
}
