// What a review issue says: title, description and the hidden marker later runs find it by.
// Document titles and paths are untrusted (sanitize.ts); owner mentions are the one intended
// notification, so only owner references shaped like a GitLab user or group become mentions.
import type { CalendarEntry } from '../reviews/calendar.js';
import { codeSpan, defuseLineStarts, inertTitle, neutralise } from './sanitize.js';

/** Every review issue carries it; it narrows the listing, the marker identifies the document. */
export const REVIEW_LABEL = 'policylint::review';
/** GitLab rejects longer issue titles. */
const MAX_TITLE_CHARS = 255;

/** Used when the config names no `reviews.issueTemplate`. */
export const DEFAULT_CHECKLIST = [
  '- [ ] Read the document end to end: is it still accurate, complete and followed in practice?',
  '- [ ] Check its roles, owners, references and links are current.',
  '- [ ] Check the exceptions it grants are still tracked and not expired.',
  '- [ ] Record the review: merge a change that updates its review date, approved by its code owners.',
].join('\n');

/** The review an issue was opened for: the document (repository path) and the last review it knew of. */
export interface ReviewMarker {
  path: string;
  lastReviewed: string;
}

/** encodeURIComponent leaves `-_.!~*'()` as they are, so the value never holds a space or `>` and cannot end the comment. */
export function reviewMarker(marker: ReviewMarker): string {
  return `<!-- policylint:review path=${encodeURIComponent(marker.path)} last=${marker.lastReviewed} -->`;
}

const MARKER = /<!-- policylint:review path=([A-Za-z0-9%._~!*'()-]+) last=(\d{4}-\d{2}-\d{2}) -->/;

export function markerIn(description: string | null | undefined): ReviewMarker | undefined {
  const match = MARKER.exec(description ?? '');
  if (!match) return undefined;
  try {
    return { path: decodeURIComponent(match[1]!), lastReviewed: match[2]! };
  } catch {
    return undefined;
  }
}

export function issueTitle(entry: Pick<CalendarEntry, 'title' | 'path'>, due: string): string {
  const suffix = ` (due ${due})`;
  const name = inertTitle(entry.title ?? entry.path);
  const room = MAX_TITLE_CHARS - 'Annual review: '.length - suffix.length;
  return `Annual review: ${name.length > room ? `${name.slice(0, room - 1)}…` : name}${suffix}`;
}

/** A CODEOWNERS user or group reference GitLab would resolve; anything else (roles, emails, odd text) is quoted. */
const MENTIONABLE = /^@[A-Za-z0-9_][A-Za-z0-9_.-]*(?:\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

function ownerText(owner: string): string {
  return MENTIONABLE.test(owner) && !owner.endsWith('.') ? owner : codeSpan(owner);
}

/** The blob URL of a repository path: every segment percent-encoded, `()` included, so it cannot end a Markdown link. */
export function fileUrl(projectWebUrl: string, branch: string, path: string): string {
  const encode = (segment: string) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${projectWebUrl.replace(/\/+$/, '')}/-/blob/${encode(branch)}/${path.split('/').map(encode).join('/')}`;
}

const SOURCE_TEXT = { frontmatter: 'review date in the front matter', git: 'last commit that changed it', 'this change': 'not committed yet' } as const;

export interface IssueBodyInput {
  entry: CalendarEntry;
  /** The document's path from the repository root. */
  repositoryPath: string;
  /** Link to the file on the default branch, when the project is known. */
  url: string | undefined;
  checklist: string;
}

/** Deterministic for the same input (no run dates), so a re-run with nothing changed edits nothing. */
export function issueDescription({ entry, repositoryPath, url, checklist }: IssueBodyInput): string {
  const document = url ? `[${codeSpan(repositoryPath)}](${url})` : codeSpan(repositoryPath);
  const owners = entry.owners.length > 0 ? entry.owners.map(ownerText).join(', ') : 'none: no CODEOWNERS entry matches this document';
  const source = entry.source ? ` (${SOURCE_TEXT[entry.source]})` : '';
  const lines = [
    reviewMarker({ path: repositoryPath, lastReviewed: entry.lastReviewed! }),
    `The controlled document **${neutralise(entry.title ?? repositoryPath)}** is due for its annual review on **${entry.due}**.`,
    '',
    `- Document: ${document}`,
    `- Owners (CODEOWNERS): ${owners}`,
    `- Last review: ${entry.lastReviewed}${source}`,
    `- Due: ${entry.due}`,
    '',
    '## Review checklist',
    '',
    checklist.trim(),
    '',
    '---',
    '',
    'policylint keeps this issue up to date from a scheduled pipeline and closes it once a later review of the document is recorded.',
  ];
  return defuseLineStarts(lines.join('\n'));
}
