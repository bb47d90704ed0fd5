import type { Finding, Severity } from '../engine/types.js';
import { toJsonText, toWellFormed } from './common.js';
import type { ReportInput } from './types.js';

/** GitLab's Code Quality severities; policylint uses two of them. */
type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export const CODE_QUALITY_SEVERITY: Readonly<Record<Severity, CodeQualitySeverity>> = {
  error: 'major',
  warn: 'minor',
};

/** The subset of a Code Climate issue that GitLab reads, plus `content`, which GitLab ignores but Code Climate tools show. */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end: number } };
  /** The finding's details, when it has any. */
  content?: { body: string };
}

function toIssue(finding: Finding): CodeQualityIssue {
  const issue: CodeQualityIssue = {
    description: toWellFormed(finding.message),
    check_name: finding.ruleId,
    fingerprint: finding.fingerprint,
    severity: CODE_QUALITY_SEVERITY[finding.severity],
    location: {
      // GitLab matches paths against the diff literally, so a `./` prefix would hide the finding.
      path: toWellFormed(finding.path).replace(/^(?:\.\/)+/, ''),
      lines: { begin: finding.line, end: finding.endLine },
    },
  };
  if (finding.details !== undefined) issue.content = { body: toWellFormed(finding.details) };
  return issue;
}

export function formatCodeQuality(input: ReportInput): string {
  return toJsonText(input.findings.map(toIssue));
}
