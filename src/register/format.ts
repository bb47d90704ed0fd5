import { statusCounts } from '../reviews/status.js';
import { escapeHtml as html, plural } from '../util/text.js';
import { csvTable, markdownCode, markdownTable, textTable } from '../util/table.js';
import { VERSION } from '../version.js';
import type { Register, RegisterEntry } from './build.js';
import type { RegisterFormat } from './formats.js';

/** The JSON output's `schemaVersion`: raised only when a field changes meaning or goes; new fields keep it. */
export const REGISTER_SCHEMA_VERSION = 1;

const COLUMNS = [
  'ID',
  'Title',
  'Class',
  'Path',
  'Code owners',
  'Last reviewed',
  'Review source',
  'Next review due',
  'Status',
  'Last change',
  'Last change date',
  'Exception references',
] as const;

/** `[Section] @a @b; [Other] @c`; `owner` writes each owner. */
function codeOwnersCell(entry: RegisterEntry, owner: (text: string) => string = (text) => text): string {
  return entry.codeOwners.map(({ section, owners }) => [`[${section}]`, ...owners.map(owner)].join(' ')).join('; ');
}

function cells(entry: RegisterEntry, owners: string): string[] {
  return [
    entry.id ?? '',
    entry.title ?? '',
    entry.class,
    entry.path,
    owners,
    entry.lastReviewed ?? '',
    entry.reviewSource ?? '',
    entry.due ?? '',
    entry.status,
    entry.lastChange?.commit.slice(0, 12) ?? '',
    entry.lastChange?.date ?? '',
    String(entry.exceptionReferences),
  ];
}

function summary(register: Register): string {
  return `${plural(register.entries.length, 'document')} as of ${register.asOf}: ${statusCounts(register.entries)}`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #1f1f1f; margin: 2em; }
h1 { font-size: 1.4em; margin: 0 0 .2em; }
p { margin: 0 0 1em; color: #555; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #c8c8c8; padding: .3em .5em; text-align: left; vertical-align: top; }
td.number { text-align: right; }
th { background: #ececec; cursor: pointer; }
.nowrap { white-space: nowrap; }
td.path code { word-break: break-all; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
tbody tr:nth-child(even) { background: #f8f8f8; }
.overdue { color: #a3000b; font-weight: 600; }
.due-soon { color: #8a5a00; font-weight: 600; }
.unknown { color: #555; font-style: italic; }
code { font-size: .95em; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  body { margin: 0; font-size: 7.5pt; }
  th, td { padding: .2em .3em; }
  th { cursor: auto; background: #e0e0e0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th[aria-sort]::after { content: none; }
}`;

// Sorts the rows by the clicked column (Enter or Space on a focused header too); numbers by value, the rest by text.
const SCRIPT = `
document.querySelectorAll('th').forEach(function (th, column) {
  function sort() {
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    document.querySelectorAll('th').forEach(function (other) { other.removeAttribute('aria-sort'); });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var body = th.closest('table').tBodies[0];
    var key = function (row) { return row.cells[column].textContent; };
    var numeric = th.classList.contains('number');
    var rows = Array.prototype.slice.call(body.rows).sort(function (a, b) {
      var order = numeric ? Number(key(a)) - Number(key(b)) : key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  th.addEventListener('click', sort);
  th.addEventListener('keydown', function (event) { if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); sort(); } });
});`;

/** The HTML cells of a row, by column: owners one section a line, the last change as its day (the full time in `datetime`). */
function htmlCells(entry: RegisterEntry): string[] {
  const owners = entry.codeOwners
    .map(({ section, owners: names }) => [`[${html(section)}]`, ...names.map((name) => `<span class="nowrap">${html(name)}</span>`)].join(' '))
    .join('<br>');
  const change = entry.lastChange;
  return [
    `<td class="nowrap">${html(entry.id ?? '')}</td>`,
    `<td>${html(entry.title ?? '')}</td>`,
    `<td>${html(entry.class)}</td>`,
    `<td class="path"><code>${html(entry.path)}</code></td>`,
    `<td>${owners}</td>`,
    `<td class="nowrap">${html(entry.lastReviewed ?? '')}</td>`,
    `<td>${html(entry.reviewSource ?? '')}</td>`,
    `<td class="nowrap">${html(entry.due ?? '')}</td>`,
    `<td class="nowrap ${entry.status}">${html(entry.status)}</td>`,
    `<td><code>${html(change?.commit.slice(0, 12) ?? '')}</code></td>`,
    `<td class="nowrap">${change ? `<time datetime="${html(change.date)}">${html(change.date.slice(0, 10))}</time>` : ''}</td>`,
    `<td class="number">${entry.exceptionReferences}</td>`,
  ];
}

/** One self-contained page: inline style and script, no external assets; sortable by column, printable (header repeated, rows kept whole). */
function htmlPage(register: Register): string {
  const header = COLUMNS.map((column) => `<th scope="col" tabindex="0"${column === 'Exception references' ? ' class="number"' : ''}>${html(column)}</th>`).join(
    '',
  );
  const rows = register.entries.map((entry) => `<tr>${htmlCells(entry).join('')}</tr>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="policylint ${html(VERSION)}">
<title>Document register ${html(register.asOf)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>Document register</h1>
<p>${html(summary(register))}. Click a column header to sort.</p>
<table>
<thead><tr>${header}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<script>${SCRIPT}
</script>
</body>
</html>
`;
}

export function formatRegister(register: Register, format: RegisterFormat): string {
  const { entries } = register;
  switch (format) {
    case 'json':
      return `${JSON.stringify({ schemaVersion: REGISTER_SCHEMA_VERSION, asOf: register.asOf, documents: entries }, null, 2)}\n`;
    case 'csv':
      return csvTable(
        COLUMNS,
        entries.map((entry) => cells(entry, codeOwnersCell(entry))),
      );
    case 'markdown':
      // Owners as code: pasted into an issue, `@group` would otherwise notify every member.
      return markdownTable(
        COLUMNS,
        entries.map((entry) => cells(entry, codeOwnersCell(entry, markdownCode))),
      );
    case 'html':
      return htmlPage(register);
    case 'text':
      return `${textTable(
        COLUMNS.map((column) => column.toUpperCase()),
        entries.map((entry) => cells(entry, codeOwnersCell(entry))),
      )}\n${summary(register)}\n`;
  }
}
