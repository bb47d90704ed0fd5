import type { Finding } from '../engine/types.js';
import { toJsonText, toWellFormed } from './common.js';
import type { ReportInput } from './types.js';

/** One element of the `json` report. Key order is part of the contract (see docs/reports.md). */
export type JsonFinding = Omit<Finding, 'documentTitle' | 'docsUrl'> & {
  documentTitle: string | null;
  docsUrl: string | null;
};

function toJsonFinding(finding: Finding): JsonFinding {
  return {
    ruleId: finding.ruleId,
    severity: finding.severity,
    path: toWellFormed(finding.path),
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    message: toWellFormed(finding.message),
    fingerprint: finding.fingerprint,
    documentTitle: finding.documentTitle === undefined ? null : toWellFormed(finding.documentTitle),
    docsUrl: finding.docsUrl ?? null,
  };
}

export function formatJson(input: ReportInput): string {
  return toJsonText(input.findings.map(toJsonFinding));
}
