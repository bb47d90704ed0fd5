import type { ExceptionExpiryOptions } from '../../rules/exception-expiry.js';
import { exceptionCitations, type ExceptionCitation, type ExceptionReferenceOptions } from '../../rules/exception-reference.js';
import { matchesAny } from '../model/match.js';
import type { DocumentModel } from '../model/types.js';

/** The GitLab issue a reference names; `host` only when the reference is a URL. */
export interface IssueRef {
  host: string | undefined;
  project: string;
  iid: number;
}

/** A tracked exception a document cites: the citation, and the issue it names (null when the text names none this can read). */
export interface TrackedException extends ExceptionCitation {
  issue: IssueRef | null;
}

const ISSUE_URL = /^https?:\/\/([^/\s]+)\/(.+?)\/(?:-\/)?(?:issues|work_items)\/(\d+)/i;
const PROJECT_REFERENCE = /^([\w.-]+(?:\/[\w.-]+)+)#(\d+)$/;
const BARE_REFERENCE = /^#(\d+)$/;

/** The issue a cited text names: an issue or work item URL, `group/project#12`, or `#12` in `defaultProject`. */
export function parseIssueReference(text: string, defaultProject: string | undefined): IssueRef | null {
  const url = ISSUE_URL.exec(text);
  if (url) return { host: url[1]!.toLowerCase(), project: url[2]!, iid: Number(url[3]) };
  const full = PROJECT_REFERENCE.exec(text);
  if (full) return { host: undefined, project: full[1]!, iid: Number(full[2]) };
  const bare = BARE_REFERENCE.exec(text);
  return bare && defaultProject !== undefined ? { host: undefined, project: defaultProject, iid: Number(bare[1]) } : null;
}

/** `group/project#12`, as GitLab writes a full reference. */
export function issueKey(issue: Pick<IssueRef, 'project' | 'iid'>): string {
  return `${issue.project.toLowerCase()}#${issue.iid}`;
}

/**
 * The tracked exceptions a document cites: the exception-reference rule's citations that name an
 * issue of `project` or match `references` (every citation when neither is set), each issue once,
 * where it is first cited.
 */
export function trackedExceptions(doc: DocumentModel, referenceOptions: ExceptionReferenceOptions, options: ExceptionExpiryOptions): TrackedException[] {
  const tracker = options.project?.toLowerCase();
  const seen = new Set<string>();
  const tracked: TrackedException[] = [];
  for (const citation of exceptionCitations(doc, referenceOptions)) {
    const issue = parseIssueReference(citation.reference, options.project);
    const inTracker = tracker !== undefined && issue?.project.toLowerCase() === tracker;
    const everyCitation = tracker === undefined && options.references.length === 0;
    if (!inTracker && !everyCitation && !matchesAny(options.references, citation.reference)) continue;
    const key = issue ? issueKey(issue) : citation.reference;
    if (seen.has(key)) continue;
    seen.add(key);
    tracked.push({ ...citation, issue });
  }
  return tracked;
}
