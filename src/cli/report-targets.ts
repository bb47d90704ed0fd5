import { InvalidArgumentError } from 'commander';
import { FORMATS, type FormatName } from '../reporters/formats.js';
import type { ReportTarget } from '../reporters/write.js';

/**
 * Commander parser of the repeatable `--report codequality=gl-code-quality.json`: a malformed value
 * or an unknown format is a usage error (exit 2) while the command line is parsed, before any work.
 */
export function collectReportTarget(value: string, previous: readonly ReportTarget[]): ReportTarget[] {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new InvalidArgumentError('Expected FORMAT=FILE, e.g. codequality=gl-code-quality-report.json.');
  const format = value.slice(0, eq);
  if (!(FORMATS as readonly string[]).includes(format))
    throw new InvalidArgumentError(`Unknown format "${format}": allowed formats are ${FORMATS.join(', ')}.`);
  return [...previous, { format: format as FormatName, file: value.slice(eq + 1) }];
}
