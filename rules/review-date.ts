import { z } from 'zod';
import { defineRule, type ProjectCheckContext } from '../src/engine/types.js';
import { DATE_FORMATS, formatDay } from '../src/reviews/dates.js';
import { compileIgnorePattern } from '../src/reviews/history.js';
import { type DocumentReview, type ReviewProblemKind, reviewDocuments } from '../src/reviews/status.js';

// No transform here: the config's JSON Schema is generated from these options.
const dateField = z.union([z.string().min(1), z.object({ field: z.string().min(1), format: z.enum(DATE_FORMATS).default('auto') }).strict()]);

function isRegExp(pattern: string): boolean {
  try {
    compileIgnorePattern(pattern);
    return true;
  } catch {
    return false;
  }
}

const options = z
  .object({
    /** A document is overdue this many days after its last review. */
    maxAgeDays: z.number().int().positive().default(365),
    /** Report documents due within this many days; 0 turns due-soon reports off. */
    warnDays: z.number().int().nonnegative().default(30),
    /** Severity of due-soon reports, whatever the rule's own severity: they ask for planning, not a fix. */
    dueSoonSeverity: z.enum(['warn', 'error']).default('warn'),
    /** Front-matter fields holding the last review date, first set wins. */
    fields: z.array(dateField).default(['last_reviewed']),
    source: z.enum(['auto', 'frontmatter', 'git']).default('auto'),
    /** Commits whose message matches are not reviews (typo fixes, bulk reformatting). */
    ignoreCommitPattern: z.string().min(1).refine(isRegExp, 'must be a valid regular expression').optional(),
  })
  .strict();

type Options = z.output<typeof options>;

/** Problems caused by the checkout, not by any document: reported once, on the first affected document. */
const ENVIRONMENT_PROBLEMS: ReadonlySet<ReviewProblemKind> = new Set(['shallow-clone', 'not-a-git-repository']);

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function reviewedOn(review: DocumentReview): string {
  return `last reviewed ${formatDay(review.lastReviewed!)} (${review.evidence})`;
}

function whatToDo(review: DocumentReview): string {
  const record = review.source === 'frontmatter' ? 'update the review date in the front matter' : 'merge a change to it';
  return `have its owners review and approve it, then ${record}`;
}

function reportEnvironmentProblems(ctx: ProjectCheckContext<Options>, affected: Array<{ path: string; review: DocumentReview }>): void {
  const byKind = new Map<ReviewProblemKind, typeof affected>();
  for (const entry of affected) {
    const kind = entry.review.problem!.kind;
    byKind.set(kind, [...(byKind.get(kind) ?? []), entry]);
  }
  for (const [kind, entries] of byKind) {
    const [first] = entries;
    const others = entries.length > 1 ? ` (and ${plural(entries.length - 1, 'other document')})` : '';
    ctx.report({ path: first!.path, line: first!.review.line, message: `${first!.review.problem!.message}${others}`, key: kind });
  }
}

export default defineRule<Options>({
  meta: {
    id: 'review-date',
    description: 'Controlled documents must be reviewed at least every maxAgeDays days',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/review-date.md',
  },
  async checkProject(ctx) {
    const documents = [...ctx.documents].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
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
        else ctx.report({ ...at, message: review.problem.message, key: review.problem.kind });
      } else if (review.status === 'overdue') {
        const late = plural(-review.daysLeft!, 'day');
        ctx.report({ ...at, message: `Review overdue by ${late}: ${reviewedOn(review)}, due ${formatDay(review.due!)}; ${whatToDo(review)}`, key: 'overdue' });
      } else if (review.status === 'due-soon') {
        const when = review.daysLeft === 0 ? 'today' : `in ${plural(review.daysLeft!, 'day')}`;
        const message = `Review due ${when} (${formatDay(review.due!)}): ${reviewedOn(review)}; ${whatToDo(review)}`;
        ctx.report({ ...at, message, key: 'due-soon', severity: ctx.options.dueSoonSeverity });
      }
    });
    reportEnvironmentProblems(ctx, environment);
  },
});
