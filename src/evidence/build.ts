// `policylint evidence`: the audit evidence of a period, assembled from git (what changed, when,
// by whom, which CODEOWNERS applied) and, with a token, from GitLab (the merge request and its
// approvals). Git is read with a fixed number of commands (history.ts); GitLab in batches with a
// bounded number of requests in flight (gitlab.ts).
import path from 'node:path';
import documentId, { defaultDocumentIdOptions, readDocumentId, type DocumentIdOptions } from '../../rules/document-id.js';
import exceptionReference, { citedExceptions, defaultExceptionReferenceOptions, type ExceptionReferenceOptions } from '../../rules/exception-reference.js';
import reviewDate from '../../rules/review-date.js';
import { ConfigError } from '../config/errors.js';
import type { ResolvedConfig } from '../config/types.js';
import { ruleOptionsFor } from '../engine/rules.js';
import { findGitRoot } from '../git/exec.js';
import { readBlobs } from '../git/objects.js';
import { parseFrontMatter } from '../model/frontmatter.js';
import { normalizeHeading, parseDocumentModel } from '../model/parse.js';
import type { FrontMatter } from '../model/types.js';
import { addDays, formatDay, readFrontMatterDate, utcDay } from '../reviews/dates.js';
import { loadReviewHistory, type PathHistory } from '../reviews/history.js';
import { reviewStatus, type ReviewOptions } from '../reviews/status.js';
import { decodeUtf8 } from '../select/read.js';
import { compareCodeUnits, isOutsideRoot, toPosix } from '../util/paths.js';
import { plural } from '../util/text.js';
import { VERSION } from '../version.js';
import { findMergeRequests, type CommitMergeRequest, type OwnerDirectory } from './gitlab.js';
import type { GitLabApi } from '../gitlab/client.js';
import { readPeriodHistory, type BranchCommit, type PeriodHistory } from './history.js';
import { policyTimeline, type Contents } from './policy.js';
import {
  EVIDENCE_SCHEMA_VERSION,
  type ChangeReference,
  type Evidence,
  type EvidenceChange,
  type EvidenceCommit,
  type EvidenceDocument,
  type ReviewEvent,
} from './types.js';
import { judgeChange, type JudgeContext } from './verdict.js';
import { codeownersPaths, walkHistory, type FoundCodeowners, type TrackedChange, type TrackedDocument, type Version } from './walk.js';

export interface GitLabSource {
  api: GitLabApi;
  serverUrl: string;
  projectId: string;
  /** The branch merge requests must have targeted: the project's default branch. */
  defaultBranch: string;
  /** The project's page (`web_url`), for links to commits; null when GitLab did not say. */
  projectWebUrl: string | null;
  directory: OwnerDirectory;
}

export interface EvidenceRequest {
  config: ResolvedConfig;
  /** YYYY-MM-DD, inclusive, UTC. */
  since: string;
  until: string;
  now: Date;
  /** The branch whose history is examined (default HEAD). */
  ref: string;
  /** With a token; undefined when GitLab is not asked, and then `notAsked` says why (in a few words, for each change) and what to do. */
  gitlab: GitLabSource | undefined;
  notAsked: { reason: string; detail: string };
  onProgress?: (phase: string, done: number, total: number) => void;
}

/** A calendar day as YYYY-MM-DD, UTC; `flag` names it in the error. */
function dayArgument(flag: string, value: string): Date {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const day = parts && utcDay(Number(parts[1]), Number(parts[2]), Number(parts[3]));
  if (!day) throw new ConfigError(`${flag} takes a day as YYYY-MM-DD, not "${value}"`);
  return day;
}

function periodBounds(since: string, until: string): { start: Date; end: Date } {
  const start = dayArgument('--since', since);
  const end = new Date(addDays(dayArgument('--until', until), 1).getTime() - 1000);
  if (start > end) throw new ConfigError(`--since ${since} is after --until ${until}`);
  return { start, end };
}

function commitOf(commit: { sha: string; date: string; author: { name: string; email: string }; subject: string }): EvidenceCommit {
  return { sha: commit.sha, date: commit.date, author: commit.author, subject: commit.subject };
}

