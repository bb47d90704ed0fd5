import type { MessageData } from '../engine/types.js';
import type { Pattern } from '../model/match.js';
import type { DocumentModel } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';
import { addDays, type DateField, dayOf, daysBetween, fieldName, formatDay, readFrontMatterDate } from './dates.js';
import { projectReviewHistory, type ReviewHistory } from './history.js';

/** Where a review date comes from; `change`: the document is new in the change being checked (not committed yet), whose review is its first. */
export type ReviewSource = 'frontmatter' | 'git' | 'this change';
export type ReviewState = 'ok' | 'due-soon' | 'overdue' | 'unknown';

/** What dating a review reads of a document: a released document (engine) is enough. */
export type ReviewedDocument = Pick<DocumentModel, 'path' | 'titleLine' | 'frontMatter'>;

export interface ReviewOptions {
  maxAgeDays: number;
  /** Days before the due date a document counts as due soon; 0 turns that off. */
  warnDays: number;
  fields: DateField[];
  /** `auto`: the first front-matter field set, else the last commit. */
  source: 'auto' | 'frontmatter' | 'git';
  ignoreCommitPattern?: Pattern;
}

/** Also the review-date rule's message ids. */
export type ReviewProblemKind = 'invalidDate' | 'futureDate' | 'missingDate' | 'shallowClone' | 'noCountedCommit' | 'notAGitRepository';

export interface ReviewProblem {
  kind: ReviewProblemKind;
  /** Fills the message's placeholders (the field at fault, a date). */
  data: MessageData;
  /** Why the date is unknown or wrong, and what to do about it. */
  details: string;
}

export interface DocumentReview {
  lastReviewed: Date | null;
  source: ReviewSource | null;
  /** How the date was found, for messages: "`last_reviewed` in front matter" or "last commit 1a2b3c4d". */
  evidence: string | null;
  /** Where findings about it belong: the date field's line, else the title line. */
  line: number;
  due: Date | null;
  /** Days from today to the due date; negative when overdue. */
  daysLeft: number | null;
  status: ReviewState;
  problem?: ReviewProblem;
}

function unknownReview(line: number, problem: ReviewProblem): DocumentReview {
  return { lastReviewed: null, source: null, evidence: null, line, due: null, daysLeft: null, status: 'unknown', problem };
}

function knownReview(lastReviewed: Date, source: ReviewSource, evidence: string, line: number, options: ReviewOptions, today: Date): DocumentReview {
  const due = addDays(lastReviewed, options.maxAgeDays);
  const daysLeft = daysBetween(today, due);
  const status: ReviewState = daysLeft < 0 ? 'overdue' : options.warnDays > 0 && daysLeft <= options.warnDays ? 'due-soon' : 'ok';
  return { lastReviewed, source, evidence, line, due, daysLeft, status };
}

/** The review state of one document; `history` is null outside git or when git was not needed. */
export function reviewStatus(doc: ReviewedDocument, options: ReviewOptions, now: Date, history: ReviewHistory | null): DocumentReview {
  const today = dayOf(now);
  if (options.source !== 'git') {
    const found = readFrontMatterDate(doc, options.fields);
    if (found.kind === 'invalid') return unknownReview(found.line, { kind: 'invalidDate', data: { field: found.field }, details: found.error });
    if (found.kind === 'found') {
      if (found.date > today) {
        const details = `Today is ${formatDay(today)}. A review date records a review that happened: set it to the date of the last review.`;
        return unknownReview(found.line, { kind: 'futureDate', data: { field: found.field, date: formatDay(found.date) }, details });
      }
      return knownReview(found.date, 'frontmatter', `\`${found.field}\` in front matter`, found.line, options, today);
    }
    if (options.source === 'frontmatter') {
      const names = options.fields.map((field) => `\`${fieldName(field)}\``).join(' or ');
      return unknownReview(doc.titleLine, { kind: 'missingDate', data: {}, details: `Set ${names} in the front matter to the date of the last review.` });
    }
  }
  return gitStatus(doc, options, today, history);
}

