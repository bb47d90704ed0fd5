import { Option } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { CALENDAR_FORMATS } from '../../reviews/formats.js';
import { EXIT } from '../exit.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

export interface ReviewsCommandInput {
  cwd: string;
  paths: string[];
  config?: string;
  /** --now as given; POLICYLINT_NOW or the clock when absent. */
  now?: string;
  format: (typeof CALENDAR_FORMATS)[number];
  dueWithin?: string;
  stdout(text: string): void;
}

function parseDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new ConfigError(`Invalid --due-within value "${value}": use a whole number of days`);
  return Number(value);
}

/**
 * Runs `policylint reviews`. It is a report, so it succeeds (exit 0) however late the reviews are;
 * configuration and usage mistakes throw ConfigError, which the CLI main turns into exit code 2.
 */
export async function runReviewsCommand(input: ReviewsCommandInput): Promise<number> {
  const days = parseDays(input.dueWithin);
  const now = parseNow(input.now);
  // The engine and the calendar are loaded when the command runs, not at start-up.
  const [{ prepareRun }, { buildCalendar, dueWithin, formatCalendar }] = await Promise.all([import('../../engine/run.js'), import('../../reviews/calendar.js')]);
  const prepared = await prepareRun({ cwd: input.cwd, configPath: input.config, patterns: input.paths, now });
  const calendar = await buildCalendar(prepared);
  input.stdout(formatCalendar(days === undefined ? calendar : dueWithin(calendar, days), input.format));
  return EXIT.ok;
}

type ReviewsFlags = Pick<ReviewsCommandInput, 'config' | 'now' | 'format' | 'dueWithin'>;

export const reviewsCommand: CliCommand<ReviewsFlags> = {
  name: 'reviews',
  define: (command) =>
    command
      .description('List controlled documents with their last review, due date, status and CODEOWNERS owners, earliest due first')
      .argument('[paths...]', 'files, directories or globs to consider (default: the config include globs)')
      .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
      .option('--now <date>', 'today, as YYYY-MM-DD or an ISO timestamp (default: POLICYLINT_NOW, else the clock)')
      .addOption(new Option('--format <format>', 'output format').choices(CALENDAR_FORMATS).default('text'))
      .option('--due-within <days>', 'only documents due within this many days, overdue ones included'),

  run: (paths, flags) => runReviewsCommand({ cwd: process.cwd(), paths, ...flags, stdout: (text) => process.stdout.write(text) }),
};
