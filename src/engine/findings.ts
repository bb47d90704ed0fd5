import { createHash } from 'node:crypto';
import type { Finding, Report, Severity } from './types.js';

export const DOCS_BASE_URL = 'https://gitlab.com/policylint/policylint/-/blob/main/';

export function docsUrlFor(docsPath: string): string {
  return DOCS_BASE_URL + docsPath;
}

export interface FindingSource {
  ruleId: string;
  severity: Severity;
  path: string;
  documentTitle?: string;
  docsUrl?: string;
}

/** A finding without its fingerprint; fingerprints are assigned once all findings of a run are known. */
export type DraftFinding = Omit<Finding, 'fingerprint'> & { key: string };

export function draftFinding(source: FindingSource, report: Report): DraftFinding {
  const line = Math.max(1, report.line);
  const draft: DraftFinding = {
    ruleId: source.ruleId,
    severity: report.severity ?? source.severity,
    path: report.path ?? source.path,
    line,
    column: report.column ?? 1,
    endLine: report.endLine ?? line,
    endColumn: report.endColumn ?? report.column ?? 1,
    message: report.message,
    key: report.key ?? report.message,
  };
  // The title describes the document checked; a report redirected to another file (CODEOWNERS) has none.
  if (source.documentTitle !== undefined && !report.path) draft.documentTitle = source.documentTitle;
  if (source.docsUrl !== undefined) draft.docsUrl = source.docsUrl;
  return draft;
}

type Ordered = Pick<Finding, 'path' | 'line' | 'column' | 'ruleId' | 'message'>;

/** A run's finding order: by file, position, rule and message. */
export function compareFindings(a: Ordered, b: Ordered): number {
  return (
    (a.path < b.path ? -1 : a.path > b.path ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

/**
 * Sorts findings and fingerprints them from rule, path, key and the occurrence number of that
 * key, never the line: GitLab Code Quality matches findings across pipelines by fingerprint.
 */
export function finalizeFindings(drafts: readonly DraftFinding[]): Finding[] {
  const sorted = [...drafts].sort(compareFindings);
  // Sorted by path first, so occurrences are counted one file at a time: a small map, not one for the whole run.
  let seen = new Map<string, number>();
  let currentPath: string | undefined;
  return sorted.map((draft) => {
    if (draft.path !== currentPath) {
      currentPath = draft.path;
      seen = new Map();
    }
    const ruleKey = `${draft.ruleId}\0${draft.key}`;
    const occurrence = seen.get(ruleKey) ?? 0;
    seen.set(ruleKey, occurrence + 1);
    // Listed field by field rather than spread: on a run with tens of thousands of findings the copies add up.
    const finding: Omit<Finding, 'fingerprint'> = {
      ruleId: draft.ruleId,
      severity: draft.severity,
      path: draft.path,
      line: draft.line,
      column: draft.column,
      endLine: draft.endLine,
      endColumn: draft.endColumn,
      message: draft.message,
    };
    if (draft.documentTitle !== undefined) finding.documentTitle = draft.documentTitle;
    if (draft.docsUrl !== undefined) finding.docsUrl = draft.docsUrl;
    const identity = `${draft.ruleId}\0${draft.path}\0${draft.key}\0${occurrence}`;
    return Object.assign(finding, { fingerprint: createHash('sha256').update(identity).digest().toString('hex', 0, 16) });
  });
}
