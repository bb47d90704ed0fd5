import { resolve } from 'node:path';
import picocolors from 'picocolors';
import type { Finding } from '../engine/types.js';
import { severityLabel, toSingleLine, toWellFormed } from './common.js';
import type { ReportInput } from './types.js';

// Document text ends up in messages; a raw ESC or C1 byte could drive the terminal, and a line break would
// break the table, so line breaks become spaces and other controls become U+FFFD.
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

function printable(text: string): string {
  return toSingleLine(toWellFormed(text)).replace(CONTROL_CHARACTERS, '\uFFFD');
}

const LINE_BREAK = /\r\n|[\n\r\u2028\u2029]/;
const DEFAULT_WIDTH = 80;
/** Details never wrap narrower than this, however deep the message column sits in a narrow terminal. */
const MIN_DETAILS_WIDTH = 40;

const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;
// Approximates East Asian Wide/Fullwidth (CJK, kana, hangul, fullwidth forms) and the emoji blocks,
// enough to keep the rule-id column aligned for Japanese handbooks.
const DOUBLE_WIDTH =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F680}-\u{1F6FF}\u{1F900}-\u{1FAFF}\u{20000}-\u{3FFFD}]/u;

/** Terminal columns a string occupies. */
function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    if (ZERO_WIDTH.test(char)) continue;
    width += DOUBLE_WIDTH.test(char) ? 2 : 1;
  }
  return width;
}

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
  for (const word of line.slice(prefix.length).split(/ +/).filter((part) => part !== '')) {
    if (current === prefix || current === hanging) current += word;
    else if (displayWidth(current) + 1 + displayWidth(word) <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = hanging + word;
    }
  }
  return [...lines, current];
}

/** A finding's details under its message: line by line, neutralised like messages, wrapped, indented to the message column. */
function detailLines(details: string, indent: number, terminalWidth: number): string[] {
  const width = Math.max(MIN_DETAILS_WIDTH, terminalWidth - indent);
  return details
    .split(LINE_BREAK)
    .flatMap((line) => wrap(toWellFormed(line).replace(CONTROL_CHARACTERS, '\uFFFD'), width))
    .map((line) => (line === '' ? '' : ' '.repeat(indent) + line));
}

function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
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
      message: printable(finding.message),
      ruleId: printable(finding.ruleId),
      details: finding.details,
    }));
    const widest = (pick: (row: (typeof rows)[number]) => string) => Math.max(...rows.map((row) => displayWidth(pick(row))));
    const lineWidth = widest((row) => row.line);
    const columnWidth = widest((row) => row.column);
    const labelWidth = widest((row) => row.label);
    const messageWidth = widest((row) => row.message);

    // Where the message column starts: `  line:column  severity  `.
    const messageIndent = 2 + lineWidth + 1 + columnWidth + 2 + labelWidth + 2;

    const heading = colors.underline(printable(input.cwd === undefined ? path : resolve(input.cwd, path)));
    const lines = rows.flatMap((row) => {
      const position = colors.dim(`${row.line.padStart(lineWidth)}:${row.column}`) + ' '.repeat(columnWidth - row.column.length);
      const paint = row.severity === 'error' ? colors.red : colors.yellow;
      const severity = paint(row.label) + ' '.repeat(labelWidth - row.label.length);
      const main = `  ${position}  ${severity}  ${padEnd(row.message, messageWidth)}  ${colors.dim(row.ruleId)}`;
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