/**
 * Each blob's text and front matter. The front matter is kept (reviews read it again and again);
 * the text is decoded when asked for and not kept: a year of versions of a large handbook would
 * hold hundreds of megabytes of it.
 */
class BlobTexts {
  private readonly frontMatters = new Map<string, FrontMatter>();
  constructor(private readonly blobs: ReadonlyMap<string, Buffer>) {}
  source(blob: string): string {
    return decodeUtf8(this.blobs.get(blob) ?? Buffer.alloc(0));
  }
  frontMatter(blob: string, source?: string): FrontMatter {
    let frontMatter = this.frontMatters.get(blob);
    if (!frontMatter) {
      frontMatter = parseFrontMatter(source ?? this.source(blob));
      this.frontMatters.set(blob, frontMatter);
    }
    return frontMatter;
  }
  get(blob: string): { source: string; frontMatter: FrontMatter } {
    const source = this.source(blob);
    return { source, frontMatter: this.frontMatter(blob, source) };
  }
}

const REVIEW_DEFAULTS: ReviewOptions = reviewDate.meta.options.parse({});

export async function buildEvidence(request: EvidenceRequest): Promise<Evidence> {
  const { config, gitlab } = request;
  const { start, end } = periodBounds(request.since, request.until);
  const gitRoot = await findGitRoot(config.root);
  if (!gitRoot) throw new ConfigError(`evidence reads the history of a git repository, and ${config.root} is not in one`);
  const relativeRoot = toPosix(path.relative(gitRoot, config.root));
  const prefix = relativeRoot === '' ? '' : `${relativeRoot}/`;
  const ownersFiles = new Set(codeownersPaths(prefix));
  const configPath = config.file && !isOutsideRoot(path.relative(gitRoot, config.file)) ? toPosix(path.relative(gitRoot, config.file)) : null;

  request.onProgress?.('reading git history', 0, 0);
  const history = await readPeriodHistory(gitRoot, request.ref, start, end);
  let contents: Contents = { blobs: new Map(), oversized: new Set() };
  const policies = await policyTimeline(gitRoot, prefix, config, configPath, history, () => contents);
  // Every version of every file some config in force could select, both sides of each of its
  // changes, and every CODEOWNERS: read in a few batches. The tree is followed in memory from the
  // period's start: each commit that changed the config leaves one whose every file either config
  // could select is judged again.
  const wanted = [...history.baseTree].filter(([file]) => ownersFiles.has(file) || policies.atStart.relevant(file)).map(([, blob]) => blob);
  const tree = new Map(history.baseTree);
  const trees = new Map<string, Map<string, string>>();
  let policy = policies.atStart;
  for (const commit of history.mainline) {
    const after = policies.after.get(commit.sha) ?? policy;
    for (const change of commit.changes) {
      const relevant = [change.oldPath, change.newPath].some(
        (file) => file !== null && (ownersFiles.has(file) || policy.relevant(file) || after.relevant(file)),
      );
      if (relevant) wanted.push(...[change.oldBlob, change.newBlob].filter((blob): blob is string => blob !== null));
      if (change.oldPath !== null) tree.delete(change.oldPath);
      if (change.newPath !== null && change.newBlob !== null) tree.set(change.newPath, change.newBlob);
    }
    if (after !== policy || policies.after.has(commit.sha)) {
      const was = policy;
      const judged = new Map([...tree].filter(([file]) => was.relevant(file) || after.relevant(file)));
      trees.set(commit.sha, judged);
      wanted.push(...judged.values());
    }
    policy = after;
  }
  request.onProgress?.('reading the versions of the documents', 0, 0);
  contents = await readBlobs(gitRoot, wanted, config.maxFileBytes);
  const texts = new BlobTexts(contents.blobs);
  const walk = walkHistory({
    history,
    prefix,
    blobs: contents.blobs,
    policyAtStart: policies.atStart,
    policyChanges: new Map([...policies.after].map(([commit, after]) => [commit, { policy: after, tree: trees.get(commit)! }])),
  });
  // Rule options (review dates, IDs, exceptions) as the config at the period's end sets them.
  const endConfig = policies.atEnd.config;

  const changes = walk.documents.flatMap((doc) => doc.changes);
  const commits = [...new Set(changes.map((change) => change.commit.sha))];
  let lookups = new Map<string, CommitMergeRequest>();
  if (gitlab) {
    lookups = await findMergeRequests(commits, {
      api: gitlab.api,
      projectId: gitlab.projectId,
      defaultBranch: gitlab.defaultBranch,
      updatedAfter: start.toISOString(),
      // Read when a config in force in the period kept committers from approving.
      committers: [policies.atStart, ...policies.after.values()].every((p) => p.committersMayApprove) ? undefined : gitlab.directory,
      onProgress: (done, total) => request.onProgress?.('asking GitLab about commits', done, total),
    });
  }

  const context: JudgeContext = {
    configOwnerPaths: config.file ? [toPosix(path.relative(config.root, config.file))] : [],
    branch: gitlab?.defaultBranch ?? request.ref,
    directory: gitlab?.directory,
    notAsked: gitlab ? undefined : request.notAsked.reason,
  };
  const documents: EvidenceDocument[] = [];
  let judged = 0;
  for (const doc of walk.documents) {
    const evidenceChanges: EvidenceChange[] = [];
    for (const change of doc.changes) {
      request.onProgress?.('judging changes', judged++, changes.length);
      const brought = commitsOf(change, history, prefix);
      const judgement = await judgeChange(change, lookups.get(change.commit.sha), context);
      evidenceChanges.push({
        commit: change.commit.sha,
        date: change.commit.date,
        author: change.commit.author,
        subject: change.commit.subject,
        action: change.action,
        path: (change.after ?? change.before)!.path,
        oldPath: change.action === 'renamed' ? change.before!.path : null,
        classBefore: change.before?.documentClass ?? null,
        classAfter: change.after?.documentClass ?? null,
        commits: brought.map(commitOf),
        ...judgement,
      });
    }
    documents.push(describeDocument(doc, evidenceChanges, endConfig, texts, walk.codeownersAtEnd));
  }
  await dateReviews(documents, walk.documents, endConfig, texts, history, end);
  documents.sort((a, b) => compareCodeUnits(a.path, b.path));

  return {
    schemaVersion: EVIDENCE_SCHEMA_VERSION,
    generator: { name: 'policylint', version: VERSION },
    generatedAt: request.now.toISOString(),
    period: { since: request.since, until: request.until },
    range: { ref: request.ref, from: history.base, to: history.tip },
    config: {
      path: config.file ? toPosix(path.relative(gitRoot, config.file)) : '(defaults)',
      sha256: policies.atEnd.sha256,
    },
    source: gitlab
      ? {
          kind: 'gitlab',
          gitlabUrl: gitlab.serverUrl,
          project: gitlab.projectId,
          projectUrl: gitlab.projectWebUrl,
          note: joinNotes([unavailableNote(lookups), ...policies.notes]),
        }
      : { kind: 'git', gitlabUrl: null, project: null, projectUrl: null, note: joinNotes([request.notAsked.detail, ...policies.notes]) },
    summary: {
      ...summarize(documents, gitlab?.projectWebUrl ?? null),
      misdated: history.misdated.map((commit) => ({ commit: commit.sha, date: commit.date })),
    },
    documents,
  };
}

