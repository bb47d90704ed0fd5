import { ConfigError } from '../config/errors.js';

/** "Today" for a run: --now, else POLICYLINT_NOW, else the clock. Accepts YYYY-MM-DD or an ISO timestamp. */
export function parseNow(value: string | undefined = process.env.POLICYLINT_NOW): Date {
  if (value === undefined || value === '') return new Date();
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(value);
  if (Number.isNaN(date.getTime())) throw new ConfigError(`Invalid --now/POLICYLINT_NOW value "${value}": use YYYY-MM-DD or an ISO 8601 timestamp`);
  return date;
}

/** Colour on a TTY unless NO_COLOR is set; FORCE_COLOR forces it either way (https://no-color.org, https://force-color.org). */
export function useColor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true;
}
