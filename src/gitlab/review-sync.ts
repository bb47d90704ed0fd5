// Runs `policylint reviews --sync-issues`: settings and token as `mr` reads them, the checklist
// template from the config, the review calendar, then the sync (review-issues.ts) and its plan.
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { ResolvedConfig } from '../config/types.js';
import { FileTooLarge, openRegularFile, readBounded, readErrorReason } from '../io/files.js';
import type { CalendarEntry } from '../reviews/calendar.js';
import type { SYNC_FORMATS } from '../reviews/formats.js';
import { plural } from '../util/text.js';
import { createGitLabClient, fixForApiError, type ApiErrorFixes, type RetryPolicy } from './client.js';
import { describeError, redact } from './redact.js';
import { DEFAULT_CHECKLIST } from './review-issue-body.js';
import { syncReviewIssues, type ReviewIssueAction, type SyncResult } from './review-issues.js';
import { readProjectTarget, readToken } from './settings.js';

/** Exit code when GitLab could not be read or written: the scheduled job fails, reports nothing half-done silently. */
const SYNC_FAILED = 3;
const MAX_TEMPLATE_BYTES = 64 * 1024;
/** What to do when the token cannot read or write the issues; a failure of GitLab itself needs no advice beyond re-running. */
const SYNC_API_FIXES: ApiErrorFixes = {
  unauthorized: 'The token was refused: it is invalid, revoked or expired; renew it.',
  forbidden: 'The token may not do this: --apply needs the api scope (read_api is enough for a dry run) and at least the Reporter role in the project.',
  notFound: "GitLab answered 404 Not Found: check the project (CI_PROJECT_ID or --project) and that the token's user is a member of it.",
  otherwise: '',
};

export interface SyncFlags {
  serverUrl?: string;
  project?: string;
  tokenEnv?: string;
  /** Write to GitLab; without it the run only reads and prints the plan. */
  apply: boolean;
}

export interface SyncRunOptions extends SyncFlags {
  entries: readonly CalendarEntry[];
  config: ResolvedConfig;
  repositoryPrefix: string;
  dueWithinDays: number;
  format: (typeof SYNC_FORMATS)[number];
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Tests make retries instant. */
  retry?: Partial<RetryPolicy>;
}

function readChecklist(config: ResolvedConfig): string {
  const file = config.reviews.issueTemplate;
  if (file === undefined) return DEFAULT_CHECKLIST;
  try {
    return readBounded(openRegularFile(path.resolve(config.root, file)), MAX_TEMPLATE_BYTES).toString('utf8');
  } catch (error) {
    const reason = error instanceof FileTooLarge ? `over the ${MAX_TEMPLATE_BYTES / 1024} KiB limit for a template` : readErrorReason(error);
    throw new ConfigError(`Cannot read reviews.issueTemplate ${file}: ${reason}`);
  }
}

export async function runReviewSync(options: SyncRunOptions): Promise<number> {
  const { token, tokenSource } = readToken(options.tokenEnv, options.env);
  const secrets = token ? [token] : [];
  if (!token && options.apply) {
    throw new ConfigError(`reviews --sync-issues --apply needs a GitLab token with the api scope, and ${tokenSource} is not set: nothing was changed`);
  }
  const checklist = readChecklist(options.config);
  const target = token ? readProjectTarget(options, options.env, 'reviews --sync-issues') : undefined;
  const gitlab = target && token ? { api: createGitLabClient({ host: target.serverUrl, token, retry: options.retry }), projectId: target.projectId } : null;
  let result: SyncResult;
  const done: ReviewIssueAction[] = [];
  try {
    result = await syncReviewIssues({
      entries: options.entries,
      dueWithinDays: options.dueWithinDays,
      repositoryPrefix: options.repositoryPrefix,
      checklist,
      gitlab,
      apply: options.apply,
      secrets,
      onApplied: (action) => done.push(action),
    });
  } catch (error) {
    const what = options.apply ? 'review issues not fully synced' : 'cannot plan review issues';
    const advice = [fixForApiError(error, SYNC_API_FIXES), 'Re-running is safe: it picks up where this run stopped.'].filter(Boolean).join(' ');
    options.stderr(`policylint reviews: ${what}: ${describeError(error, secrets)}. ${advice}\n`);
    if (options.apply) options.stderr(redact(describeDone(done), secrets));
    return SYNC_FAILED;
  }
  if (result.unchecked)
    options.stderr(`policylint reviews: no GitLab token (${tokenSource} is not set): ${result.unchecked}; every document due is listed as create.\n`);
  options.stdout(redact(options.format === 'json' ? formatJson(result) : formatText(result, options.dueWithinDays), secrets));
  return 0;
}

/** What a failed --apply run changed before it stopped, for the job log. */
function describeDone(done: readonly ReviewIssueAction[]): string {
  if (done.length === 0) return 'Nothing was changed in GitLab before the failure.\n';
  const lines = done.map((a) => `  ${a.action} ${a.path}${a.issue === undefined ? '' : ` #${a.issue}`}: ${a.reason}`);
  return `Already changed in GitLab before the failure:\n${lines.join('\n')}\n`;
}

function formatJson(result: SyncResult): string {
  return `${JSON.stringify({ applied: result.applied, unchecked: result.unchecked ?? null, actions: result.actions, unknownReviewDate: result.unknown }, null, 2)}\n`;
}

function formatText(result: SyncResult, days: number): string {
  const rows = result.actions.map((a) => [
    a.action,
    a.path,
    a.issue === undefined ? '-' : `#${a.issue}`,
    [a.reason, a.assignees?.length ? `assign ${a.assignees.join(', ')}` : ''].filter(Boolean).join('; '),
  ]);
  const widths = [0, 1, 2].map((column) => Math.max(0, ...rows.map((row) => row[column]!.length)));
  const lines = rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  '));
  const count = (action: string) => result.actions.filter((a) => a.action === action).length;
  const summary = result.applied
    ? `${count('create')} created, ${count('update')} updated, ${count('close')} closed, ${count('keep')} unchanged`
    : `${count('create')} to create, ${count('update')} to update, ${count('close')} to close, ${count('keep')} unchanged`;
  const head = result.applied ? 'Review issues synced' : 'Dry run, nothing changed (add --apply to make these changes)';
  const out = [
    `${head}: documents due within ${days} days or overdue.`,
    '',
    ...(lines.length > 0 ? lines : ['(no document is due and no review issue is open)']),
    '',
    summary,
  ];
  if (result.unknown.length > 0) out.push(`${plural(result.unknown.length, 'document')} with an unknown review date get no issue: see \`policylint reviews\`.`);
  return `${out.join('\n')}\n`;
}
