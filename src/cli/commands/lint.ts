import { realpathSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { ConfigError } from '../../config/errors.js';
import type { LintResult, RunOptions } from '../../engine/run.js';
import type { Snapshot } from '../../git/snapshot.js';
import { FORMATS, type FormatName } from '../../reporters/formats.js';
import { parseShard, shardFromEnvironment } from '../../select/shard.js';
import type { ReportTarget } from '../../reporters/write.js';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { toPosix } from '../../util/paths.js';
import { plural } from '../../util/text.js';
import { collectReportTarget } from '../report-targets.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';
import { mrCommand } from './mr.js';

export interface LintFlags {
  config?: string;
  format: FormatName;
  output?: string;
  report: ReportTarget[];
  changed?: boolean;
  base?: string;
  maxWarnings?: string;
  quiet?: boolean;
  printConfig?: string;
  now?: string;
  shard?: string;
  staged?: boolean;
  from?: string;
  to?: string;
}

// The engine (rules, Markdown parser), the reporters and the snapshot code are loaded when a lint runs, not at start-up.
const loadEngine = () => import('../../engine/run.js');
const loadOutput = () => Promise.all([import('../../reporters/write.js'), import('../output.js')]);

/** The default command: `policylint [paths...]`. */
export const lintCommand: CliCommand<LintFlags> = {
  define: (program) =>
    program
      .argument('[paths...]', "files, directories or globs to lint (default: the config's include globs)")
      .option('-c, --config <file>', 'config file (default: .policylint.yml found from the current directory upwards)')
      .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
      .option('-o, --output <file>', 'write the output to a file instead of stdout')
      .option(
        '--report <format=file>',
        `also write a report, e.g. codequality=gl-code-quality-report.json (repeatable; formats: ${FORMATS.join(', ')})`,
        collectReportTarget,
        [],
      )
      .option('--changed', 'only files changed since the merge base with --base')
      .option('--base <ref>', 'base for --changed (default: origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else origin/main)')
      .option('--staged', 'lint what the next commit records: the staged (index) content of the files staged differently from HEAD, not the work tree')
      .option('--from <ref>', 'with --to: only files changed between the merge base of <ref> and --to, and --to')
      .option('--to <ref>', 'lint the documents as commit <ref> holds them (git objects, not the work tree); default HEAD when --from is given')
      .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
      .option('--quiet', 'report errors only (warnings still count for --max-warnings)')
      .option('--print-config <path>', 'print the class and rule settings that apply to a file')
      .option('--now <date>', 'treat this date as today (also POLICYLINT_NOW), for reproducible review-date checks')
      .option('--shard <index/total>', 'lint only shard INDEX of TOTAL, split by path (default: CI_NODE_INDEX/CI_NODE_TOTAL of a GitLab parallel: job)'),

  run(paths, flags, program) {
    const mr = program.commands.find((command) => command.name() === mrCommand.name);
    if (mr !== undefined && meansMergeRequest(paths, program, mr, process.env)) {
      return mrCommand.run([], { config: flags.config, now: flags.now, report: flags.report, format: flags.format }, mr);
    }
    return runLint(paths, flags);
  },
};

/**
 * In a merge-request pipeline a bare `policylint` means `policylint mr`, so the CI job needs no
 * extra word. Bare: no paths, and no option given that `mr` does not have (--changed, --output,
 * --quiet… ask for a plain lint); the options both have pass on to `mr`.
 */
export function meansMergeRequest(paths: readonly string[], program: Command, mr: Command, env: NodeJS.ProcessEnv): boolean {
  if (env.CI_PIPELINE_SOURCE !== 'merge_request_event' || paths.length > 0) return false;
  const shared = new Set(mr.options.map((option) => option.attributeName()));
  return program.options.every((option) => shared.has(option.attributeName()) || program.getOptionValueSource(option.attributeName()) !== 'cli');
}

async function runLint(patterns: string[], flags: LintFlags): Promise<number> {
  const cwd = process.cwd();
  const now = parseNow(flags.now);
  const shard = flags.shard === undefined ? shardFromEnvironment(process.env) : parseShard(flags.shard);
  if (flags.printConfig) return printConfig(flags.printConfig, flags, cwd, now);
  const maxWarnings = flags.maxWarnings === undefined ? -1 : Number(flags.maxWarnings);
  if (!Number.isInteger(maxWarnings) || maxWarnings < -1) throw new ConfigError(`--max-warnings expects a whole number, got "${flags.maxWarnings}"`);
  const progress = startProgress(process.stderr);
  let result: LintResult;
  try {
    const options: RunOptions = {
      cwd,
      configPath: flags.config,
      patterns,
      changedBase: flags.changed ? (flags.base ?? true) : undefined,
      now,
      shard,
      onProgress: progress.update,
    };
    result = snapshotWanted(flags) ? await lintSnapshot(options, flags) : await (await loadEngine()).lint(options);
  } finally {
    progress.stop();
  }
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  const tooManyWarnings = maxWarnings >= 0 && warnings > maxWarnings;
  const shown = flags.quiet ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') } : result;
  const [{ writeReports }, { printReport }] = await loadOutput();
  await writeReports(result, flags.report, { cwd });
  // With --quiet, warnings past --max-warnings fail a run that shows no finding: stylish would then
  // say "no problems" just before exit code 1. Say nothing there; stderr says what failed.
  const misleading = flags.format === 'stylish' && shown.findings.length === 0 && tooManyWarnings;
  // compact renders no findings as no bytes: an empty --output file rather than a false all-clear.
  if (flags.output) await writeReports(shown, [{ format: misleading ? 'compact' : flags.format, file: flags.output }], { cwd });
  else if (!misleading) printReport(shown, flags.format);
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
  if (flags.staged && (flags.from !== undefined || flags.to !== undefined))
    throw new ConfigError('--staged lints the index; it cannot be combined with --from or --to');
  if (flags.changed || flags.base !== undefined)
    throw new ConfigError(`${flags.staged ? '--staged' : '--from/--to'} chooses the files itself; it cannot be combined with --changed or --base`);
  const [{ lint }, { inSnapshot, snapshotRange, snapshotStaged, withoutRepositoryVariables }] = await Promise.all([
    loadEngine(),
    import('../../git/snapshot.js'),
  ]);
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

/** Shows which class selects a file and every rule's effective setting, like `eslint --print-config`. */
async function printConfig(file: string, flags: LintFlags, cwd: string, now: Date): Promise<number> {
  const { prepareRun } = await loadEngine();
  const prepared = await prepareRun({ cwd, configPath: flags.config, patterns: [file], now });
  const doc = prepared.documents[0];
  const relative = toPosix(path.relative(prepared.config.root, path.resolve(cwd, file)));
  const documentClass = doc ? prepared.config.classes.find((c) => c.name === doc.documentClass) : undefined;
  const rulesFor = documentClass
    ? Object.fromEntries(
        Object.keys(documentClass.rules)
          .sort()
          .map((id) => [id, documentClass.rules[id]]),
      )
    : {};
  process.stdout.write(
    `${JSON.stringify({ path: relative, configFile: prepared.config.file ?? null, class: documentClass?.name ?? null, selected: doc !== undefined, rules: rulesFor }, null, 2)}\n`,
  );
  return EXIT.ok;
}
