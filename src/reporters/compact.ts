import type { Finding } from '../engine/types.js';
import { severityLabel, toSingleLine, toWellFormed } from './common.js';
import type { ReportInput } from './types.js';

// One finding, one line: a line break, ESC or C1 byte quoted from a document would split the line or drive the
// terminal, so line breaks become spaces and other controls U+FFFD (as in stylish).
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

function oneLine(text: string): string {
  return toSingleLine(toWellFormed(text)).replace(CONTROL_CHARACTERS, '\uFFFD');
}

function toLine(finding: Finding): string {
  return `${oneLine(finding.path)}:${finding.line}:${finding.column} ${severityLabel(finding.severity)} ${oneLine(finding.ruleId)} ${oneLine(finding.message)}\n`;
}

/**
 * `path:line:column severity rule message`, one line per finding in the engine's order (path, line,
 * column, rule), with repository-relative paths and nothing else: no heading, no summary, and no
 * output at all when nothing is found, so editors' problem matchers and grep read it as is.
 */
export function formatCompact(input: ReportInput): string {
  return input.findings.map(toLine).join('');
}
