/** Tables as the report commands (`reviews`, `register`) print them: aligned text, RFC 4180 CSV, Markdown. */

/** Spreadsheets run cells starting with these as formulas (OWASP CSV injection); a leading `'` keeps them text. */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** RFC 4180: fields with a comma, quote or line break quoted (quotes doubled), CRLF after every record, the header included. */
export function csvTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
}

function markdownCell(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, ' ');
}

/** A Markdown table (GitLab Flavored) of plain-text cells: pipes and backslashes escaped, line breaks made spaces. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(header), `|${header.map(() => ' --- |').join('')}`, ...rows.map(line)].join('\n') + '\n';
}

/** Inline code that shows its text as is: a backtick run longer than any inside it. For an `@owner`, whose mention would notify every member of a group. */
export function markdownCode(text: string): string {
  const fence = '`'.repeat(Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length)) + 1);
  return `${fence}${fence.length > 1 ? ' ' : ''}${text}${fence.length > 1 ? ' ' : ''}${fence}`;
}

/** Columns padded to their widest cell (the last left ragged), an empty cell shown as `-`, whitespace runs made one space. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const all = [header, ...rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ') || '-'))];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')).join('\n') + '\n';
}
