import { z } from 'zod';
import type { RuleSetting } from '../src/config/types.js';
import { defineRule, type ProjectCheckContext } from '../src/engine/types.js';
import { exceptionIssueReader, fixForReadError, type IssueLookup } from '../src/exceptions/issues.js';
import { hasExceptionLabels, judgeException } from '../src/exceptions/status.js';
import { issueKey, trackedExceptions, type IssueRef, type TrackedException } from '../src/exceptions/tracked.js';
import { describeError } from '../src/gitlab/redact.js';
import { patternSchema, plainText } from '../src/model/match.js';
import { plural } from '../src/util/text.js';
import { defaultExceptionReferenceOptions, type ExceptionReferenceOptions } from './exception-reference.js';

const options = z.strictObject({
  project: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      'The GitLab project (path, e.g. `group/exceptions`) whose issues track exceptions: a cited `group/exceptions#12`, its issue URL or a bare `#12` is one.',
    ),
  references: z
    .array(patternSchema(plainText.substring))
    .default([])
    .describe(
      'Other cited references that are tracked exceptions: plain text occurs in the reference, ignoring case; `/regex/flags` is tested against it. With neither `project` nor `references`, every cited exception is tracked.',
    ),
  labels: z
    .array(z.string().min(1))
    .default([])
    .describe('Labels every exception issue carries: a cited issue without all of them is not a tracked exception (known only once the issue is read).'),
  requireDueDate: z.boolean().default(true).describe('Report an open exception whose issue has no due date: an exception without an end never expires.'),
  warnDays: z.number().int().nonnegative().default(30).describe('Warn about an exception whose due date is at most this many days away.'),
});

type Options = z.output<typeof options>;
export type ExceptionExpiryOptions = Options;

const messages = {
  closed: { text: 'Exception {{reference}} is closed', identity: ['reference'] },
  expired: { text: 'Exception {{reference}} expired on {{due}}', identity: ['reference'] },
  expiresSoon: { text: 'Exception {{reference}} expires on {{due}}', identity: ['reference'] },
  noDueDate: 'Exception {{reference}} has no due date',
  notFound: 'Exception {{reference}} is not an issue GitLab shows',
  unresolved: 'Exception {{reference}} names no issue that can be checked',
  unchecked: { text: 'Exception expiry not checked: {{reason}}', identity: [] },
  readFailed: { text: 'Exception expiry not checked: GitLab could not be read', identity: [] },
} as const;

type Context = ProjectCheckContext<Options, keyof typeof messages>;

/** The exceptions this rule checks are the ones exception-reference finds, as the class configures it; its defaults otherwise. */
function referenceOptions(setting: RuleSetting | undefined): ExceptionReferenceOptions {
  return (setting?.options as ExceptionReferenceOptions | undefined) ?? defaultExceptionReferenceOptions;
}

interface Cited {
  path: string;
  exception: TrackedException;
}

/** Tracked exceptions by document path, from the per-document check to the project check of the same run. */
type Stash = Map<string, TrackedException[]>;

/** The run's GitLab reader (or why there is none) and whether the run has said so: one finding per run, not one per document. */
interface RunState {
  setup: ReturnType<typeof exceptionIssueReader> | { failed: string };
  said: boolean;
}

function runState(ctx: Context): Promise<RunState> {
  return ctx.project.memo('exception-expiry:gitlab', async () => {
    try {
      return { setup: exceptionIssueReader({}, process.env), said: false };
    } catch (error) {
      return { setup: { failed: (error as Error).message }, said: false };
    }
  });
}

function reportOnce(state: RunState, report: () => void): void {
  if (state.said) return;
  state.said = true;
  report();
}

/**
 * The issues as GitLab has them; empty when there is no token or URL (said once per run, at warn
 * level, on the first citation), null when GitLab failed (said once per run, at the rule's severity).
 */
