import { Option } from 'commander';
import { EXCEPTIONS_FORMATS, type ExceptionsFormat } from '../../exceptions/formats.js';
import type { RetryPolicy } from '../../gitlab/client.js';
import { writeFileSafely } from '../../reporters/write.js';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

/** Exit code when GitLab could not be read: the list would say nothing about expiry, so none is printed. */
const READ_FAILED = 3;

export interface ExceptionsCommandInput {
  cwd: string;
  paths: string[];
  config?: string;
  now?: string;
  format: ExceptionsFormat;
  output?: string;
  serverUrl?: string;
  tokenEnv?: string;
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The CLI's progress line on a TTY (`startProgress`, as `register` shows it), stopped before the list is printed. */
  progress?: ReturnType<typeof startProgress>;
  /** Tests make GitLab retries instant. */
  retry?: Partial<RetryPolicy>;
}

/**
 * Runs `policylint exceptions`: a report, exit 0 whatever it lists; usage mistakes exit 2 (ConfigError),
 * a GitLab that cannot be read exits 3, saying what was not checked and how to fix it.
 */
export async function runExceptionsCommand(input: ExceptionsCommandInput): Promise<number> {
  const now = parseNow(input.now ?? input.env.POLICYLINT_NOW);
  const [
    { prepareRun },
    { buildExceptions, keepForExceptions },
    { formatExceptions },
    { exceptionIssueReader, fixForReadError },
    { describeError, redact },
    { GitLabApiError },
  ] = await Promise.all([
    import('../../engine/run.js'),
    import('../../exceptions/build.js'),
    import('../../exceptions/format.js'),
    import('../../exceptions/issues.js'),
    import('../../gitlab/redact.js'),
    import('../../gitlab/client.js'),
  ]);
  const setup = exceptionIssueReader(input, input.env, input.retry);
  const secrets = 'secrets' in setup ? setup.secrets : [];
  let text: string;
  try {
    const prepared = await prepareRun(
      { cwd: input.cwd, configPath: input.config, patterns: input.paths, now, onProgress: input.progress?.update },
      keepForExceptions,
    );
    text = formatExceptions(await buildExceptions(prepared, setup), input.format);
  } catch (error) {
    if (!(error instanceof GitLabApiError)) throw error;
    input.stderr(`policylint exceptions: exception issues not read, expiry not checked: ${describeError(error, secrets)}. ${fixForReadError(error)}\n`);
    return READ_FAILED;
  } finally {
    input.progress?.stop();
  }
  if ('unchecked' in setup) input.stderr(`policylint exceptions: ${setup.unchecked}: issues not read, so state, due dates and expiry are not shown.\n`);
  text = redact(text, secrets);
  if (input.output) await writeFileSafely(input.cwd, input.output, text, 'exceptions list');
  else input.stdout(text);
  return EXIT.ok;
}

type ExceptionsFlags = Pick<ExceptionsCommandInput, 'config' | 'now' | 'format' | 'output' | 'serverUrl' | 'tokenEnv'>;

export const exceptionsCommand: CliCommand<ExceptionsFlags> = {
  name: 'exceptions',
  define: (command) =>
    command
      .description(
        "List every tracked exception controlled documents cite, with the citing sentence; with a GitLab token, each issue's state, due date, labels and expiry",
      )
      .argument('[paths...]', 'files, directories or globs to consider (default: the config include globs)')
      .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
      .option('--now <date>', 'today, as YYYY-MM-DD or an ISO timestamp (default: POLICYLINT_NOW, else the clock)')
      .addOption(new Option('--format <format>', 'output format').choices(EXCEPTIONS_FORMATS).default('text'))
      .option('-o, --output <file>', 'write the list to a file instead of stdout')
      .option('--server-url <url>', 'GitLab instance URL (default: $CI_SERVER_URL, else $CI_API_V4_URL without /api/v4)')
      .option('--token-env <name>', 'environment variable holding a token with the read_api scope (default: GITLAB_TOKEN, then POLICYLINT_GITLAB_TOKEN)')
      .addHelpText('after', '\nSee docs/governance.md#exceptions-register.'),

  run: (paths, flags) =>
    runExceptionsCommand({
      cwd: process.cwd(),
      paths,
      ...flags,
      env: process.env,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      // Only the CLI writes to the terminal: a caller passing its own stderr gets no progress line there.
      progress: startProgress(process.stderr),
    }),
};
