import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { CONFIG_FILE_NAMES } from '../config/names.js';
import { redact } from '../gitlab/redact.js';
import { FORMATS } from '../reporters/formats.js';
import { registerSubcommands } from './commands/index.js';
import { EXIT } from './exit.js';
import type { LintFlags } from './lint.js';
import { formatOption } from './report-targets.js';
import { collectValues } from './util.js';
import { VERSION } from './version.js';

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

const RULES_FORMATS = ['text', 'json'] as const;

/**
 * Whether policylint is a dependency of the project at `cwd`: installed in a node_modules folder
 * from `cwd` upwards, or listed by the nearest package.json. Then its command is `npx policylint`,
 * since node_modules/.bin is not on the PATH outside npm scripts.
 */
export function isProjectDependency(cwd: string): boolean {
  let packageJsonSeen = false;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'policylint'))) return true;
    const manifest = path.join(dir, 'package.json');
    if (!packageJsonSeen && existsSync(manifest)) {
      packageJsonSeen = true;
      if (listsPolicylint(manifest)) return true;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

function listsPolicylint(manifest: string): boolean {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some((key) => {
      const deps = json[key];
      return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'policylint');
    });
  } catch {
    // An unreadable or invalid package.json says nothing about policylint; init still works.
    return false;
  }
}

function runInit(options: { force?: boolean }): number {
  const target = path.resolve(CONFIG_FILE_NAMES[0]);
  if (existsSync(target) && !options.force) throw new ConfigError(`${target} already exists; pass --force to overwrite it`);
  writeFileSync(target, STARTER_CONFIG);
  const command = isProjectDependency(process.cwd()) ? 'npx policylint' : 'policylint';
  process.stdout.write(`Wrote ${target} (extends the gitlab-handbook preset). Run \`${command}\` to lint.\n`);
  return EXIT.ok;
}

export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('policylint')
    .description('Lint controlled documents (policies, standards, procedures) kept as Markdown in a GitLab repository.')
    .version(VERSION, '-v, --version')
    .argument('[paths...]', 'files, directories or globs to lint (default: the config\'s include globs)')
    .option('-c, --config <file>', 'config file (default: .policylint.yml found from the current directory upwards)')
    .addOption(formatOption('-f, --format <format>', 'output format', FORMATS, 'stylish'))
    .option('-o, --output <file>', 'write the output to a file instead of stdout')
    .option('--report <format=file>', `also write a report, e.g. codequality=gl-code-quality-report.json (repeatable; formats: ${FORMATS.join(', ')})`, collectValues, [])
    .option('--changed', 'only files changed since the merge base with --base')
    .option('--base <ref>', 'base for --changed (default: origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME, else origin/main)')
    .option('--staged', 'lint what the next commit records: the staged (index) content of the files staged differently from HEAD, not the work tree')
    .option('--from <ref>', 'with --to: only files changed between the merge base of <ref> and --to, and --to')
    .option('--to <ref>', 'lint the documents as commit <ref> holds them (git objects, not the work tree); default HEAD when --from is given')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this')
    .option('--quiet', 'report errors only (warnings still count for --max-warnings)')
    .option('--print-config <path>', 'print the class and rule settings that apply to a file')
    .option('--now <date>', 'treat this date as today (also POLICYLINT_NOW), for reproducible review-date checks')
    .showHelpAfterError('(run policylint --help for usage)')
    // Options after a subcommand's name belong to it: `policylint rules --format json` must reach `rules`, not the lint --format.
    .enablePositionalOptions()
    .action(async (paths: string[], flags: LintFlags) => {
      const { runLint } = await import('./lint.js');
      setExit(await runLint(paths, flags));
    });

  program
    .command('rules')
    .description('list every rule (file-error included) with its default severity, description and docs link')
    .addOption(formatOption('--format <format>', 'output format', RULES_FORMATS, 'text'))
    .action(async (flags: { format?: string }) => {
      const { runRulesList } = await import('./lint.js');
      setExit(runRulesList(flags));
    });

  program
    .command('init')
    .description(`write a starter ${CONFIG_FILE_NAMES[0]} on the gitlab-handbook preset`)
    .option('--force', 'overwrite an existing config')
    .action((flags: { force?: boolean }) => setExit(runInit(flags)));

  for (const register of registerSubcommands) register(program, setExit);
  program.exitOverride();
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Options only the plain lint command has; using one means the user asked for a local-style lint. */
const LINT_ONLY_OPTIONS = new Set(['--changed', '--base', '--staged', '--from', '--to', '-o', '--output', '--max-warnings', '--quiet', '--print-config']);
const VALUE_OPTIONS = new Set(['-c', '--config', '-f', '--format', '--report', '--now']);

/**
 * In a merge-request pipeline a bare `policylint` (options only, no paths, no lint-only option)
 * means `policylint mr`, so the CI job needs no extra word; anything else stays a plain lint.
 */
export function withImplicitMergeRequest(argv: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const args = argv.slice(2);
  if (env.CI_PIPELINE_SOURCE !== 'merge_request_event') return [...argv];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = arg.split('=', 1)[0]!;
    if (!arg.startsWith('-') || LINT_ONLY_OPTIONS.has(name) || name === '-v' || name === '--version' || name === '-h' || name === '--help') return [...argv];
    if (VALUE_OPTIONS.has(arg)) i++;
  }
  return [...argv.slice(0, 2), 'mr', ...args];
}

/** Where GitLab tokens live in a CI job: ours and GitLab's own job token. */
const TOKEN_VARIABLES = ['GITLAB_TOKEN', 'POLICYLINT_GITLAB_TOKEN', 'CI_JOB_TOKEN'];

export async function main(argv: string[]): Promise<number> {
  // The lint command reports its code through setExit; subcommands set process.exitCode themselves.
  let exitCode: number | undefined;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(withImplicitMergeRequest(argv, process.env));
    return exitCode ?? (typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are 2, as for config errors.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Job logs are widely readable, and an error may quote a token (a mistyped flag value, say).
    const tokens = TOKEN_VARIABLES.map((name) => process.env[name]?.trim() ?? '');
    if (error instanceof ConfigError) {
      process.stderr.write(redact(`policylint: ${error.message}\n`, tokens));
      return EXIT.usage;
    }
    const details = process.env.POLICYLINT_DEBUG ? `${(error as Error).stack}\n` : 'Set POLICYLINT_DEBUG=1 for a stack trace, and please report it.\n';
    process.stderr.write(redact(`policylint: internal error: ${(error as Error).message}\n${details}`, tokens));
    return EXIT.usage;
  }
}

