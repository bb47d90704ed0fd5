import { Option } from 'commander';
import { ConfigError } from '../config/errors.js';
import { FORMATS, type FormatName } from '../reporters/formats.js';

export interface ReportTarget {
  format: FormatName;
  file: string;
}

export function parseFormat(value: string): FormatName {
  if (!(FORMATS as readonly string[]).includes(value)) throw new ConfigError(`Unknown format "${value}": use one of ${FORMATS.join(', ')}`);
  return value as FormatName;
}

/**
 * `-f, --format` of a command: an unknown name is a one-line usage error (exit 2) raised while the
 * command line is parsed, before any work, the same on every command.
 */
export function formatOption(flags: string, description: string, choices: readonly string[], defaultValue: string): Option {
  return new Option(flags, `${description}: ${choices.join(', ')}`)
    .default(defaultValue)
    .argParser((value: string) => {
      if (!choices.includes(value)) throw new ConfigError(`Unknown format "${value}": use one of ${choices.join(', ')}`);
      return value;
    });
}

/** `--report codequality=gl-code-quality.json` */
export function parseReportTarget(value: string): ReportTarget {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new ConfigError(`--report expects FORMAT=FILE (e.g. codequality=gl-code-quality-report.json), got "${value}"`);
  return { format: parseFormat(value.slice(0, eq)), file: value.slice(eq + 1) };
}