/** The commits that brought a change: for a merge, its branch's commits that touched the document; otherwise the change's own commit. */
function commitsOf(change: TrackedChange, history: PeriodHistory, prefix: string): Array<BranchCommit | TrackedChange['commit']> {
  const paths = new Set([change.before?.path, change.after?.path].filter((p): p is string => p !== undefined).map((p) => prefix + p));
  const brought = (history.broughtBy.get(change.commit.sha) ?? []).filter((commit) => commit.files.some((file) => paths.has(file)));
  return brought.length > 0 ? brought : [change.commit];
}

function joinNotes(notes: ReadonlyArray<string | null>): string | null {
  return notes.filter((note): note is string => !!note).join(' ') || null;
}

function unavailableNote(lookups: ReadonlyMap<string, CommitMergeRequest>): string | null {
  const failed = [...lookups.values()].filter((lookup) => lookup.kind === 'unavailable');
  if (failed.length === 0) return null;
  const first = failed[0] as Extract<CommitMergeRequest, { kind: 'unavailable' }>;
  const why = [first.reason, first.fix].filter(Boolean).join(' ');
  return `GitLab could not be asked about ${plural(failed.length, 'commit')}: their changes are unverified (${why}).`;
}

/** Title from the front matter, else the first heading (as the register names documents). */
function titleOf(source: string, frontMatter: FrontMatter): string | null {
  const title = frontMatter.data?.title;
  if (typeof title === 'string' && title.trim() !== '') return title.trim();
  const body = frontMatter.present ? source.split('\n').slice(frontMatter.endLine).join('\n') : source;
  const heading = /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(body);
  return heading ? heading[1]! : null;
}

