// In-memory GitLab state. Tests may read and mutate it directly between requests;
// the helper methods cover the changes that need more than one field kept consistent.
import { createHash } from 'node:crypto';
import {
  parseDiffFiles,
  parseMergeRequest,
  parseSeed,
  type ApprovalRuleRecord,
  type DiffFileRecord,
  type DiffRefs,
  type GroupRecord,
  type NormalizedSeed,
  type ProjectRecord,
  type SeedData,
  type SeedDiffFile,
  type SeedMergeRequest,
  type SeedNote,
  type TokenRecord,
  type UserRecord,
} from './seed.js';
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

export interface DiffVersion {
  id: number;
  head_commit_sha: string;
  base_commit_sha: string;
  start_commit_sha: string;
  created_at: string;
  state: 'collected' | 'overflow' | 'empty';
  real_size: string;
  diffs: DiffFileRecord[];
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
  discussions: DiscussionRecord[];
  approved_by: { user_id: number; approved_at: string }[];
  approvals_required: number;
  approval_rules: ApprovalRuleRecord[];
  created_at: string;
  updated_at: string;
}

/** What a posted note would trigger on real GitLab: recorded so tests can assert it did not happen. */
export interface TextEffect {
  note_id: number | null;
  quick_actions: QuickAction[];
  mentions: string[];
}

/** Deterministic clock: every write advances one second from a fixed start. */
const CLOCK_START = Date.parse('2026-01-01T00:00:00.000Z');

export class FakeState {
  users: UserRecord[];
  tokens: TokenRecord[];
  groups: GroupRecord[];
  projects: ProjectRecord[];
  mergeRequests: MergeRequestRecord[] = [];
  /** Quick actions and @mentions found in note bodies on create/update (GitLab would execute/notify). */
  textEffects: TextEffect[] = [];
  private ticks = 0;
  private nextNoteId = 1001;
  private nextMergeRequestId = 501;
  private nextVersionId = 9001;
  private nextDiscussionSeq = 1;

  constructor(seed: Partial<SeedData> = {}) {
    const data: NormalizedSeed = parseSeed(seed);
    this.users = data.users;
    this.tokens = data.tokens;
    this.groups = data.groups;
    this.projects = data.projects;
    for (const mr of data.merge_requests) this.addMergeRequest(mr);
  }

  now(): string {
    this.ticks += 1;
    return new Date(CLOCK_START + this.ticks * 1000).toISOString();
  }

  user(id: number): UserRecord | undefined {
    return this.users.find((u) => u.id === id);
  }

  /** `:id` in a URL: numeric id or (already decoded) `group/project` path. */
  project(idOrPath: string | number): ProjectRecord | undefined {
    const key = String(idOrPath);
    return /^\d+$/.test(key)
      ? this.projects.find((p) => p.id === Number(key))
      : this.projects.find((p) => p.path_with_namespace === key);
  }

  group(idOrPath: string | number): GroupRecord | undefined {
    const key = String(idOrPath);
    return /^\d+$/.test(key)
      ? this.groups.find((g) => g.id === Number(key))
      : this.groups.find((g) => g.full_path === key);
  }

  mergeRequest(projectId: number, iid: number): MergeRequestRecord | undefined {
    return this.mergeRequests.find((mr) => mr.project_id === projectId && mr.iid === iid);
  }

  addMergeRequest(seed: SeedMergeRequest): MergeRequestRecord {
    const data = parseMergeRequest(seed);
    const created = this.now();
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
      discussions: [],
      approved_by: data.approved_by.map((user_id) => ({ user_id, approved_at: created })),
      approvals_required: data.approvals_required,
      approval_rules: data.approval_rules,
      created_at: created,
      updated_at: created,
    };
    this.mergeRequests.push(mr);
    if (data.diff_refs) this.pushVersion(mr, data.diff_refs, data.diffs);
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
    };
    mr.versions.unshift(version);
    mr.diff_refs = { ...refs };
    mr.diffs = files;
    mr.updated_at = version.created_at;
    return version;
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
