import path from 'node:path';
import { rules } from '../../rules/index.js';
import { ConfigError } from '../config/errors.js';
import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { FILE_ERROR_SUMMARY, lint, prepareRun, ruleSettingFor, summarizeRule, type LintResult, type RunOptions } from '../engine/run.js';
import { inSnapshot, snapshotRange, snapshotStaged, withoutRepositoryVariables, type Snapshot } from '../git/snapshot.js';
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
  staged?: boolean;
  from?: string;
  to?: string;
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
    const options: RunOptions = { cwd, configPath: flags.config, patterns, changedBase: flags.changed ? (flags.base ?? true) : undefined, now, onProgress: progress.update };
    result = snapshotWanted(flags) ? await lintSnapshot(options, flags) : await lint(options);
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

function snapshotWanted(flags: LintFlags): boolean {
  return flags.staged === true || flags.from !== undefined || flags.to !== undefined;
}

/**
 * --staged, --from/--to: lints what git records (the index, or the commit --to) rather than the
 * work tree, from a temporary checkout of it. Paths in the result are the user's: the
 * repository-relative paths are the same, and the config's folder is mapped back to the work tree.
 */
async function lintSnapshot(options: RunOptions, flags: LintFlags): Promise<LintResult> {
  if (flags.staged && (flags.from !== undefined || flags.to !== undefined)) throw new ConfigError('--staged lints the index; it cannot be combined with --from or --to');
  if (flags.changed || flags.base !== undefined) throw new ConfigError(`${flags.staged ? '--staged' : '--from/--to'} chooses the files itself; it cannot be combined with --changed or --base`);
  const snapshot: Snapshot = flags.staged ? await snapshotStaged(options.cwd) : await snapshotRange(options.cwd, flags.from, flags.to ?? 'HEAD');
  try {
    const realCwd = realpathSync.native(options.cwd);
    const cwd = inSnapshot(snapshot, realCwd);
    // The folder the user runs from may hold nothing git records; the run still starts there.
    await mkdir(cwd, { recursive: true });
    const configPath = options.configPath === undefined ? undefined : inSnapshot(snapshot, path.resolve(realCwd, options.configPath));
    const patterns = (options.patterns ?? []).map((pattern) => (path.isAbsolute(pattern) ? inSnapshot(snapshot, pattern) : pattern));
    const result = await withoutRepositoryVariables(() => lint({ ...options, cwd, configPath, patterns, changedBase: snapshot.base }));
    return fromSnapshot(result, snapshot);
  } finally {
    snapshot.dispose();
  }
}

/** The result with the snapshot's folder replaced by the user's work tree (terminal headings, messages). */
function fromSnapshot(result: LintResult, snapshot: Snapshot): LintResult {
  const root = path.join(snapshot.gitRoot, path.relative(snapshot.dir, result.config.root));
  const unmap = (text: string) => text.split(snapshot.dir).join(snapshot.gitRoot);
  return {
    ...result,
    config: { ...result.config, root },
    findings: result.findings.map((finding) => (finding.message.includes(snapshot.dir) ? { ...finding, message: unmap(finding.message) } : finding)),
  };
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
