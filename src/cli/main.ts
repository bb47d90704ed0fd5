import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { rules } from '../../rules/index.js';
import { ConfigError } from '../config/errors.js';
import { CONFIG_FILE_NAMES } from '../config/load.js';
import { lint, resolveConfigFile, ruleSettingFor, prepareRun, summarizeRule, type LintResult } from '../engine/run.js';
import { registerSubcommands } from './commands/index.js';
import { parseFormat, parseReportTarget, renderReport, writeReports, type ReportTarget } from './output.js';
import { startProgress } from './progress.js';
import { parseNow, useColor } from './util.js';
import { VERSION } from './version.js';

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

interface LintFlags {
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

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

async function runLint(patterns: string[], flags: LintFlags): Promise<number> {
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
  const shown = flags.quiet ? { ...result, findings: result.findings.filter((f) => f.severity === 'error') } : result;
  await writeReports(result, reports, { cwd });
  const text = renderReport(shown, format, { color: !flags.output && format === 'stylish' && useColor(process.stdout) });
  if (flags.output) await writeReports(shown, [{ format, file: flags.output }], { cwd });
  else process.stdout.write(text);
  const errors = result.findings.filter((f) => f.severity === 'error').length;
  const warnings = result.findings.length - errors;
  if (errors > 0) return EXIT.findings;
  if (maxWarnings >= 0 && warnings > maxWarnings) {
    process.stderr.write(`policylint found ${warnings} warnings (more than --max-warnings ${maxWarnings}).\n`);
    return EXIT.findings;
  }
  return EXIT.ok;
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

const STARTER_CONFIG = `# policylint configuration: https://gitlab.com/policylint/policylint/-/blob/main/docs/configuration.md
# yaml-language-server: $schema=./node_modules/policylint/schema/policylint.schema.json
extends: gitlab-handbook

# Override any rule of the preset's controlled-document class, e.g.:
# classes:
#   controlled-document:
#     rules:
#       links: "off"
#       review-date: ["error", { maxAgeDays: 365, warnDays: 30 }]
`;

function runInit(options: { force?: boolean }): number {
  const target = path.resolve(CONFIG_FILE_NAMES[0]);
  if (existsSync(target) && !options.force) throw new ConfigError(`${target} already exists; pass --force to overwrite it`);
  writeFileSync(target, STARTER_CONFIG);
  process.stdout.write(`Wrote ${target} (extends the gitlab-handbook preset). Run \`policylint\` to lint.\n`);
  return EXIT.ok;
}

function runRulesList(options: { format?: string }): number {
  const summaries = rules.map(summarizeRule);
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...summaries.map((r) => r.id.length));
  for (const rule of summaries) process.stdout.write(`${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(5)}  ${rule.description}\n${' '.repeat(width + 9)}${rule.docsUrl}\n`);
  return EXIT.ok;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('policylint')
    .description('Lint controlled documents (policies, standards, procedures) kept as Markdown in a GitLab repository.')
    .version(VERSION, '-v, --version')
    .argument('[paths...]', 'files, directories or globs to lint (default: the config\'s include globs)')
    .option('-c, --config <file>', 'config file (default: .policylint.yml found from the current directory upwards)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['stylish', 'json', 'codequality', 'junit', 'sarif']).default('stylish'))
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .option('--report <format=file>', 'also write a report, e.g. codequality=gl-code-quality-report.json (repeatable)', collect, [])
    .option('--changed', 'only files changed since the merge base with --base')
    .option('--base <ref>', 'base for --changed (default: origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else origin/main)')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('--quiet', 'report errors only')
    .option('--print-config <path>', 'print the class and rule settings that apply to a file')
    .option('--now <date>', 'treat this date as today (also POLICYLINT_NOW), for reproducible review-date checks')
    .showHelpAfterError('(run policylint --help for usage)')
    // Options after a subcommand's name belong to it: `policylint rules --format json` must reach `rules`, not the lint --format.
    .enablePositionalOptions()
    .action(async (paths: string[], flags: LintFlags) => setExit(await runLint(paths, flags)));

  program
    .command('rules')
    .description('list every rule with its description and docs link')
    .option('--format <format>', 'text or json', 'text')
    .action((flags: { format?: string }) => setExit(runRulesList(flags)));

  program
    .command('init')
    .description(`write a starter ${CONFIG_FILE_NAMES[0]} on the gitlab-handbook preset`)
    .option('--force', 'overwrite an existing config')
    .action((flags: { force?: boolean }) => setExit(runInit(flags)));

  for (const register of registerSubcommands) register(program);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // The lint command reports its code through setExit; subcommands set process.exitCode themselves.
  let exitCode: number | undefined;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode ?? (typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are 2, as for config errors.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`policylint: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`policylint: internal error: ${(error as Error).message}\n${process.env.POLICYLINT_DEBUG ? `${(error as Error).stack}\n` : 'Set POLICYLINT_DEBUG=1 for a stack trace, and please report it.\n'}`);
    return EXIT.usage;
  }
}

process.exitCode = await main(process.argv);
