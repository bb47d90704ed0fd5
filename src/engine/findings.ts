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

function compareFindings(a: DraftFinding, b: DraftFinding): number {
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
  const seen = new Map<string, number>();
  return sorted.map(({ key, ...finding }) => {
    const identity = `${finding.ruleId}\0${finding.path}\0${key}`;
    const occurrence = seen.get(identity) ?? 0;
    seen.set(identity, occurrence + 1);
    const fingerprint = createHash('sha256').update(`${identity}\0${occurrence}`).digest('hex').slice(0, 32);
    return { ...finding, fingerprint };
  });
}
