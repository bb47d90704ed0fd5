import { ConfigError } from '../config/errors.js';
import { prepareRun } from '../engine/run.js';
import { buildCalendar, CALENDAR_FORMATS, type CalendarFormat, dueWithin, formatCalendar } from './calendar.js';
import { parseNow } from '../cli/util.js';

export interface ReviewsCommandInput {
  cwd: string;
  paths: string[];
  config?: string;
  /** --now as given; POLICYLINT_NOW or the clock when absent. */
  now?: string;
  format: string;
  dueWithin?: string;
  stdout(text: string): void;
}

function isFormat(value: string): value is CalendarFormat {
  return (CALENDAR_FORMATS as readonly string[]).includes(value);
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
export async function runReviewsCommand(input: ReviewsCommandInput): Promise<void> {
  if (!isFormat(input.format)) throw new ConfigError(`Unknown --format "${input.format}": use ${CALENDAR_FORMATS.join(', ')}`);
  const days = parseDays(input.dueWithin);
  const prepared = await prepareRun({ cwd: input.cwd, configPath: input.config, patterns: input.paths, now: parseNow(input.now) });
  const calendar = await buildCalendar(prepared);
  input.stdout(formatCalendar(days === undefined ? calendar : dueWithin(calendar, days), input.format));
}

