// In-memory GitLab state. Tests may read and mutate it directly between requests;
// the helper methods cover the changes that need more than one field kept consistent.
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import {
  defaultApprovalSettings,
  parseCommits,
  parseDiffFiles,
  parseMergeRequest,
  parseSeed,
  type ParsedAccessLevel,
  type ApprovalRuleRecord,
  type ParsedCommit,
  type DiffFileRecord,
  type DiffRefs,
  type GroupRecord,
  type NormalizedSeed,
  type ProjectRecord,
  type ParsedProtectedBranch,
  type SeedCommit,
  type SeedData,
  type SeedDiffFile,
  type SeedMergeRequest,
  type SeedNote,
  type TokenRecord,
  type UserRecord,
} from './seed.js';
import type { IssueRecord } from './issues.js';
import { detectMentions, detectQuickActions, type QuickAction } from './text.js';

export interface DiffPosition {
  position_type: 'text' | 'image' | 'file';
  base_sha: string;
  start_sha: string;
  head_sha: string;
  old_path: string;
  new_path: string;
  old_line: number | null;
  new_line: number | null;
}

export interface NoteRecord {
  id: number;
  type: null | 'DiscussionNote' | 'DiffNote';
  body: string;
  author_id: number;
  system: boolean;
  internal: boolean;
  created_at: string;
  updated_at: string;
  resolvable: boolean;
  resolved: boolean;
  resolved_by_id: number | null;
  resolved_at: string | null;
  position: DiffPosition | null;
}

export interface DiscussionRecord {
  id: string;
  individual_note: boolean;
  notes: NoteRecord[];
}

export interface CommitRecord {
  id: string;
  /** First 8 characters of the SHA, as GitLab's `Commit#short_id`. */
  short_id: string;
  title: string;
  message: string;
  author_name: string;
  author_email: string;
  authored_date: string;
  committer_name: string;
  committer_email: string;
  committed_date: string;
}

export interface DiffVersion {
  id: number;
  head_commit_sha: string;
  base_commit_sha: string;
  start_commit_sha: string;
  created_at: string;
  state: 'collected' | 'overflow' | 'empty';
  real_size: string;
  diffs: DiffFileRecord[];
  /** The MR's commits when this version was created, newest first. */
  commits: CommitRecord[];
}

export interface ApprovalRecord {
  user_id: number;
  approved_at: string;
}

export interface AccessLevelRecord extends ParsedAccessLevel {
  id: number;
}

export interface ProtectedBranchRecord extends Omit<ParsedProtectedBranch, 'id' | 'push_access_levels' | 'merge_access_levels'> {
  id: number;
  push_access_levels: AccessLevelRecord[];
  merge_access_levels: AccessLevelRecord[];
}

/** A seeded project with ids assigned to its protected branches and their access levels. */
export interface ProjectState extends Omit<ProjectRecord, 'protected_branches'> {
  protected_branches: ProtectedBranchRecord[];
}

export interface MergeRequestRecord {
  id: number;
  iid: number;
  project_id: number;
  source_project_id: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  draft: boolean;
  author_id: number | null;
  source_branch: string;
  target_branch: string;
  diff_refs: DiffRefs | null;
  diffs: DiffFileRecord[];
  /** Newest first, like `/versions`. */
  versions: DiffVersion[];
  /** Newest first, like `/commits`. */
  commits: CommitRecord[];
  discussions: DiscussionRecord[];
  approved_by: ApprovalRecord[];
  approvals_required: number;
  approval_rules: ApprovalRuleRecord[];
  created_at: string;
  updated_at: string;
  /** Seeded head SHA, served as `sha` while `diff_refs` is null (see `headSha`). */
  head_sha: string | null;
  /** Set only on `merged` MRs: who merged it, when, and the merge / squash commits GitLab created (null for a fast-forward). */
  merged_by_id: number | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  squash_commit_sha: string | null;
}

/** What a posted note would trigger on real GitLab: recorded so tests can assert it did not happen. */
export interface TextEffect {
  note_id: number | null;
  quick_actions: QuickAction[];
  mentions: string[];
}

