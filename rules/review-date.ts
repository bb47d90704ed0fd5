import { z } from 'zod';
import { defineRule, type ProjectCheckContext } from '../src/engine/types.js';
import { patternSchema, plainText } from '../src/model/match.js';
import { DATE_FORMATS, formatDay } from '../src/reviews/dates.js';
import { type DocumentReview, type ReviewProblemKind, reviewDocuments } from '../src/reviews/status.js';
import { byPath } from '../src/util/paths.js';
import { plural } from '../src/util/text.js';

const dateField = z.union([
  z.string().min(1),
  z.strictObject({
    field: z.string().min(1).describe('The front matter key.'),
    format: z.enum(DATE_FORMATS).default('auto').describe('How to read an all-numeric date: `dmy` or `mdy`; `auto` and `iso` never guess the order.'),
  }),
]);

const options = z.strictObject({
  maxAgeDays: z.number().int().positive().default(365).describe('A document is overdue this many days after its last review.'),
  warnDays: z.number().int().nonnegative().default(30).describe('Report documents due within this many days; 0 turns due-soon reports off.'),
  dueSoonSeverity: z
    .enum(['warn', 'error'])
    .default('warn')
    .describe("Severity of due-soon reports, whatever the rule's own severity: they ask for planning, not a fix."),
  fields: z
    .array(dateField)
    .default(['last_reviewed'])
    .describe('Front matter keys holding the last review date (a name, or `{ field, format }`); the first one set wins.'),
  source: z
    .enum(['auto', 'frontmatter', 'git'])
    .default('auto')
    .describe('Where the last review date comes from: `auto` takes the front matter date when set, else the last commit that changed the document.'),
  ignoreCommitPattern: patternSchema(plainText.substring, { formerBareRegexFlags: 'im' })
    .optional()
    .describe(
      'Commits that are not reviews (typo fixes, bulk reformatting), by their message: plain text occurs in the message, ignoring case; `/regex/flags` is tested against the whole message (add `m` for `^`/`$` at each line). Plain text that looks like a regular expression (`^…`, `…$`, `\\d`, `a|b`) is rejected: write it as `/regex/flags`.',
    ),
});

type Options = z.output<typeof options>;

const messages = {
  // Days late and dates change every day the problem stays the same.
  overdue: { text: 'Review overdue by {{late}}: due {{due}}', identity: [] },
  dueSoon: { text: 'Review due {{when}} ({{due}})', identity: [] },
  invalidDate: 'Review date "{{field}}" is not a date',
  futureDate: { text: 'Review date "{{field}}" is in the future ({{date}})', identity: ['field'] },
  missingDate: 'No review date in the front matter',
  shallowClone: 'Last review date unreliable: the clone is shallow',
  noCountedCommit: 'Last review date unknown: every commit that changed the document is ignored',
  notAGitRepository: 'Last review date unknown: not in a git repository',
} as const satisfies Record<ReviewProblemKind | 'overdue' | 'dueSoon', unknown>;

type Context = ProjectCheckContext<Options, keyof typeof messages>;

/** Problems caused by the checkout, not by any document: reported once, on the first affected document. */
const ENVIRONMENT_PROBLEMS: ReadonlySet<ReviewProblemKind> = new Set(['shallowClone', 'notAGitRepository']);

/** When it was reviewed, and what to do. */
function reviewDetails(review: DocumentReview): string {
  const record = review.source === 'frontmatter' ? 'update the review date in the front matter' : 'merge a change to it';
  return `Last reviewed ${formatDay(review.lastReviewed!)} (${review.evidence}). Have its owners review and approve it, then ${record}.`;
}

function reportEnvironmentProblems(ctx: Context, affected: Array<{ path: string; review: DocumentReview }>): void {
  const byKind = new Map<ReviewProblemKind, typeof affected>();
  for (const entry of affected) {
    const kind = entry.review.problem!.kind;
    byKind.set(kind, [...(byKind.get(kind) ?? []), entry]);
  }
  for (const [kind, entries] of byKind) {
    const { path, review } = entries[0]!;
    const others = entries.length > 1 ? `\nThe same holds for ${plural(entries.length - 1, 'other document')}.` : '';
    ctx.report({ messageId: kind, data: review.problem!.data, details: `${review.problem!.details}${others}`, path, line: review.line });
  }
}

export default defineRule({
  meta: {
    id: 'review-date',
    description: 'Controlled documents must be reviewed at least every maxAgeDays days',
    defaultSeverity: 'error',
    options,
    messages,
  },
  async checkProject(ctx) {
    const documents = [...ctx.documents].sort(byPath);
    const reviews = await reviewDocuments(
      ctx.project,
      documents.map((doc) => ({ doc, options: ctx.options })),
    );
    const environment: Array<{ path: string; review: DocumentReview }> = [];
    documents.forEach((doc, index) => {
      const review = reviews[index]!;
      const at = { path: doc.path, line: review.line };
      if (review.problem) {
        if (ENVIRONMENT_PROBLEMS.has(review.problem.kind)) environment.push({ path: doc.path, review });
        else ctx.report({ ...at, messageId: review.problem.kind, data: review.problem.data, details: review.problem.details });
      } else if (review.status === 'overdue') {
        ctx.report({
          ...at,
          messageId: 'overdue',
          data: { late: plural(-review.daysLeft!, 'day'), due: formatDay(review.due!) },
          details: reviewDetails(review),
        });
      } else if (review.status === 'due-soon') {
        const when = review.daysLeft === 0 ? 'today' : `in ${plural(review.daysLeft!, 'day')}`;
        ctx.report({
          ...at,
          messageId: 'dueSoon',
          data: { when, due: formatDay(review.due!) },
          details: reviewDetails(review),
          severity: ctx.options.dueSoonSeverity,
        });
      }
    });
    reportEnvironmentProblems(ctx, environment);
  },
});
