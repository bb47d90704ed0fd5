import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LintResult } from '../engine/run.js';
import { formatReport, type FormatName } from '../reporters/index.js';
import type { ReportTarget } from './report-targets.js';
import { VERSION } from './version.js';

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
