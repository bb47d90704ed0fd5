import type { Finding } from '../engine/types.js';
import { printableLine, severityLabel } from './common.js';
import type { ReportInput } from './types.js';

function toLine(finding: Finding): string {
  return `${printableLine(finding.path)}:${finding.line}:${finding.column} ${severityLabel(finding.severity)} ${printableLine(finding.ruleId)} ${printableLine(finding.message)}\n`;
}

/**
 * `path:line:column severity rule message`, one line per finding in the engine's order (path, line,
 * column, rule), with repository-relative paths and nothing else: no heading, no summary, and no
 * output at all when nothing is found, so editors' problem matchers and grep read it as is.
 */
export function formatCompact(input: ReportInput): string {
  return input.findings.map(toLine).join('');
}
