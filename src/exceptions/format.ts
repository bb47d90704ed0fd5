import { csvTable, markdownTable, textTable } from '../util/table.js';
import { plural } from '../util/text.js';
import type { ExceptionEntry, ExceptionsRegister } from './build.js';
import type { ExceptionsFormat } from './formats.js';

/** The JSON output's `schemaVersion`: raised only when a field changes meaning or goes; new fields keep it. */
export const EXCEPTIONS_SCHEMA_VERSION = 1;

const COLUMNS = ['Reference', 'Issue', 'Document', 'Line', 'State', 'Due date', 'Labels', 'Status', 'Sentence'] as const;

function cells(entry: ExceptionEntry): string[] {
  return [
    entry.reference,
    entry.issue ?? '',
    entry.path,
    String(entry.line),
    entry.state ?? '',
    entry.dueDate ?? '',
    entry.labels?.join(', ') ?? '',
    entry.status,
    entry.sentence,
  ];
}

function summary(register: ExceptionsRegister): string {
  const documents = new Set(register.entries.map((entry) => entry.path)).size;
  const cited = `${plural(register.entries.length, 'tracked exception')} cited in ${plural(documents, 'document')} as of ${register.asOf}`;
  if (register.unchecked !== null) return `${cited}; issues not read: ${register.unchecked}`;
  const count = (status: ExceptionEntry['status']) => register.entries.filter((entry) => entry.status === status).length;
  return `${cited}: ${count('expired')} expired, ${count('expires-soon')} expiring soon, ${count('closed')} closed, ${count('no-due-date')} without a due date, ${count('not-found') + count('unresolved')} not found, ${count('open')} open`;
}

export function formatExceptions(register: ExceptionsRegister, format: ExceptionsFormat): string {
  const rows = register.entries.map(cells);
  switch (format) {
    case 'json':
      return `${JSON.stringify({ schemaVersion: EXCEPTIONS_SCHEMA_VERSION, asOf: register.asOf, unchecked: register.unchecked, exceptions: register.entries }, null, 2)}\n`;
    case 'csv':
      return csvTable(COLUMNS, rows);
    case 'markdown':
      return markdownTable(COLUMNS, rows);
    case 'text':
      return `${textTable(
        COLUMNS.map((column) => column.toUpperCase()),
        rows,
      )}\n${summary(register)}\n`;
  }
}
