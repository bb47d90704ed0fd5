import { resolve } from 'node:path';
import picocolors from 'picocolors';
import type { Finding } from '../engine/types.js';
import { displayWidth, padEndToWidth, plural } from '../util/text.js';
import { printableLine, printableText, severityLabel } from './common.js';
import type { ReportInput } from './types.js';

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;
const DEFAULT_WIDTH = 80;
/** Details never wrap narrower than this, however deep the message column sits in a narrow terminal. */
const MIN_DETAILS_WIDTH = 40;

/**
 * Word-wraps one line to `width` columns. Continuation lines hang under the text after the line's
 * own indent and list marker (`  - `, `1. `), so list items stay readable. A word wider than the
 * line stays whole: paths and URLs must remain copyable.
 */
function wrap(line: string, width: number): string[] {
  const prefix = /^ *(?:[-*] +|\d+[.)] +)?/.exec(line)![0];
  const hanging = ' '.repeat(prefix.length);
  const lines: string[] = [];
  let current = prefix;
  // Kept as the line grows, so each word is measured once.
  let currentWidth = prefix.length;
  for (const word of line
    .slice(prefix.length)
    .split(/ +/)
    .filter((part) => part !== '')) {
    const wordWidth = displayWidth(word);
    if (current === prefix || current === hanging) {
      current += word;
      currentWidth += wordWidth;
    } else if (currentWidth + 1 + wordWidth <= width) {
      current += ` ${word}`;
      currentWidth += 1 + wordWidth;
    } else {
      lines.push(current);
      current = hanging + word;
      currentWidth = hanging.length + wordWidth;
    }
  }
  return [...lines, current];
}

/** A finding's details under its message: line by line, neutralised like messages, wrapped, indented to the message column. */
function detailLines(details: string, indent: number, terminalWidth: number): string[] {
  const width = Math.max(MIN_DETAILS_WIDTH, terminalWidth - indent);
  return details
    .split(LINE_BREAK)
    .flatMap((line) => wrap(printableText(line), width))
    .map((line) => (line === '' ? '' : ' '.repeat(indent) + line));
}

function groupByPath(findings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const group = groups.get(finding.path);
    if (group === undefined) groups.set(finding.path, [finding]);
    else group.push(finding);
  }
  return groups;
}

/**
 * ESLint-stylish layout: a heading per file, then `line:column  severity  message  rule-id` rows whose
 * columns line up within the file (line numbers right-aligned on the colon), then a summary line.
 */
export function formatStylish(input: ReportInput): string {
  return [...stylishChunks(input)].join('');
}

/** The stylish report a file at a time, so that a run with tens of thousands of findings can be written without holding it whole. */
export function* stylishChunks(input: ReportInput): Generator<string> {
  const colors = picocolors.createColors(input.color);
  if (input.findings.length === 0) {
    yield `${colors.green('✔')} ${plural(input.filesLinted.length, 'document')} linted, no problems\n`;
    return;
  }

  for (const [path, findings] of groupByPath(input.findings)) {
    const rows = findings.map((finding) => ({
      line: String(finding.line),
      column: String(finding.column),
      severity: finding.severity,
      label: severityLabel(finding.severity),
      message: printableLine(finding.message),
      ruleId: printableLine(finding.ruleId),
      details: finding.details,
    }));
    const widest = (pick: (row: (typeof rows)[number]) => string) => Math.max(...rows.map((row) => displayWidth(pick(row))));
    const lineWidth = widest((row) => row.line);
    const columnWidth = widest((row) => row.column);
    const labelWidth = widest((row) => row.label);
    const messageWidth = widest((row) => row.message);

    // Where the message column starts: `  line:column  severity  `.
    const messageIndent = 2 + lineWidth + 1 + columnWidth + 2 + labelWidth + 2;

    const heading = colors.underline(printableLine(input.cwd === undefined ? path : resolve(input.cwd, path)));
    const lines = rows.flatMap((row) => {
      const position = colors.dim(`${row.line.padStart(lineWidth)}:${row.column}`) + ' '.repeat(columnWidth - row.column.length);
      const paint = row.severity === 'error' ? colors.red : colors.yellow;
      const severity = paint(row.label) + ' '.repeat(labelWidth - row.label.length);
      const main = `  ${position}  ${severity}  ${padEndToWidth(row.message, messageWidth)}  ${colors.dim(row.ruleId)}`;
      return row.details === undefined ? [main] : [main, ...detailLines(row.details, messageIndent, input.width ?? DEFAULT_WIDTH)];
    });
    yield `${[heading, ...lines].join('\n')}\n\n`;
  }

  const errors = input.findings.filter((finding) => finding.severity === 'error').length;
  const warnings = input.findings.length - errors;
  const summary = `✖ ${plural(input.findings.length, 'problem')} (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`;
  const paintSummary = errors > 0 ? colors.red : colors.yellow;
  yield `${colors.bold(paintSummary(summary))}\n`;
}