async function readIssues(ctx: Context, first: Cited, issues: IssueRef[]): Promise<ReadonlyMap<string, IssueLookup> | null> {
  const state = await runState(ctx);
  const at = { path: first.path, line: first.exception.line, column: first.exception.column };
  const count = plural(issues.length, 'cited exception');
  const { setup } = state;
  if ('unchecked' in setup) {
    reportOnce(state, () =>
      ctx.report({
        ...at,
        severity: 'warn',
        messageId: 'unchecked',
        data: { reason: setup.unchecked },
        details: `${count} in this run; their issues' state and due dates were not read. Set GITLAB_TOKEN (read_api scope) and CI_SERVER_URL to check them (docs/rules/exception-expiry.md).`,
      }),
    );
    return new Map();
  }
  try {
    if ('failed' in setup) throw new Error(setup.failed);
    return await setup.reader.read(issues);
  } catch (error) {
    const secrets = 'secrets' in setup ? setup.secrets : [];
    reportOnce(state, () =>
      ctx.report({
        ...at,
        messageId: 'readFailed',
        details: [`${describeError(error, secrets)}.`, `${count} not checked.`, fixForReadError(error)].filter(Boolean).join(' '),
      }),
    );
    return null;
  }
}

function reportException(ctx: Context, path: string, exception: TrackedException, lookup: IssueLookup | undefined): void {
  const at = { path, line: exception.line, column: exception.column };
  const reference = exception.reference;
  const { status, daysLeft } = judgeException(lookup, ctx.options, ctx.project.now);
  const due = lookup !== undefined && typeof lookup !== 'string' ? lookup.dueDate : null;
  const issue = exception.issue ? `${exception.issue.project}#${exception.issue.iid}` : reference;
  switch (status) {
    case 'closed':
      return ctx.report({
        ...at,
        messageId: 'closed',
        data: { reference },
        details: `Issue ${issue} is closed, so the exception it granted has ended. Remove the sentence granting it, or reopen the issue if the exception was renewed.`,
      });
    case 'expired':
      return ctx.report({
        ...at,
        messageId: 'expired',
        data: { reference, due: due! },
        details: `Issue ${issue} was due ${plural(-daysLeft!, 'day')} ago. Renew the exception (a new due date on its issue) or end it: close the issue and remove the sentence granting it.`,
      });
    case 'expires-soon':
      return ctx.report({
        ...at,
        severity: 'warn',
        messageId: 'expiresSoon',
        data: { reference, due: due! },
        details: `${daysLeft === 0 ? 'Today' : `In ${plural(daysLeft!, 'day')}`}: plan its renewal or its end with the exception's owner.`,
      });
    case 'no-due-date':
      return ctx.report({ ...at, messageId: 'noDueDate', data: { reference }, details: `Set a due date on issue ${issue}: the day the exception ends.` });
    case 'not-found':
      return ctx.report({
        ...at,
        messageId: 'notFound',
        data: { reference },
        details: `Issue ${issue} does not exist, or the token's user cannot see it: cite the exception's issue, and give the token access to its project.`,
      });
    case 'unresolved':
      return ctx.report({
        ...at,
        messageId: 'unresolved',
        data: { reference },
        details: exception.issue
          ? `The issue is on ${exception.issue.host}, not on the GitLab instance the token belongs to (CI_SERVER_URL).`
          : 'Cite it as group/project#12 or by its issue URL, or set the `project` option so that #12 means an issue of that project.',
      });
    case 'open':
    case 'unchecked':
      return;
  }
}

export default defineRule({
  meta: {
    id: 'exception-expiry',
    description: 'A tracked exception a document cites must be open and not past its due date in GitLab',
    defaultSeverity: 'error',
    options,
    messages,
  },
  async check(doc, ctx) {
    const tracked = trackedExceptions(doc, referenceOptions(ctx.settingOf('exception-reference')), ctx.options);
    if (tracked.length === 0) return;
    const stash = await ctx.project.memo<Stash>('exception-expiry:tracked', async () => new Map());
    stash.set(doc.path, tracked);
  },
  async checkProject(ctx) {
    const stash = await ctx.project.memo<Stash>('exception-expiry:tracked', async () => new Map());
    const cited = ctx.documents.flatMap((doc) => (stash.get(doc.path) ?? []).map((exception) => ({ path: doc.path, exception })));
    const issues = cited.flatMap(({ exception }) => exception.issue ?? []);
    const lookups =
      issues.length === 0
        ? new Map<string, IssueLookup>()
        : await readIssues(
            ctx,
            cited.find(({ exception }) => exception.issue)!,
            issues,
          );
    if (lookups === null) return;
    for (const { path, exception } of cited) {
      // A citation naming no issue is judged like one on another instance: nothing to read it from.
      const lookup = exception.issue ? lookups.get(issueKey(exception.issue)) : 'elsewhere';
      if (hasExceptionLabels(lookup, ctx.options.labels)) reportException(ctx, path, exception, lookup);
    }
  },
});
