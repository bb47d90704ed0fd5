import path from 'node:path';
import { rules } from '../../rules/index.js';
import { ConfigError } from '../config/errors.js';
import { FILE_ERROR_SUMMARY, lint, prepareRun, ruleSettingFor, summarizeRule, type LintResult } from '../engine/run.js';
import { printReport, writeReports } from './output.js';
import { startProgress } from './progress.js';
import { parseFormat, parseReportTarget, type ReportTarget } from './report-targets.js';
import { EXIT } from './exit.js';
import { parseNow, useColor } from './util.js';

// The default command's work, loaded only when it runs so --version and --help start fast.

export interface LintFlags {
  config?: string;
  format: string;
  output?: string;
  report: string[];
  changed?: boolean;
  base?: string;
  maxWarnings?: string;
  quiet?: boolean;
  printConfig?: string;
  now?: string;
}

export async function runLint(patterns: string[], flags: LintFlags): Promise<number> {
  const cwd = process.cwd();
  const now = parseNow(flags.now);
  if (flags.printConfig) return printConfig(flags.printConfig, flags, cwd, now);
  const format = parseFormat(flags.format);
  const reports: ReportTarget[] = flags.report.map(parseReportTarget);
  const maxWarnings = flags.maxWarnings === undefined ? -1 : Number(flags.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new ConfigError(`--max-warnings expects a whole number, got "${flags.maxWarnings}"`);
  const progress = startProgress(process.stderr);
  let result: LintResult;
  try {
    result = await lint({ cwd, configPath: flags.config, patterns, changedBase: flags.changed ? (flags.base ?? true) : undefined, now, onProgress: progress.update });
  } finally {
    progress.stop();
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const tooManyWarnings = maxWarnings >= 0 && warnings > maxWarnings;
  const shown = flags.quiet ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') } : result;
  await writeReports(result, reports, { cwd });
  // With --quiet, warnings past --max-warnings fail a run that shows no finding: stylish would then
  // say "no problems" just before exit code 1. Say nothing there; stderr says what failed.
  const misleading = format === 'stylish' && shown.findings.length === 0 && tooManyWarnings;
  // compact renders no findings as no bytes: an empty --output file rather than a false all-clear.
  if (flags.output) await writeReports(shown, [{ format: misleading ? 'compact' : format, file: flags.output }], { cwd });
  else if (!misleading) printReport(shown, format, { color: format === 'stylish' && useColor(process.stdout) });
  if (errors > 0) return EXIT.findings;
  if (tooManyWarnings) {
    const hidden = flags.quiet ? ', not shown because of --quiet' : '';
    process.stderr.write(`policylint found ${plural(warnings, 'warning')} (more than --max-warnings ${maxWarnings})${hidden}.\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Shows which class selects a file and every rule's effective setting, like `eslint --print-config`. */
async function printConfig(file: string, flags: LintFlags, cwd: string, now: Date): Promise<number> {
  const prepared = await prepareRun({ cwd, configPath: flags.config, patterns: [file], now });
  const doc = prepared.documents[0];
  const relative = path.relative(prepared.config.root, path.resolve(cwd, file)).split(path.sep).join('/');
  const documentClass = doc ? prepared.config.classes.find((c) => c.name === doc.classes[0]) : undefined;
  const rulesFor = documentClass ? Object.fromEntries(Object.keys(documentClass.rules).sort().map((id) => [id, ruleSettingFor(prepared.config, doc!, id)])) : {};
  process.stdout.write(
    `${JSON.stringify({ path: relative, configFile: prepared.config.file ?? null, class: documentClass?.name ?? null, selected: doc !== undefined, rules: rulesFor }, null, 2)}\n`,
  );
  return EXIT.ok;
}

/** Every rule, in registry order, then file-error (always on, no rule module); `format` is checked by the command line. */
export function runRulesList(options: { format?: string }): number {
  const summaries = [...rules.map(summarizeRule), FILE_ERROR_SUMMARY];
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...summaries.map((r) => r.id.length));
  for (const rule of summaries) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(5)}  ${rule.description}\n${' '.repeat(width + 9)}${rule.docsUrl}\n`);
  return EXIT.ok;
}