export interface PushOptions {
  refs: DiffRefs;
  /** The whole MR diff after the push, as for `pushVersion`. */
  diffs: SeedDiffFile[];
  /** User id of the pusher: author of the system notes. */
  by: number;
  /** The pushed commits, newest first (like `GET .../commits`); at least one. */
  commits: SeedCommit[];
}

export interface PushResult {
  version: DiffVersion;
  /** "added N commits" system note. */
  commitsNote: NoteRecord;
  /** "reset approvals from @a and @b by pushing to the branch", when the push removed approvals. */
  approvalsResetNote: NoteRecord | null;
  removedApproverIds: number[];
}

/** Deterministic clock: every write advances one second from a fixed start. */
const CLOCK_START = Date.parse('2026-01-01T00:00:00.000Z');

export class FakeState {
  users: UserRecord[];
  tokens: TokenRecord[];
  groups: GroupRecord[];
  projects: ProjectState[];
  mergeRequests: MergeRequestRecord[] = [];
  /** Quick actions and @mentions found in note bodies on create/update (GitLab would execute/notify). */
  textEffects: TextEffect[] = [];
  /** Issues of every project; `addIssue` numbers them per project. */
  issues: IssueRecord[] = [];
  /** Labels each project has (GitLab creates a label the first time an issue is given it). */
  labels = new Map<number, Set<string>>();
  private ticks = 0;
  private nextNoteId = 1001;
  private nextIssueId = 7001;
  private nextMergeRequestId = 501;
  private nextVersionId = 9001;
  private nextDiscussionSeq = 1;
  private nextProtectedBranchId = 101;
  private nextAccessLevelId = 1001;

  constructor(seed: Partial<SeedData> = {}) {
    const data: NormalizedSeed = parseSeed(seed);
    this.users = data.users;
    this.tokens = data.tokens;
    this.groups = data.groups;
    this.projects = data.projects.map((p) => this.projectState(p));
    for (const mr of data.merge_requests) this.addMergeRequest(mr);
    for (const { state, ...fields } of data.issues) {
      const issue = this.addIssue(fields);
      if (state === 'closed') Object.assign(issue, { state, closed_at: issue.updated_at });
    }
  }

  now(): string {
    this.ticks += 1;
    return new Date(CLOCK_START + this.ticks * 1000).toISOString();
  }

  user(id: number): UserRecord | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** `:id` in a URL: numeric id or (already decoded) `group/project` path. */
  project(idOrPath: string | number): ProjectState | undefined {
    const key = String(idOrPath);
    return /^\d+$/.test(key) ? this.projects.find((p) => p.id === Number(key)) : this.projects.find((p) => p.path_with_namespace === key);
  }

  group(idOrPath: string | number): GroupRecord | undefined {
    const key = String(idOrPath);
    return /^\d+$/.test(key) ? this.groups.find((g) => g.id === Number(key)) : this.groups.find((g) => g.full_path === key);
  }

  /** Creates an issue as `POST /projects/:id/issues` does (fields already validated); the next iid of its project. */
  addIssue(fields: Pick<IssueRecord, 'project_id' | 'title' | 'description' | 'author_id' | 'assignee_ids' | 'labels' | 'due_date'>): IssueRecord {
    const at = this.now();
    const iid = 1 + Math.max(0, ...this.issues.filter((i) => i.project_id === fields.project_id).map((i) => i.iid));
    const issue: IssueRecord = { id: this.nextIssueId++, iid, state: 'opened', created_at: at, updated_at: at, closed_at: null, notes: [], ...fields };
    this.issues.push(issue);
    this.rememberLabels(fields.project_id, fields.labels);
    return issue;
  }

  rememberLabels(projectId: number, labels: readonly string[]): void {
    const known = this.labels.get(projectId) ?? new Set<string>();
    for (const label of labels) known.add(label);
    this.labels.set(projectId, known);
  }

  /** Issue notes share the id sequence of merge request notes, as all notes do in GitLab. */
  nextIssueNoteId(): number {
    return this.nextNoteId++;
  }

