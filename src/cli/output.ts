import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LintResult } from '../engine/run.js';
import { formatReport, reportChunks, type FormatName, type ReportInput } from '../reporters/index.js';
import type { ReportTarget } from './report-targets.js';
import { VERSION } from './version.js';

function reportInput(result: LintResult, options: { color: boolean }): ReportInput {
  // Terminal paths are absolute (clickable, as ESLint prints them); machine formats stay repository-relative.
  return { findings: result.findings, rules: result.rules, filesLinted: result.filesLinted, toolVersion: VERSION, color: options.color, cwd: result.config.root };
}

export function renderReport(result: LintResult, format: FormatName, options: { color: boolean }): string {
  return formatReport(format, reportInput(result, options));
}

/** Writes the report to stdout piece by piece: a whole handbook's findings need not be held as one string. */
export function printReport(result: LintResult, format: FormatName, options: { color: boolean }): void {
  for (const chunk of reportChunks(format, reportInput(result, options))) process.stdout.write(chunk);
}

/** Writes every requested report file (relative to `cwd`), creating folders as needed. */
export async function writeReports(result: LintResult, targets: readonly ReportTarget[], options: { cwd: string }): Promise<void> {
  for (const target of targets) {
    const file = path.resolve(options.cwd, target.file);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, reportChunks(target.format, reportInput(result, { color: false })));
  }
}