function describeDocument(
  doc: TrackedDocument,
  changes: EvidenceChange[],
  config: ResolvedConfig,
  texts: BlobTexts,
  codeowners: FoundCodeowners | null,
): EvidenceDocument {
  // The latest controlled version tells what the document is; a document that left the set is described as it was.
  const versions = [doc.start, ...doc.changes.flatMap((change) => [change.before, change.after])].filter((v): v is Version => !!v?.documentClass);
  const described = versions.at(-1)!;
  const { source, frontMatter } = texts.get(described.blob);
  const idOptions = ruleOptionsFor<DocumentIdOptions>(config, { documentClass: described.documentClass! }, documentId.meta.id, defaultDocumentIdOptions);
  const id = readDocumentId(frontMatter, idOptions.key);
  const path = doc.last?.path ?? doc.deletedAt ?? described.path;
  const state = doc.last === null ? 'deleted' : doc.last.documentClass ? 'controlled' : 'no longer controlled';
  const owners =
    state === 'controlled' ? (codeowners?.file.match(codeowners.prefix + path) ?? []).flatMap(({ entry }) => entry.owners.map((owner) => owner.text)) : [];
  return {
    path,
    formerPaths: doc.paths.filter((p) => p !== path),
    state,
    id: id.kind === 'found' ? id.id : null,
    title: titleOf(source, frontMatter),
    class: described.documentClass,
    codeOwners: [...new Set(owners)],
    review: { lastReviewed: null, due: null, status: 'unknown' },
    changes,
    reviews: reviewEvents(doc, changes, config, texts),
    exceptions: exceptionsCited(versions, config, texts),
  };
}

function reviewOptionsOf(config: ResolvedConfig, version: Version): ReviewOptions {
  return ruleOptionsFor(config, { documentClass: version.documentClass ?? '' }, reviewDate.meta.id, REVIEW_DEFAULTS);
}

/** The review date a version records: the first configured field set, as a day (or as written when it is no date). */
function recordedReview(version: Version | null, config: ResolvedConfig, texts: BlobTexts, fallback: Version): { field: string; value: string } | null {
  if (!version) return null;
  const frontMatter = texts.frontMatter(version.blob);
  const found = readFrontMatterDate({ frontMatter, titleLine: 1 }, reviewOptionsOf(config, version.documentClass ? version : fallback).fields);
  if (found.kind === 'found') return { field: found.field, value: formatDay(found.date) };
  if (found.kind === 'invalid') return { field: found.field, value: String(frontMatter.data?.[found.field]) };
  return null;
}

function reviewEvents(doc: TrackedDocument, changes: readonly EvidenceChange[], config: ResolvedConfig, texts: BlobTexts): ReviewEvent[] {
  return doc.changes.flatMap((change, index): ReviewEvent[] => {
    const fallback = (change.after?.documentClass ? change.after : change.before)!;
    const before = recordedReview(change.before, config, texts, fallback);
    const after = recordedReview(change.after, config, texts, fallback);
    if (before?.value === after?.value || !change.after) return [];
    return [
      {
        date: change.commit.date,
        commit: change.commit.sha,
        field: (after ?? before)!.field,
        from: before?.value ?? null,
        to: after?.value ?? null,
        mergeRequest: changes[index]!.mergeRequest?.iid ?? null,
      },
    ];
  });
}