  mergeRequest(projectId: number, iid: number): MergeRequestRecord | undefined {
    return this.mergeRequests.find((mr) => mr.project_id === projectId && mr.iid === iid);
  }

  /** The project's MRs that `sha` is related to (see `isRelatedCommit`), newest (highest id) first, as MergeRequestsFinder orders them. */
  mergeRequestsOfCommit(projectId: number, sha: string): MergeRequestRecord[] {
    return this.mergeRequests.filter((mr) => mr.project_id === projectId && isRelatedCommit(mr, sha)).sort((a, b) => b.id - a.id);
  }

  /** Whether the project's repository holds the commit: one of its MRs', a seeded `repository_commits` entry or a SHA key of `files`. */
  repositoryHasCommit(project: ProjectState, sha: string): boolean {
    return this.seededCommit(project, sha) || this.mergeRequests.some((mr) => mr.project_id === project.id && isRelatedCommit(mr, sha));
  }

  /** A commit the repository holds besides its MRs': `repository_commits` or a SHA key of `files`. */
  seededCommit(project: ProjectState, sha: string): boolean {
    return project.repository_commits.includes(sha) || Object.hasOwn(project.files, sha);
  }

  addMergeRequest(seed: SeedMergeRequest): MergeRequestRecord {
    const data = parseMergeRequest(seed);
    const added = this.now();
    const created = data.created_at ?? added;
    const mr: MergeRequestRecord = {
      id: data.id ?? this.nextMergeRequestId++,
      iid: data.iid,
      project_id: data.project_id,
      source_project_id: data.source_project_id ?? data.project_id,
      title: data.title,
      description: data.description,
      state: data.state,
      draft: data.draft,
      author_id: data.author_id ?? null,
      source_branch: data.source_branch,
      target_branch: data.target_branch,
      diff_refs: null,
      diffs: [],
      versions: [],
      commits: this.commitRecords(data.commits),
      discussions: [],
      approved_by: data.approved_by.map((a) => (typeof a === 'number' ? { user_id: a, approved_at: added } : a)),
      approvals_required: data.approvals_required,
      approval_rules: data.approval_rules,
      created_at: created,
      updated_at: created,
      head_sha: data.sha,
      merged_by_id: data.merged_by,
      merged_at: null,
      merge_commit_sha: data.merge_commit_sha,
      squash_commit_sha: data.squash_commit_sha,
    };
    this.mergeRequests.push(mr);
    if (data.diff_refs) this.pushVersion(mr, data.diff_refs, data.diffs);
    // Merging is the last thing that happened to a merged MR unless the seed says otherwise.
    mr.updated_at = data.updated_at ?? data.merged_at ?? mr.updated_at;
    if (mr.state === 'merged') mr.merged_at = data.merged_at ?? mr.updated_at;
    for (const note of data.notes) {
      mr.discussions.push({ id: this.discussionId(), individual_note: true, notes: [this.seedNote(note, false)] });
    }
    for (const d of data.discussions) {
      const notes = d.notes.map((n) => this.seedNote(n, true));
      mr.discussions.push({ id: d.id ?? this.discussionId(), individual_note: false, notes });
      if (d.resolved) this.setResolved(notes, true, notes[0]!.author_id);
    }
    return mr;
  }

  /** Simulates a push to the source branch: new diff version, new diff_refs, new diffs. */
  pushVersion(mr: MergeRequestRecord, refs: DiffRefs, diffs: SeedDiffFile[]): DiffVersion {
    const files = parseDiffFiles(diffs);
    const version: DiffVersion = {
      id: this.nextVersionId++,
      head_commit_sha: refs.head_sha,
      base_commit_sha: refs.base_sha,
      start_commit_sha: refs.start_sha,
      created_at: this.now(),
      state: files.length === 0 ? 'empty' : 'collected',
      real_size: String(files.length),
      diffs: files,
      commits: [...mr.commits],
    };
    mr.versions.unshift(version);
    mr.diff_refs = { ...refs };
    mr.diffs = files;
    mr.updated_at = version.created_at;
    return version;
  }

