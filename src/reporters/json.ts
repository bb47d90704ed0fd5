import type { Finding } from '../engine/types.js';
import { toJsonText, toWellFormed } from './common.js';
import type { ReportInput } from './types.js';

/** One element of the `json` report. Key order is part of the contract (see docs/reports.md). */
export type JsonFinding = Omit<Finding, 'details' | 'documentTitle' | 'docsUrl'> & {
  details: string | null;
  documentTitle: string | null;
  docsUrl: string | null;
};

function toJsonFinding(finding: Finding): JsonFinding {
  return {
    ruleId: finding.ruleId,
    messageId: finding.messageId,
    severity: finding.severity,
    path: toWellFormed(finding.path),
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    message: toWellFormed(finding.message),
    details: finding.details === undefined ? null : toWellFormed(finding.details),
    fingerprint: finding.fingerprint,
    documentTitle: finding.documentTitle === undefined ? null : toWellFormed(finding.documentTitle),
    docsUrl: finding.docsUrl ?? null,
  };
}

export function formatJson(input: ReportInput): string {
  return toJsonText(input.findings.map(toJsonFinding));
}
