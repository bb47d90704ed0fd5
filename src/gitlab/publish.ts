// Publishes findings to a merge request: one summary note (found again by its marker and edited
// in place) and resolvable diff threads for findings on lines the diff shows. Re-runs with the
// same findings write nothing; concurrent pipelines converge on a single summary.
import type { DiscussionNoteSchema, DiscussionSchema } from '@gitbeaker/rest';
import type { SubjectVerdict } from '../approvals/judge.js';
import type { Finding } from '../engine/types.js';
import { GitLabApiError, type GitLabApi } from './client.js';
import { newSideLines, type ChangedFile, type NewSideLine } from './diff.js';
import { compareFindings, fingerprintInBody, isResolvedReply, markerFingerprint, RESOLVED_REPLY, SUMMARY_MARKER, summaryBody, threadBody } from './render.js';

export interface PublishInput {
  api: GitLabApi;
  /** The merge request's (target) project. */
  projectId: string | number;
  iid: number;
  findings: readonly Finding[];
  /** The MR's changed files with their hunks, to place threads on lines the diff shows. */
  changes: readonly ChangedFile[];
  /** Number of documents checked, for the summary. */
  documents: number;
  maxInlineThreads: number;
  /** Extra paragraphs for the summary (trusted text). */
  notes?: readonly string[];
  /** Verdicts on the changes that need code-owner approval, for the summary's table. */
  approvals?: readonly SubjectVerdict[];
  /** Plan only: no writes. */
  dryRun?: boolean;
  maxSummaryChars?: number;
}

export interface PublishResult {
  /** What was done (or, in a dry run, would be done), one line each. */
  actions: string[];
  summaryBody: string;
  threads: { created: number; reopened: number; resolved: number; open: number };
  listedInSummary: number;
}

interface OurComment {
  discussionId: string;
  noteId: number;
  body: string;
  createdAt: string;
  resolved: boolean;
  resolvedByUs: boolean;
  hasResolvedReply: boolean;
}

interface OurComments {
  summaries: OurComment[];
  threads: Map<string, OurComment[]>;
}

interface Placement {
  file: ChangedFile;
  line: NewSideLine;
}

type ResolvableNote = DiscussionNoteSchema & { resolved?: boolean; resolved_by?: { id?: number } | null };

function oldestFirst(a: OurComment, b: OurComment): number {
  return a.createdAt.localeCompare(b.createdAt) || a.noteId - b.noteId;
}

async function listOurComments(input: PublishInput, userId: number): Promise<OurComments> {
  const discussions: DiscussionSchema[] = await input.api.MergeRequestDiscussions.all(input.projectId, input.iid, { perPage: 100 });
  const ours: OurComments = { summaries: [], threads: new Map() };
  for (const discussion of discussions) {
    const notes = (discussion.notes ?? []) as ResolvableNote[];
    const first = notes[0];
    // Only the token's own user counts: anyone can paste a marker into a comment.
    if (!first || first.system || first.author.id !== userId) continue;
    const comment: OurComment = {
      discussionId: discussion.id,
      noteId: first.id,
      body: first.body,
      createdAt: first.created_at,
      resolved: first.resolved === true,
      resolvedByUs: first.resolved_by?.id === userId,
      hasResolvedReply: notes.slice(1).some((note) => note.author.id === userId && isResolvedReply(note.body)),
    };
    if (discussion.individual_note && first.body.startsWith(SUMMARY_MARKER)) {
      ours.summaries.push(comment);
      continue;
    }
    const fingerprint = fingerprintInBody(first.body);
    if (fingerprint === undefined) continue;
    ours.threads.set(fingerprint, [...(ours.threads.get(fingerprint) ?? []), comment]);
  }
  ours.summaries.sort(oldestFirst);
  for (const list of ours.threads.values()) list.sort(oldestFirst);
  return ours;
}

const markerOf = (finding: Finding) => markerFingerprint(finding.fingerprint);

/** Diff lines a thread can be attached to, per new path. */
function placements(changes: readonly ChangedFile[]): Map<string, { file: ChangedFile; lines: Map<number, NewSideLine> }> {
  const byPath = new Map<string, { file: ChangedFile; lines: Map<number, NewSideLine> }>();
  for (const file of changes) {
    if (file.status === 'deleted' || !file.diff) continue;
    byPath.set(file.newPath, { file, lines: newSideLines(file.diff) });
  }
  return byPath;
}

/**
 * Runs a POST at most once in effect: when it fails after it may have reached GitLab, looks for
 * its result (by marker) before trying once more.
 */
export async function createOnce(create: () => Promise<unknown>, alreadyThere: () => Promise<boolean>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(error instanceof GitLabApiError && error.maybeApplied)) throw error;
    if (await alreadyThere()) return;
    await create();
  }
}

async function ignoreNotFound(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    // Another pipeline removed it first.
    if (!(error instanceof GitLabApiError && error.status === 404)) throw error;
  }
}