  /**
   * Simulates `by` pushing `commits` to the source branch, as GitLab's MergeRequests::RefreshService
   * does: new version, the "added N commits" system note, then the approval reset the project's
   * `approval_settings` ask for, with its "reset approvals from ..." system note.
   */
  push(mr: MergeRequestRecord, { refs, diffs, by, commits }: PushOptions): PushResult {
    const previous = mr.versions[0];
    const added = this.commitRecords(parseCommits(commits));
    mr.commits = [...added, ...mr.commits];
    const version = this.pushVersion(mr, refs, diffs);
    const commitsNote = this.addSystemNote(mr, this.addedCommitsBody(mr, added, version, previous), by);

    const removedApproverIds = this.approvalsRemovedByPush(mr, previous, version);
    mr.approved_by = mr.approved_by.filter((a) => !removedApproverIds.includes(a.user_id));
    const references = removedApproverIds.flatMap((id) => {
      const user = this.user(id);
      return user ? [`@${user.username}`] : [];
    });
    const approvalsResetNote =
      references.length > 0 ? this.addSystemNote(mr, `reset approvals from ${toSentence(references)} by pushing to the branch`, by) : null;
    return { version, commitsNote, approvalsResetNote, removedApproverIds };
  }

  /** Adds a system note (e.g. "added 1 commit") the way GitLab does on pushes and approvals. */
  addSystemNote(mr: MergeRequestRecord, body: string, authorId: number): NoteRecord {
    const note = this.newNote({ body, author_id: authorId, system: true, type: null, resolvable: false, position: null });
    mr.discussions.push({ id: this.discussionId(), individual_note: true, notes: [note] });
    return note;
  }

  approve(mr: MergeRequestRecord, userId: number): void {
    if (mr.approved_by.some((a) => a.user_id === userId)) return;
    mr.approved_by.push({ user_id: userId, approved_at: this.now() });
  }

  newNote(fields: Pick<NoteRecord, 'body' | 'author_id' | 'system' | 'type' | 'resolvable' | 'position'> & { internal?: boolean }): NoteRecord {
    const at = this.now();
    const note: NoteRecord = {
      id: this.nextNoteId++,
      internal: false,
      created_at: at,
      updated_at: at,
      resolved: false,
      resolved_by_id: null,
      resolved_at: null,
      ...fields,
    };
    return note;
  }

  /** Called for bodies users post or edit (not for seeded notes, which already existed). */
  recordTextEffects(noteId: number | null, body: string): TextEffect {
    const effect: TextEffect = { note_id: noteId, quick_actions: detectQuickActions(body), mentions: detectMentions(body) };
    if (effect.quick_actions.length > 0 || effect.mentions.length > 0) this.textEffects.push(effect);
    return effect;
  }

  setResolved(notes: NoteRecord[], resolved: boolean, byUserId: number): void {
    const at = this.now();
    for (const note of notes) {
      if (!note.resolvable) continue;
      note.resolved = resolved;
      note.resolved_by_id = resolved ? byUserId : null;
      note.resolved_at = resolved ? at : null;
    }
  }

  /** All notes of an MR, in creation order. */
  notesOf(mr: MergeRequestRecord): NoteRecord[] {
    return mr.discussions.flatMap((d) => d.notes).sort((a, b) => a.id - b.id);
  }

  /** Deterministic 40-hex discussion id. */
  discussionId(): string {
    return createHash('sha1').update(`discussion-${this.nextDiscussionSeq++}`).digest('hex');
  }

