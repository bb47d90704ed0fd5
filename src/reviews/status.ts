import type { DocumentModel } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';
import { addDays, type DateField, dayOf, daysBetween, fieldName, formatDay, readFrontMatterDate } from './dates.js';
import { projectReviewHistory, type ReviewHistory } from './history.js';

/** Where a review date comes from; `change`: the document is new in the change being checked (not committed yet), whose review is its first. */
export type ReviewSource = 'frontmatter' | 'git' | 'this change';
export type ReviewState = 'ok' | 'due-soon' | 'overdue' | 'unknown';

export interface ReviewOptions {
  maxAgeDays: number;
  /** Days before the due date a document counts as due soon; 0 turns that off. */
  warnDays: number;
  fields: DateField[];
  /** `auto`: the first front-matter field set, else the last commit. */
  source: 'auto' | 'frontmatter' | 'git';
  ignoreCommitPattern?: string;
}

export type ReviewProblemKind = 'invalid-date' | 'future-date' | 'missing-field' | 'shallow-clone' | 'no-counted-commit' | 'not-a-git-repository';

export interface ReviewProblem {
  kind: ReviewProblemKind;
  /** Why the date is unknown or wrong, and what to do about it. */
  message: string;
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

export const SHALLOW_CLONE_FIX =
  'the clone is shallow, so the commit that last changed it may be missing: set `GIT_DEPTH: 0` under `variables:` in .gitlab-ci.yml (or run `git fetch --unshallow` locally)';

function unknownReview(line: number, kind: ReviewProblemKind, message: string): DocumentReview {
  return { lastReviewed: null, source: null, evidence: null, line, due: null, daysLeft: null, status: 'unknown', problem: { kind, message } };
}

function knownReview(lastReviewed: Date, source: ReviewSource, evidence: string, line: number, options: ReviewOptions, today: Date): DocumentReview {
  const due = addDays(lastReviewed, options.maxAgeDays);
  const daysLeft = daysBetween(today, due);
  const status: ReviewState = daysLeft < 0 ? 'overdue' : options.warnDays > 0 && daysLeft <= options.warnDays ? 'due-soon' : 'ok';
  return { lastReviewed, source, evidence, line, due, daysLeft, status };
}

/** The review state of one document; `history` is null outside git or when git was not needed. */
export function reviewStatus(doc: DocumentModel, options: ReviewOptions, now: Date, history: ReviewHistory | null): DocumentReview {
  const today = dayOf(now);
  if (options.source !== 'git') {
    const found = readFrontMatterDate(doc, options.fields);
    if (found.kind === 'invalid') return unknownReview(found.line, 'invalid-date', found.message);
    if (found.kind === 'found') {
      if (found.date > today) {
        const message = `\`${found.field}\` is ${formatDay(found.date)}, after today (${formatDay(today)}): a review date records a review that happened; set it to the date of the last review`;
        return unknownReview(found.line, 'future-date', message);
      }
      return knownReview(found.date, 'frontmatter', `\`${found.field}\` in front matter`, found.line, options, today);
    }
    if (options.source === 'frontmatter') {
      const names = options.fields.map((field) => `\`${fieldName(field)}\``).join(' or ');
      return unknownReview(doc.titleLine, 'missing-field', `No review date: set ${names} in the front matter to the date of the last review`);
    }
  }
  return gitStatus(doc, options, today, history);
}

function gitStatus(doc: DocumentModel, options: ReviewOptions, today: Date, history: ReviewHistory | null): DocumentReview {
  const line = doc.titleLine;
  const entry = history?.paths.get(doc.path);
  if (!history || !entry) {
    return unknownReview(line, 'not-a-git-repository', 'Last review date unknown: not in a git repository, and no review date in the front matter');
  }
  if (entry.kind === 'changed' && !entry.last.shallowBoundary) {
    return knownReview(entry.last.committedOn, 'git', `last commit ${entry.last.commit.slice(0, 8)}`, line, options, today);
  }
  if (history.shallow && entry.kind !== 'uncommitted') {
    return unknownReview(line, 'shallow-clone', `Last review date unreliable: ${SHALLOW_CLONE_FIX}`);
  }
  if (entry.kind === 'ignored-only') {
    const message = `Last review date unknown: every commit that changed it matches ignoreCommitPattern (${options.ignoreCommitPattern}); review it and merge a change, or set a review date in the front matter`;
    return unknownReview(line, 'no-counted-commit', message);
  }
  // Not committed yet: the change that adds it is its first review (merging it records the date).
  return knownReview(today, 'this change', 'new in this change', line, options, today);
}

/** Paths whose status needs git: all of them for `source: git`, otherwise those without a front-matter date field set. */
function needsGit(doc: DocumentModel, options: ReviewOptions): boolean {
  return options.source === 'git' || (options.source === 'auto' && readFrontMatterDate(doc, options.fields).kind === 'absent');
}

/**
 * Reviews many documents, each with its own options (classes may differ), loading git history once
 * per distinct ignore pattern for exactly the documents that need it.
 */
export async function reviewDocuments(
  project: ProjectContext,
  items: ReadonlyArray<{ doc: DocumentModel; options: ReviewOptions }>,
): Promise<DocumentReview[]> {
  const byPattern = new Map<string, string[]>();
  for (const { doc, options } of items) {
    if (!needsGit(doc, options)) continue;
    const key = options.ignoreCommitPattern ?? '';
    byPattern.set(key, [...(byPattern.get(key) ?? []), doc.path]);
  }
  const histories = new Map<string, ReviewHistory | null>();
  for (const [pattern, paths] of byPattern) {
    histories.set(pattern, await projectReviewHistory(project, paths, pattern === '' ? {} : { ignoreCommitPattern: pattern }));
  }
  return items.map(({ doc, options }) => reviewStatus(doc, options, project.now, histories.get(options.ignoreCommitPattern ?? '') ?? null));
}