export async function publishFindings(input: PublishInput): Promise<PublishResult> {
  const { api, projectId, iid } = input;
  const me = (await api.Users.showCurrentUser()).id;
  const mr = await api.MergeRequests.show(projectId, iid);
  // Null right after the MR was created, until GitLab computes the diff: no threads then.
  const refs = (mr.diff_refs as typeof mr.diff_refs | null) ?? null;
  const ours = await listOurComments(input, me);
  const diffLines = placements(input.changes);

  const findings = [...new Map(input.findings.map((f) => [f.fingerprint, f])).values()];
  const hasOpenThread = (f: Finding) => ours.threads.get(markerOf(f))?.some((t) => !t.resolved) ?? false;
  const placementOf = (f: Finding): Placement | undefined => {
    const entry = diffLines.get(f.path);
    const line = entry?.lines.get(f.line);
    return entry && line ? { file: entry.file, line } : undefined;
  };
  // Findings already shown as open threads keep their place, so the cap does not shuffle threads between runs.
  const threadable = findings
    .filter((f) => hasOpenThread(f) || (refs !== null && placementOf(f) !== undefined))
    .sort((a, b) => Number(hasOpenThread(b)) - Number(hasOpenThread(a)) || compareFindings(a, b));
  const inline = threadable.slice(0, Math.max(0, input.maxInlineThreads));
  const listed = findings.filter((f) => !inline.includes(f));

  const result: PublishResult = { actions: [], summaryBody: '', threads: { created: 0, reopened: 0, resolved: 0, open: 0 }, listedInSummary: 0 };
  const act = async (description: string, run: () => Promise<unknown>) => {
    result.actions.push(description);
    if (!input.dryRun) await run();
  };

  for (const finding of inline) {
    const marker = markerOf(finding);
    const threads = ours.threads.get(marker) ?? [];
    const where = `${finding.path}:${finding.line}`;
    if (threads.some((t) => !t.resolved)) {
      result.threads.open++;
      continue;
    }
    const reopenable = threads.find((t) => t.resolvedByUs);
    if (reopenable) {
      await act(`reopen thread for ${finding.ruleId} at ${where}`, () => api.MergeRequestDiscussions.resolve(projectId, iid, reopenable.discussionId, false));
      result.threads.reopened++;
      result.threads.open++;
      continue;
    }
    const placement = placementOf(finding);
    // A reviewer resolved it (or it is off the diff now): mention it in the summary, do not reopen.
    if (threads.length > 0 || !placement || !refs) {
      listed.push(finding);
      continue;
    }
    const position = {
      positionType: 'text' as const,
      baseSha: refs.base_sha,
      startSha: refs.start_sha,
      headSha: refs.head_sha,
      oldPath: placement.file.oldPath,
      newPath: placement.file.newPath,
      newLine: String(placement.line.newLine),
      ...(placement.line.oldLine !== null ? { oldLine: String(placement.line.oldLine) } : {}),
    };
    try {
      await act(`open thread for ${finding.ruleId} at ${where}`, () =>
        createOnce(
          () => api.MergeRequestDiscussions.create(projectId, iid, threadBody(finding), { position }),
          async () => (await listOurComments(input, me)).threads.get(marker)?.some((t) => !t.resolved) ?? false,
        ),
      );
      result.threads.created++;
      result.threads.open++;
    } catch (error) {
      // GitLab refuses positions it cannot map to the diff (400 line_code): list the finding instead.
      if (!(error instanceof GitLabApiError && error.status === 400)) throw error;
      result.actions.push(`GitLab refused a thread at ${where}; listed in the summary`);
      listed.push(finding);
    }
  }

  const current = new Set(findings.map(markerOf));
  for (const [marker, threads] of ours.threads) {
    if (current.has(marker)) continue;
    for (const thread of threads.filter((t) => !t.resolved)) {
      await act(`resolve thread ${thread.discussionId.slice(0, 8)} (finding gone)`, async () => {
        // Reply first: a thread is only resolved once the reply is there, so a retry never replies twice.
        if (!thread.hasResolvedReply) {
          await createOnce(
            () => api.MergeRequestDiscussions.addNote(projectId, iid, thread.discussionId, RESOLVED_REPLY),
            async () => (await listOurComments(input, me)).threads.get(marker)?.find((t) => t.discussionId === thread.discussionId)?.hasResolvedReply ?? false,
          );
        }
        await api.MergeRequestDiscussions.resolve(projectId, iid, thread.discussionId, true);
      });
      result.threads.resolved++;
    }
  }

  result.listedInSummary = listed.length;
  const body = summaryBody({
    listed,
    threaded: result.threads.open,
    documents: input.documents,
    commit: refs?.head_sha.slice(0, 8),
    notes: input.notes ?? [],
    approvals: input.approvals,
    maxChars: input.maxSummaryChars,
  });
  result.summaryBody = body;

  const [summary, ...duplicates] = ours.summaries;
  if (summary) {
    if (summary.body !== body) await act('update the summary comment', () => api.MergeRequestNotes.edit(projectId, iid, summary.noteId, { body }));
    for (const duplicate of duplicates)
      await act('remove a duplicate summary comment', () => ignoreNotFound(() => api.MergeRequestNotes.remove(projectId, iid, duplicate.noteId)));
  } else {
    await act('post the summary comment', () =>
      createOnce(
        () => api.MergeRequestNotes.create(projectId, iid, body),
        async () => (await listOurComments(input, me)).summaries.length > 0,
      ),
    );
  }

  if (!input.dryRun && result.actions.length > 0) await removeRaceDuplicates(input, me, body);
  return result;
}

/**
 * Two pipelines of the same MR may both have created a summary or the same thread. Everyone
 * keeps the oldest and removes the newer ones, so all runs converge; the survivor gets this run's body.
 */
async function removeRaceDuplicates(input: PublishInput, me: number, body: string): Promise<void> {
  const { api, projectId, iid } = input;
  const ours = await listOurComments(input, me);
  const [summary, ...extraSummaries] = ours.summaries;
  for (const extra of extraSummaries) await ignoreNotFound(() => api.MergeRequestNotes.remove(projectId, iid, extra.noteId));
  if (summary && extraSummaries.length > 0 && summary.body !== body) await api.MergeRequestNotes.edit(projectId, iid, summary.noteId, { body });
  for (const threads of ours.threads.values()) {
    const [, ...extraThreads] = threads.filter((t) => !t.resolved);
    for (const extra of extraThreads) await ignoreNotFound(() => api.MergeRequestDiscussions.removeNote(projectId, iid, extra.discussionId, extra.noteId));
  }
}