  /** SystemNotes::CommitService#add_commits: commits oldest first, titles HTML-escaped by content_tag. */
  private addedCommitsBody(mr: MergeRequestRecord, added: CommitRecord[], version: DiffVersion, previous: DiffVersion | undefined): string {
    const items = [...added]
      .reverse()
      .map((c) => `<li>${c.short_id} - ${escapeHtml(c.title)}</li>`)
      .join('');
    const path = this.project(mr.project_id)?.path_with_namespace ?? String(mr.project_id);
    const startSha = previous ? `&start_sha=${previous.head_commit_sha}` : '';
    const compare = `/${path}/-/merge_requests/${mr.iid}/diffs?diff_id=${version.id}${startSha}`;
    const count = `${added.length} commit${added.length === 1 ? '' : 's'}`;
    return `added ${count}\n\n<ul>${items}</ul>\n\n[Compare with previous version](${compare})`;
  }

  /**
   * EE MergeRequests::ResetApprovalsService: `reset_approvals_on_push` removes every approval;
   * otherwise `selective_code_owner_removals` removes the approvals counted for code-owner rules
   * whose pattern (the rule's `name`) matches a file whose diff changed since the previous version.
   */
  private approvalsRemovedByPush(mr: MergeRequestRecord, previous: DiffVersion | undefined, current: DiffVersion): number[] {
    const settings = this.project(mr.project_id)?.approval_settings ?? defaultApprovalSettings();
    if (settings.reset_approvals_on_push) return mr.approved_by.map((a) => a.user_id);
    if (!settings.selective_code_owner_removals) return [];
    const changed = changedPaths(previous?.diffs ?? [], current.diffs);
    const removed = new Set<number>();
    for (const { rule, counted } of approvalRuleStates(this, mr)) {
      if (rule.rule_type !== 'code_owner' || !changed.some((path) => codeOwnerPatternMatches(rule.name, path))) continue;
      for (const approval of counted) removed.add(approval.user_id);
    }
    return mr.approved_by.map((a) => a.user_id).filter((id) => removed.has(id));
  }

  /** Seeded commits are newest first; default dates are given oldest first so they read in order. */
  private commitRecords(seeds: ParsedCommit[]): CommitRecord[] {
    return [...seeds]
      .reverse()
      .map((seed) => {
        const authoredDate = seed.authored_date ?? this.now();
        return {
          id: seed.id,
          short_id: seed.id.slice(0, 8),
          title: commitTitle(seed.message),
          message: seed.message,
          author_name: seed.author_name,
          author_email: seed.author_email,
          authored_date: authoredDate,
          committer_name: seed.committer_name ?? seed.author_name,
          committer_email: seed.committer_email ?? seed.author_email,
          committed_date: seed.committed_date ?? authoredDate,
        };
      })
      .reverse();
  }

  private projectState(project: ProjectRecord): ProjectState {
    const withIds = (levels: ParsedAccessLevel[]): AccessLevelRecord[] => levels.map((level) => ({ id: this.nextAccessLevelId++, ...level }));
    return {
      ...project,
      protected_branches: project.protected_branches.map((branch) => ({
        ...branch,
        id: branch.id ?? this.nextProtectedBranchId++,
        push_access_levels: withIds(branch.push_access_levels),
        merge_access_levels: withIds(branch.merge_access_levels),
      })),
    };
  }

  private seedNote(seed: SeedNote, inThread: boolean): NoteRecord {
    const note = this.newNote({
      body: seed.body,
      author_id: seed.author_id,
      system: seed.system,
      type: inThread ? 'DiscussionNote' : null,
      resolvable: inThread && !seed.system,
      position: null,
    });
    if (seed.id !== undefined) {
      note.id = seed.id;
      this.nextNoteId = Math.max(this.nextNoteId, seed.id + 1);
    }
    if (seed.created_at) note.created_at = note.updated_at = seed.created_at;
    return note;
  }
}

/** The MR's `sha` (`diff_head_sha`): head of the latest diff version, else the seeded `sha`, else the newest commit. */
export function headSha(mr: MergeRequestRecord): string | null {
  return mr.diff_refs?.head_sha ?? mr.head_sha ?? mr.commits[0]?.id ?? null;
}

/**
 * `MergeRequest.by_related_commit_sha`: MRs whose latest diff holds the commit (`by_commit_sha`, the head included) or
 * whose merge or squash commit it is (`by_merge_commit_sha`, `by_squash_commit_sha`). Newer GitLab also matches
 * `merged_commit_sha`, which is the merge commit, the squash commit or (fast-forward) the head: nothing more.
 */
