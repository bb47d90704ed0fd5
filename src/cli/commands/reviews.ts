import { Option } from 'commander';
import { ConfigError } from '../../config/errors.js';
import type { RetryPolicy } from '../../gitlab/client.js';
import { CALENDAR_FORMATS, SYNC_FORMATS } from '../../reviews/formats.js';
import { EXIT } from '../exit.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

/** Review issues are opened this many days before the due date unless --due-within says otherwise. */
const DEFAULT_SYNC_DAYS = 30;

export interface ReviewsCommandInput {
  cwd: string;
  paths: string[];
  config?: string;
  /** --now as given; POLICYLINT_NOW or the clock when absent. */
  now?: string;
  format: (typeof CALENDAR_FORMATS)[number];
  dueWithin?: string;
  /** One GitLab issue per document due (`--sync-issues`); a dry run unless `apply`. */
  syncIssues?: boolean;
  apply?: boolean;
  dryRun?: boolean;
  serverUrl?: string;
  project?: string;
  tokenEnv?: string;
  env?: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr?(text: string): void;
  /** Tests make GitLab retries instant. */
  retry?: Partial<RetryPolicy>;
}

function parseDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ConfigError(`Invalid --due-within value "${value}": use a whole number of days`);
  return Number(value);
}

function checkSyncFlags(input: ReviewsCommandInput): void {
  const gitlabFlags = (['apply', 'dryRun', 'serverUrl', 'project', 'tokenEnv'] as const).filter((flag) => input[flag] !== undefined);
  if (!input.syncIssues && gitlabFlags.length > 0)
    throw new ConfigError(`--${gitlabFlags[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} only applies with --sync-issues`);
  if (input.apply && input.dryRun) throw new ConfigError('--apply and --dry-run contradict each other: choose one (a dry run is the default)');
  if (input.syncIssues && !(SYNC_FORMATS as readonly string[]).includes(input.format))
    throw new ConfigError(`--sync-issues prints its plan as ${SYNC_FORMATS.join(' or ')}, not ${input.format}`);
}

/**
 * Runs `policylint reviews`. It is a report, so it succeeds (exit 0) however late the reviews are;
 * configuration and usage mistakes throw ConfigError, which the CLI main turns into exit code 2.
 * With --sync-issues it keeps one GitLab issue per document due (exit 3 when GitLab fails).
 */
export async function runReviewsCommand(input: ReviewsCommandInput): Promise<number> {
  checkSyncFlags(input);
  const days = parseDays(input.dueWithin);
  const now = parseNow(input.now);
  // The engine and the calendar are loaded when the command runs, not at start-up.
  const [{ prepareRun }, { buildCalendar, dueWithin, formatCalendar }] = await Promise.all([
    import('../../engine/run.js'),
    import('../../reviews/calendar.js'),
  ]);
  const prepared = await prepareRun({ cwd: input.cwd, configPath: input.config, patterns: input.paths, now });
  const calendar = await buildCalendar(prepared);
  if (input.syncIssues) {
    const { runReviewSync } = await import('../../gitlab/review-sync.js');
    return runReviewSync({
      entries: calendar,
      config: prepared.config,
      repositoryPrefix: await prepared.project.codeownersPrefix(),
      dueWithinDays: days ?? DEFAULT_SYNC_DAYS,
      format: input.format as (typeof SYNC_FORMATS)[number],
      apply: input.apply === true,
      serverUrl: input.serverUrl,
      project: input.project,
      tokenEnv: input.tokenEnv,
      env: input.env ?? process.env,
      stdout: input.stdout,
      stderr: input.stderr ?? ((text) => process.stderr.write(text)),
      retry: input.retry,
    });
  }
  input.stdout(formatCalendar(days === undefined ? calendar : dueWithin(calendar, days), input.format));
  return EXIT.ok;
}

type ReviewsFlags = Pick<
  ReviewsCommandInput,
  'config' | 'now' | 'format' | 'dueWithin' | 'syncIssues' | 'apply' | 'dryRun' | 'serverUrl' | 'project' | 'tokenEnv'
>;

export const reviewsCommand: CliCommand<ReviewsFlags> = {
  name: 'reviews',
  define: (command) =>
    command
      .description(
        'List controlled documents with their last review, due date, status and CODEOWNERS owners, earliest due first; or keep one GitLab issue per review due (--sync-issues)',
      )
      .argument('[paths...]', 'files, directories or globs to consider (default: the config include globs)')
      .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
      .option('--now <date>', 'today, as YYYY-MM-DD or an ISO timestamp (default: POLICYLINT_NOW, else the clock)')
      .addOption(new Option('--format <format>', 'output format (--sync-issues: text or json)').choices(CALENDAR_FORMATS).default('text'))
      .option('--due-within <days>', `only documents due within this many days, overdue ones included (--sync-issues: default ${DEFAULT_SYNC_DAYS})`)
      .option(
        '--sync-issues',
        'keep one open GitLab issue per document due, assigned to its code owners; closes it once a later review is recorded (for a scheduled pipeline)',
      )
      .option('--apply', 'with --sync-issues: create, edit and close issues (needs a token with the api scope)')
      .option('--dry-run', 'with --sync-issues: only print the plan (the default)')
      .option('--server-url <url>', 'GitLab instance URL (default: $CI_SERVER_URL, else $CI_API_V4_URL without /api/v4)')
      .option('--project <id>', 'project ID or path the issues belong to (default: $CI_PROJECT_ID)')
      .option('--token-env <name>', 'environment variable holding the API token (default: GITLAB_TOKEN, then POLICYLINT_GITLAB_TOKEN)')
      .addHelpText('after', '\nSee docs/governance.md#scheduled-review-issues for the scheduled pipeline job and token scopes.'),

  run: (paths, flags) =>
    runReviewsCommand({ cwd: process.cwd(), paths, ...flags, stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) }),
};
