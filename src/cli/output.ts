import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { LintResult } from '../engine/run.js';
import { FORMATS, formatReport, type FormatName } from '../reporters/index.js';
import { VERSION } from './version.js';

export interface ReportTarget {
  format: FormatName;
  file: string;
}

export function parseFormat(value: string): FormatName {
  if (!(FORMATS as readonly string[]).includes(value)) throw new ConfigError(`Unknown format "${value}": use one of ${FORMATS.join(', ')}`);
  return value as FormatName;
}

/** `--report codequality=gl-code-quality.json` */
export function parseReportTarget(value: string): ReportTarget {
  const eq = value.indexOf('=');
  if (eq <= 0 || eq === value.length - 1) throw new ConfigError(`--report expects FORMAT=FILE (e.g. codequality=gl-code-quality-report.json), got "${value}"`);
  return { format: parseFormat(value.slice(0, eq)), file: value.slice(eq + 1) };
}

export function renderReport(result: LintResult, format: FormatName, options: { color: boolean }): string {
  // Terminal paths are absolute (clickable, as ESLint prints them); machine formats stay repository-relative.
  return formatReport(format, { findings: result.findings, rules: result.rules, filesLinted: result.filesLinted, toolVersion: VERSION, color: options.color, cwd: result.config.root });
}

/** Writes every requested report file (relative to `cwd`), creating folders as needed. */
export async function writeReports(result: LintResult, targets: readonly ReportTarget[], options: { cwd: string }): Promise<void> {
  for (const target of targets) {
    const file = path.resolve(options.cwd, target.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, renderReport(result, target.format, { color: false }));
  }
}