/** Markdown's inline markup taken out, roughly as a paragraph's text reads: `[text](url)` → `text`, emphasis and code marks and tags gone. */
function flattenInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>\n]*>/g, ' ')
    .replace(/[*_~`[\]]/g, '')
    .replace(/\s+/g, ' ');
}

/**
 * What decides a version's citations, without parsing it; null when it can cite none. A citation
 * holds a tracked-exception pattern and is in an Exceptions section (a heading the rule's
 * `section` patterns name) or in a sentence a grant pattern matches: with neither, none (each test
 * reads the raw text with the inline markup taken out, so it errs towards parsing). Otherwise its
 * class, headings and the paragraphs that may cite (holding an exception reference, a granting
 * sentence, or a reference link when a link definition holds a reference), each with the heading
 * it falls under, decide: two versions that agree on them cite the same exceptions, and the edits
 * of a year mostly leave them alone.
 */
function citationSignature(source: string, documentClass: string | null, options: ExceptionReferenceOptions): string | null {
  const { trackedExceptionPatterns: tracked, grantPatterns: grants, section } = options;
  if (!tracked.some((p) => p.test(source))) return null;
  const isHeading = (block: string) => /^\s{0,3}(?:#|<h[1-6])/i.test(block) || /\n\s{0,3}(?:=+|-+)\s*$/.test(block);
  const blocks = source.split(/\n[ \t]*\n/);
  const headings = blocks.filter(isHeading);
  const namesSection = headings.some((line) => section.some((p) => p.test(normalizeHeading(flattenInline(line.replace(/^\s*#+\s*|\s+#+\s*$/g, ''))))));
  if (!namesSection && !grants.some((p) => p.test(flattenInline(source)))) return null;
  // A reference link cites through its definition: then every paragraph using a reference link may cite.
  const definesCitation =
    /^\s{0,3}\[[^\]]+\]:/m.test(source) && blocks.some((block) => /^\s{0,3}\[[^\]]+\]:/m.test(block) && tracked.some((p) => p.test(block)));
  const mayCite = (block: string) =>
    tracked.some((p) => p.test(block)) || grants.some((p) => p.test(flattenInline(block))) || (definesCitation && /\]\[|\[[^\]]+\](?!\()/.test(block));
  // Each such paragraph with the heading it falls under, so a paragraph moved into the Exceptions section changes it.
  let under = '';
  const keyed: string[] = [];
  for (const block of blocks) {
    if (isHeading(block)) under = block;
    else if (mayCite(block)) keyed.push(under, block);
  }
  return JSON.stringify([documentClass, headings, keyed]);
}

/** Tracked exceptions cited by any controlled version, in order of first citation; a version is parsed only when its citationSignature is new. */
function exceptionsCited(versions: readonly Version[], config: ResolvedConfig, texts: BlobTexts): string[] {
  const cited = new Set<string>();
  let previous: string | null | undefined;
  for (const version of versions) {
    const options = ruleOptionsFor(config, { documentClass: version.documentClass ?? '' }, exceptionReference.meta.id, defaultExceptionReferenceOptions);
    const { source, frontMatter } = texts.get(version.blob);
    // Front matter cites nothing, and its edits (a review date) would make every version look new.
    const body = frontMatter.present ? source.split('\n').slice(frontMatter.endLine).join('\n') : source;
    const signature = citationSignature(body, version.documentClass, options);
    if (signature === previous) continue;
    previous = signature;
    if (signature === null) continue;
    const model = parseDocumentModel({ path: version.path, absPath: version.path, source, documentClass: version.documentClass!, frontMatter });
    for (const reference of citedExceptions(model, options)) cited.add(reference);
  }
  return [...cited];
}

/** A document's path before the period: where it was at the start, or where it was first seen in the period. */
function pathBeforePeriod(doc: TrackedDocument): string | undefined {
  return doc.start?.path ?? doc.changes[0]?.before?.path ?? doc.paths[0];
}

/**
 * Each controlled document's review status at the end of the period, as `policylint reviews`
 * would have said that day: the front-matter date of its last version, else its last change
 * (in the period, or before it from one `git log` at the period's start per ignore pattern).
 */
async function dateReviews(
  evidence: EvidenceDocument[],
  tracked: readonly TrackedDocument[],
  config: ResolvedConfig,
  texts: BlobTexts,
  history: PeriodHistory,
  end: Date,
): Promise<void> {
  const items = tracked.flatMap((doc, index) => {
    const last = doc.last;
    if (!last?.documentClass) return [];
    const frontMatter = texts.frontMatter(last.blob);
    return [{ index, doc, last, frontMatter, options: reviewOptionsOf(config, last) }];
  });
  const paths = new Map<string, PathHistory>();
  const beforePeriod = new Map<string, { pattern: ReviewOptions['ignoreCommitPattern']; paths: string[] }>();
  for (const item of items) {
    // The front matter's date decides, unless the class reads reviews from git or the document has none.
    const dated = item.options.source !== 'git' && readFrontMatterDate({ frontMatter: item.frontMatter, titleLine: 1 }, item.options.fields).kind !== 'absent';
    if (dated) continue;
    // A config change that brought the document into the controlled set did not touch it: no review.
    const counted = item.doc.changes
      .filter((change) => change.action !== 'reclassified' && !item.options.ignoreCommitPattern?.test(change.commit.message))
      .at(-1);
    const earliest = pathBeforePeriod(item.doc);
    if (counted) {
      paths.set(item.last.path, {
        kind: 'changed',
        last: {
          commit: counted.commit.sha,
          committedAt: counted.commit.date,
          committedOn: new Date(`${counted.commit.date.slice(0, 10)}T00:00:00Z`),
          subject: counted.commit.subject,
          shallowBoundary: false,
        },
      });
    } else if (earliest !== undefined && history.base) {
      const key = item.options.ignoreCommitPattern?.source ?? '';
      const group = beforePeriod.get(key) ?? { pattern: item.options.ignoreCommitPattern, paths: [] };
      group.paths.push(earliest);
      beforePeriod.set(key, group);
    } else {
      paths.set(item.last.path, { kind: 'ignored-only' });
    }
  }
  for (const { pattern, paths: startPaths } of beforePeriod.values()) {
    const loaded = await loadReviewHistory(config.root, startPaths, { rev: history.base!, ...(pattern ? { ignoreCommitPattern: pattern } : {}) });
    for (const item of items) {
      const earliest = pathBeforePeriod(item.doc);
      const entry = earliest === undefined ? undefined : loaded?.paths.get(earliest);
      if (entry && !paths.has(item.last.path)) paths.set(item.last.path, entry);
    }
  }
  for (const item of items) {
    const review = reviewStatus({ path: item.last.path, titleLine: 1, frontMatter: item.frontMatter }, item.options, end, { shallow: false, paths });
    evidence[item.index]!.review = {
      lastReviewed: review.lastReviewed && formatDay(review.lastReviewed),
      due: review.due && formatDay(review.due),
      status: review.status,
    };
  }
}

function reference(doc: EvidenceDocument, change: EvidenceChange, projectUrl: string | null): ChangeReference {
  return {
    path: doc.path,
    commit: change.commit,
    date: change.date,
    mergeRequest: change.mergeRequest?.iid ?? null,
    webUrl: change.mergeRequest?.webUrl ?? null,
    commitUrl: projectUrl === null ? null : `${projectUrl}/-/commit/${change.commit}`,
    verdict: change.verdict,
    reasons: change.reasons,
  };
}

function summarize(documents: readonly EvidenceDocument[], projectUrl: string | null): Omit<Evidence['summary'], 'misdated'> {
  const all = documents.flatMap((doc) => doc.changes.map((change) => ({ doc, change })));
  return {
    documents: documents.length,
    changes: all.length,
    met: all.filter(({ change }) => change.verdict === 'met').length,
    notMet: all.filter(({ change }) => change.verdict === 'not-met').map(({ doc, change }) => reference(doc, change, projectUrl)),
    unverified: all.filter(({ change }) => change.verdict === 'unverified').map(({ doc, change }) => reference(doc, change, projectUrl)),
    overdue: documents.filter((doc) => doc.state === 'controlled' && doc.review.status === 'overdue').map((doc) => doc.path),
    noOwner: documents.filter((doc) => doc.state === 'controlled' && doc.codeOwners.length === 0).map((doc) => doc.path),
  };
}