function gitStatus(doc: ReviewedDocument, options: ReviewOptions, today: Date, history: ReviewHistory | null): DocumentReview {
  const line = doc.titleLine;
  const entry = history?.paths.get(doc.path);
  if (!history || !entry) {
    const details =
      'The front matter has no review date, and outside a git repository there is no history to date the last change from: run policylint in a clone, or set a review date in the front matter.';
    return unknownReview(line, { kind: 'notAGitRepository', data: {}, details });
  }
  if (entry.kind === 'changed' && !entry.last.shallowBoundary) {
    return knownReview(entry.last.committedOn, 'git', `last commit ${entry.last.commit.slice(0, 8)}`, line, options, today);
  }
  if (history.shallow && entry.kind !== 'uncommitted') {
    const details =
      'The clone is shallow, so the commit that last changed the document may be missing: set `GIT_DEPTH: 0` under `variables:` in .gitlab-ci.yml (or run `git fetch --unshallow` locally).';
    return unknownReview(line, { kind: 'shallowClone', data: {}, details });
  }
  if (entry.kind === 'ignored-only') {
    const details = `Every commit that changed the document matches ignoreCommitPattern (${options.ignoreCommitPattern?.source}): have it reviewed and merge a change, or set a review date in the front matter.`;
    return unknownReview(line, { kind: 'noCountedCommit', data: {}, details });
  }
  // Not committed yet: the change that adds it is its first review (merging it records the date).
  return knownReview(today, 'this change', 'new in this change', line, options, today);
}

/** How many documents are in each state: `2 overdue, 0 due soon, 5 ok, 1 unknown` (the reviews' and the register's summaries). */
export function statusCounts(entries: ReadonlyArray<{ status: ReviewState }>): string {
  const count = (status: ReviewState) => entries.filter((entry) => entry.status === status).length;
  return `${count('overdue')} overdue, ${count('due-soon')} due soon, ${count('ok')} ok, ${count('unknown')} unknown`;
}

/** Paths whose status needs git: all of them for `source: git`, otherwise those without a front-matter date field set. */
function needsGit(doc: ReviewedDocument, options: ReviewOptions): boolean {
  return options.source === 'git' || (options.source === 'auto' && readFrontMatterDate(doc, options.fields).kind === 'absent');
}

/**
 * Reviews many documents, each with its own options (classes may differ), loading git history once
 * per distinct ignore pattern for exactly the documents that need it. `unfiltered` is history the
 * caller loaded without an ignore pattern (null outside git): documents without one read it when
 * it covers them all, since a path's last commit does not depend on the other paths loaded with it.
 */
export async function reviewDocuments(
  project: ProjectContext,
  items: ReadonlyArray<{ doc: ReviewedDocument; options: ReviewOptions }>,
  unfiltered?: ReviewHistory | null,
): Promise<DocumentReview[]> {
  // Keyed by the pattern as written: classes that write the same pattern share one history.
  const byPattern = new Map<string, { pattern: Pattern | undefined; paths: string[] }>();
  for (const { doc, options } of items) {
    if (!needsGit(doc, options)) continue;
    const key = options.ignoreCommitPattern?.source ?? '';
    const group = byPattern.get(key) ?? { pattern: options.ignoreCommitPattern, paths: [] };
    group.paths.push(doc.path);
    byPattern.set(key, group);
  }
  const histories = new Map<string, ReviewHistory | null>();
  for (const [key, { pattern, paths }] of byPattern) {
    const covered = pattern === undefined && unfiltered !== undefined && (unfiltered === null || paths.every((path) => unfiltered.paths.has(path)));
    histories.set(key, covered ? unfiltered : await projectReviewHistory(project, paths, pattern === undefined ? {} : { ignoreCommitPattern: pattern }));
  }
  return items.map(({ doc, options }) => reviewStatus(doc, options, project.now, histories.get(options.ignoreCommitPattern?.source ?? '') ?? null));
}
