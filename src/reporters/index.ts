import { formatCodeQuality } from './codequality.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { ReportInput } from './types.js';

export type { ReportInput, RuleSummary } from './types.js';
export type { JsonFinding } from './json.js';
export { CODE_QUALITY_SEVERITY, type CodeQualityIssue } from './codequality.js';

export type FormatName = 'stylish' | 'json' | 'codequality' | 'junit' | 'sarif';

const FORMATTERS: Readonly<Record<FormatName, (input: ReportInput) => string>> = {
  stylish: formatStylish,
  json: formatJson,
  codequality: formatCodeQuality,
  junit: formatJunit,
  sarif: formatSarif,
};

export const FORMATS: readonly FormatName[] = Object.freeze(Object.keys(FORMATTERS) as FormatName[]);

/** Renders the findings of one run in the given format; same input, same bytes. */
export function formatReport(format: FormatName, input: ReportInput): string {
  return FORMATTERS[format](input);
}
