import { formatCodeQuality } from './codequality.js';
import { formatCompact } from './compact.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish, stylishChunks } from './stylish.js';
import type { FormatName } from './formats.js';
import type { ReportInput } from './types.js';

export type { ReportInput, RuleSummary } from './types.js';
export type { JsonFinding } from './json.js';
export { CODE_QUALITY_SEVERITY, type CodeQualityIssue } from './codequality.js';

export { FORMATS, type FormatName } from './formats.js';

const FORMATTERS: Readonly<Record<FormatName, (input: ReportInput) => string>> = {
  stylish: formatStylish,
  compact: formatCompact,
  json: formatJson,
  codequality: formatCodeQuality,
  junit: formatJunit,
  sarif: formatSarif,
};

/** Renders the findings of one run in the given format; same input, same bytes. */
export function formatReport(format: FormatName, input: ReportInput): string {
  return FORMATTERS[format](input);
}

/** The same bytes as `formatReport`, in pieces a caller can write one by one (a large stylish report is produced a file at a time). */
export function reportChunks(format: FormatName, input: ReportInput): Iterable<string> {
  return format === 'stylish' ? stylishChunks(input) : [formatReport(format, input)];
}
