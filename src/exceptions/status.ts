import type { ExceptionExpiryOptions } from '../../rules/exception-expiry.js';
import { daysBetween, dayOf } from '../reviews/dates.js';
import type { IssueLookup } from './issues.js';

/**
 * Where a tracked exception stands. `unchecked`: no token or GitLab URL, so its issue was not read;
 * `unresolved`: the citation names no issue this could read (a bare `#12` without `project`, or
 * an issue on another GitLab instance); `not-found`: GitLab has no such issue the token can see.
 */
export type ExceptionStatus = 'open' | 'expires-soon' | 'expired' | 'closed' | 'no-due-date' | 'not-found' | 'unresolved' | 'unchecked';

export interface ExceptionJudgement {
  status: ExceptionStatus;
  /** Days from today to the due date (negative once past); null without a due date. */
  daysLeft: number | null;
}

/** The exception's status on `now`, from its issue as read (undefined: not read). */
export function judgeException(
  lookup: IssueLookup | undefined,
  options: Pick<ExceptionExpiryOptions, 'requireDueDate' | 'warnDays'>,
  now: Date,
): ExceptionJudgement {
  if (lookup === undefined) return { status: 'unchecked', daysLeft: null };
  if (lookup === 'missing') return { status: 'not-found', daysLeft: null };
  if (lookup === 'elsewhere') return { status: 'unresolved', daysLeft: null };
  const daysLeft = lookup.dueDate === null ? null : daysBetween(dayOf(now), new Date(`${lookup.dueDate}T00:00:00Z`));
  if (lookup.state === 'closed') return { status: 'closed', daysLeft };
  if (daysLeft === null) return { status: options.requireDueDate ? 'no-due-date' : 'open', daysLeft };
  if (daysLeft < 0) return { status: 'expired', daysLeft };
  return { status: daysLeft <= options.warnDays ? 'expires-soon' : 'open', daysLeft };
}

/** Whether the issue carries every label the config says exception issues carry (case-insensitive, as GitLab's label filter). */
export function hasExceptionLabels(lookup: IssueLookup | undefined, labels: readonly string[]): boolean {
  if (lookup === undefined || typeof lookup === 'string') return true;
  return labels.every((label) => lookup.labels.some((own) => own.toLowerCase() === label.toLowerCase()));
}