export function isRelatedCommit(mr: MergeRequestRecord, sha: string): boolean {
  if (mr.merge_commit_sha === sha || mr.squash_commit_sha === sha || headSha(mr) === sha) return true;
  for (const commit of mr.commits) if (commit.id === sha) return true;
  return false;
}

/** Users allowed to satisfy a rule: listed users plus members of listed groups. */
function eligibleUserIds(state: FakeState, rule: ApprovalRuleRecord): Set<number> {
  const ids = new Set(rule.eligible_approver_ids);
  for (const groupId of rule.group_ids) {
    for (const m of state.group(groupId)?.members ?? []) ids.add(m.user_id);
  }
  return ids;
}

/** Each rule with its eligible users, the approvals that count for it and whether it is met. */
export function approvalRuleStates(state: FakeState, mr: MergeRequestRecord) {
  return mr.approval_rules.map((rule) => {
    const eligible = eligibleUserIds(state, rule);
    const counted = mr.approved_by.filter((a) => rule.rule_type === 'any_approver' || eligible.has(a.user_id));
    return { rule, eligible, counted, approved: counted.length >= rule.approvals_required };
  });
}

/** Commit#title: the first line, cut to 80 characters and an ellipsis when longer than 100. */
function commitTitle(message: string): string {
  const firstLine = message.split('\n', 1)[0]!;
  return firstLine.length > 100 ? `${firstLine.slice(0, 80)}…` : firstLine;
}

/** ERB::Util.html_escape, as Rails' content_tag applies to the commit list. */
function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

/** Array#to_sentence: "a", "a and b", "a, b, and c". */
function toSentence(words: string[]): string {
  if (words.length <= 2) return words.join(' and ');
  return `${words.slice(0, -1).join(', ')}, and ${words.at(-1)}`;
}

/** Paths whose entry in the MR diff differs between two versions (added, removed or changed hunks). */
function changedPaths(previous: DiffFileRecord[], current: DiffFileRecord[]): string[] {
  const before = new Map(previous.map((f) => [f.new_path, JSON.stringify(f)]));
  const after = new Map(current.map((f) => [f.new_path, JSON.stringify(f)]));
  return [...new Set([...before.keys(), ...after.keys()])].filter((path) => before.get(path) !== after.get(path));
}

/**
 * GitLab CODEOWNERS path semantics, approximately: a leading `/` anchors at the repository root,
 * other patterns match at any depth, and a pattern also matches everything below a directory.
 */
function codeOwnerPatternMatches(pattern: string, path: string): boolean {
  const glob = pattern.startsWith('/') ? pattern.slice(1) : `**/${pattern}`;
  const directory = glob.endsWith('/') ? glob.slice(0, -1) : glob;
  return picomatch.isMatch(path, [directory, `${directory}/**`], { dot: true });
}

export interface DiffLine {
  old_line: number | null;
  new_line: number | null;
}

/**
 * Lines a diff note can be attached to: added (old_line null), removed (new_line null) and
 * context lines (both). GitLab matches a position by this exact (old_line, new_line) pair.
 */
export function addressableLines(diff: string): DiffLine[] {
  const lines: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  let inHunk = false;
  for (const text of diff.split('\n')) {
    const header = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(text);
    if (header) {
      oldLine = Number(header[1]);
      newLine = Number(header[2]);
      inHunk = true;
      continue;
    }
    if (!inHunk || text.startsWith('\\')) continue; // "\ No newline at end of file"
    if (text.startsWith('+')) lines.push({ old_line: null, new_line: newLine++ });
    else if (text.startsWith('-')) lines.push({ old_line: oldLine++, new_line: null });
    else if (text.startsWith(' ')) lines.push({ old_line: oldLine++, new_line: newLine++ });
  }
  return lines;
}

/** Git blob id of a text file, as GitLab reports in `blob_id`. */
export function blobId(content: string): string {
  const bytes = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
