// The API v4 endpoints the fake serves. Handlers are synchronous so each request is applied
// atomically: concurrent clients interleave only between requests, never inside one.
import { createHash } from 'node:crypto';
import {
  badRequest,
  forbidden,
  invalidParam,
  notFound,
  oneOf,
  optionalBoolean,
  optionalInteger,
  paginate,
  projectOf,
  requireString,
  unknownRoute,
  type ApiResponse,
  type Params,
} from './http.js';
import { issueRoutes } from './issues.js';
import { mergeRequestListRoutes } from './merge-requests.js';
import {
  approvalSettingsJson,
  approvalSummary,
  commitJson,
  diffJson,
  discussionJson,
  memberJson,
  mergeRequestJson,
  noteJson,
  projectJson,
  protectedBranchJson,
  userByIdJson,
  userJson,
} from './render.js';
import type { GroupRecord, Member, UserRecord } from './seed.js';
import {
  addressableLines,
  approvalRuleStates,
  blobId,
  type DiffPosition,
  type DiscussionRecord,
  type FakeState,
  type MergeRequestRecord,
  type NoteRecord,
} from './state.js';
import { isOnlyQuickActions } from './text.js';

export interface RouteContext {
  state: FakeState;
  /** Decoded `:name` path segments. */
  path: Record<string, string>;
  query: URLSearchParams;
  /** Query and body merged, body winning (as Grape does). */
  input: Params;
  /** Full URL of this request, for pagination links. */
  selfUrl: URL;
  baseUrl: string;
  user: UserRecord;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Segments after `/api/v4/`; `:name` captures one (URL-encoded) segment. */
  pattern: string;
  /** CI_JOB_TOKEN is accepted only on these routes (GitLab's allow-list has no MR, notes or files endpoints). */
  jobToken?: boolean;
  handle(ctx: RouteContext): ApiResponse;
}

const NOTE_MAX_LENGTH = 1_000_000;
const LINE_CODE_ERROR = 'Note {:line_code=>["can\'t be blank", "must be a valid line code"]}';

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });

function mergeRequestOf(ctx: RouteContext): MergeRequestRecord {
  const project = projectOf(ctx);
  const iid = Number(ctx.path.iid);
  const mr = Number.isInteger(iid) ? ctx.state.mergeRequest(project.id, iid) : undefined;
  if (!mr) throw notFound('Merge Request');
  return mr;
}

function discussionOf(ctx: RouteContext, mr: MergeRequestRecord): DiscussionRecord {
  const discussion = mr.discussions.find((d) => d.id === ctx.path.discussion_id);
  if (!discussion) throw notFound('Discussion');
  return discussion;
}

function noteOf(ctx: RouteContext, notes: NoteRecord[]): NoteRecord {
  const note = notes.find((n) => String(n.id) === ctx.path.note_id);
  if (!note) throw notFound('Note');
  return note;
}

function noteBody(ctx: RouteContext): string {
  const body = requireString(ctx.input, 'body');
  if (body.length > NOTE_MAX_LENGTH) throw badRequest(`Note {:note=>["is too long (maximum is ${NOTE_MAX_LENGTH} characters)"]}`);
  return body;
}

function requireAuthor(ctx: RouteContext, note: NoteRecord): void {
  if (note.system || note.author_id !== ctx.user.id) throw forbidden();
}

/** Members of the groups above `path` (nearest last), for `/members/all`. */
function ancestorGroupMembers(state: FakeState, path: string): Member[] {
  const segments = path.split('/');
  const members: Member[] = [];
  for (let i = 1; i < segments.length; i++) {
    members.push(...(state.group(segments.slice(0, i).join('/'))?.members ?? []));
  }
  return members;
}

/** GitLab keeps the membership with the highest access level when a user appears twice. */
function highestAccess(members: Member[]): Member[] {
  const byUser = new Map<number, Member>();
  for (const m of members) {
    const seen = byUser.get(m.user_id);
    if (!seen || m.access_level > seen.access_level) byUser.set(m.user_id, m);
  }
  return [...byUser.values()];
}

function listMembers(ctx: RouteContext, members: Member[]): ApiResponse {
  const query = ctx.query.get('query')?.toLowerCase();
  const userIds = ctx.query.getAll('user_ids[]').map(Number);
  const rendered = members
    .filter((m) => userIds.length === 0 || userIds.includes(m.user_id))
    .map((m) => memberJson(ctx.state, m, ctx.baseUrl))
    .filter((m) => !query || m.username.toLowerCase().includes(query) || m.name.toLowerCase().includes(query));
  return paginate(rendered, ctx.query, ctx.selfUrl);
}

/** `members.find_by!(user_id:)`: a non-member is ActiveRecord::RecordNotFound, rendered `404 Not found`. */
function showMember(ctx: RouteContext, members: Member[]): ApiResponse {
  if (!/^\d+$/.test(ctx.path.user_id!)) throw invalidParam('user_id is invalid');
  const member = members.find((m) => String(m.user_id) === ctx.path.user_id);
  if (!member) throw notFound();
  return ok(memberJson(ctx.state, member, ctx.baseUrl));
}

/**
 * GitLab hides a private group (and its members) behind `404 Group Not Found`, not 403, from users
 * who are not members of it or of a group above it.
 */
function visibleGroupOf(ctx: RouteContext): GroupRecord {
  const group = ctx.state.group(ctx.path.id!);
  if (!group) throw notFound('Group');
  if (group.visibility !== 'private') return group;
  const isMember = ctx.state.groups.some(
    (g) => (g.full_path === group.full_path || group.full_path.startsWith(`${g.full_path}/`)) && g.members.some((m) => m.user_id === ctx.user.id),
  );
  if (!isMember) throw notFound('Group');
  return group;
}

/** Direct members plus those of the groups above `fullPath`, for `/members/all`. */
function withInheritedMembers(state: FakeState, fullPath: string, direct: Member[]): Member[] {
  return highestAccess([...ancestorGroupMembers(state, fullPath), ...direct]);
}

function fileAtRef(ctx: RouteContext, ref: string) {
  const project = projectOf(ctx);
  const content = project.files[ref]?.[ctx.path.file_path!];
  if (content === undefined) throw notFound('File');
  return { project, content };
}

/** Validates a diff position like GitLab: current diff_refs, and an exact (old_line, new_line) pair in the file's diff. */
function parsePosition(raw: unknown, mr: MergeRequestRecord): DiffPosition {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidParam('position is invalid');
  const p = raw as Params;
  requireString(p, 'position_type', 'position[position_type]');
  const positionType = oneOf(p, 'position_type', ['text', 'image', 'file'] as const, 'text', 'position[position_type]');
  const position: DiffPosition = {
    position_type: positionType,
    base_sha: requireString(p, 'base_sha', 'position[base_sha]'),
    start_sha: requireString(p, 'start_sha', 'position[start_sha]'),
    head_sha: requireString(p, 'head_sha', 'position[head_sha]'),
    old_path: '',
    new_path: '',
    old_line: optionalInteger(p, 'old_line', 'position[old_line]'),
    new_line: optionalInteger(p, 'new_line', 'position[new_line]'),
  };
  const oldPath = typeof p.old_path === 'string' && p.old_path !== '' ? p.old_path : null;
  const newPath = typeof p.new_path === 'string' && p.new_path !== '' ? p.new_path : null;
  position.new_path = newPath ?? oldPath ?? '';
  position.old_path = oldPath ?? newPath ?? '';

  const refs = mr.diff_refs;
  const currentShas = refs !== null && refs.base_sha === position.base_sha && refs.start_sha === position.start_sha && refs.head_sha === position.head_sha;
  const file = mr.diffs.find((f) => f.new_path === position.new_path || (f.old_path ?? f.new_path) === position.old_path);
  if (positionType !== 'text') {
    // Wording unverified: GitLab's message for a file/image position on a file outside the diff.
    if (!currentShas || !file) throw badRequest('Note {:position=>["is invalid"]}');
    return position;
  }
  const onDiffLine =
    file !== undefined &&
    !file.collapsed &&
    !file.too_large &&
    addressableLines(file.diff).some((l) => l.old_line === position.old_line && l.new_line === position.new_line);
  if (!currentShas || !onDiffLine) throw badRequest(LINE_CODE_ERROR);
  return position;
}

function resolveNotes(ctx: RouteContext, notes: NoteRecord[], resolved: boolean): void {
  if (!notes.some((n) => n.resolvable)) throw forbidden();
  ctx.state.setResolved(notes, resolved, ctx.user.id);
}

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: 'user',
    handle: (ctx) => ok({ ...userJson(ctx.user, ctx.baseUrl), bot: ctx.user.bot, is_admin: false, created_at: '2025-01-01T00:00:00.000Z' }),
  },
  {
    method: 'GET',
    pattern: 'job',
    jobToken: true,
    handle: (ctx) => ok({ id: 1, status: 'running', user: userJson(ctx.user, ctx.baseUrl) }),
  },
  {
    method: 'GET',
    pattern: 'users',
    handle: (ctx) => {
      const username = ctx.query.get('username');
      const users = ctx.state.users.filter((u) => username === null || u.username.toLowerCase() === username.toLowerCase());
      return paginate(users, ctx.query, ctx.selfUrl, (u) => userJson(u, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'users/:user_id',
    handle: (ctx) => {
      const user = ctx.state.user(Number(ctx.path.user_id));
      if (!user) throw notFound('User');
      // The single-user entity adds the profile fields (Entities::User), public_email among them.
      return ok({ ...userJson(user, ctx.baseUrl), public_email: user.public_email });
    },
  },
  {
    method: 'GET',
    pattern: 'groups/:id',
    handle: (ctx) => {
      const group = visibleGroupOf(ctx);
      const name = group.name ?? group.full_path.split('/').pop()!;
      return ok({
        id: group.id,
        name,
        path: group.full_path.split('/').pop(),
        full_path: group.full_path,
        full_name: name,
        visibility: group.visibility,
        web_url: `${ctx.baseUrl}/groups/${group.full_path}`,
      });
    },
  },
  { method: 'GET', pattern: 'groups/:id/members', handle: (ctx) => listMembers(ctx, visibleGroupOf(ctx).members) },
  {
    method: 'GET',
    pattern: 'groups/:id/members/all',
    handle: (ctx) => {
      const group = visibleGroupOf(ctx);
      return listMembers(ctx, withInheritedMembers(ctx.state, group.full_path, group.members));
    },
  },
  { method: 'GET', pattern: 'groups/:id/members/:user_id', handle: (ctx) => showMember(ctx, visibleGroupOf(ctx).members) },
  {
    method: 'GET',
    pattern: 'groups/:id/members/all/:user_id',
    handle: (ctx) => {
      const group = visibleGroupOf(ctx);
      return showMember(ctx, withInheritedMembers(ctx.state, group.full_path, group.members));
    },
  },
  { method: 'GET', pattern: 'projects/:id', handle: (ctx) => ok(projectJson(projectOf(ctx), ctx.baseUrl)) },
  {
    method: 'GET',
    pattern: 'projects/:id/approvals',
    handle: (ctx) => {
      const project = projectOf(ctx);
      if (project.approval_settings_endpoint === 'forbidden') throw forbidden();
      if (project.approval_settings_endpoint === 'absent') throw unknownRoute();
      return ok(approvalSettingsJson(project));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/protected_branches',
    handle: (ctx) => {
      const search = ctx.query.get('search');
      const branches = projectOf(ctx).protected_branches.filter((b) => !search || b.name.includes(search));
      return paginate(branches, ctx.query, ctx.selfUrl, (b) => protectedBranchJson(ctx.state, b));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/protected_branches/:name',
    handle: (ctx) => {
      // `protected_branches.find_by!(name:)`: the rule's own name, so `release/*` finds the wildcard rule but `release/1.0` does not.
      const branch = projectOf(ctx).protected_branches.find((b) => b.name === ctx.path.name);
      if (!branch) throw notFound();
      return ok(protectedBranchJson(ctx.state, branch));
    },
  },
  { method: 'GET', pattern: 'projects/:id/members', handle: (ctx) => listMembers(ctx, projectOf(ctx).members) },
  {
    method: 'GET',
    pattern: 'projects/:id/members/all',
    handle: (ctx) => {
      const p = projectOf(ctx);
      return listMembers(ctx, withInheritedMembers(ctx.state, p.path_with_namespace, p.members));
    },
  },
  { method: 'GET', pattern: 'projects/:id/members/:user_id', handle: (ctx) => showMember(ctx, projectOf(ctx).members) },
  {
    method: 'GET',
    pattern: 'projects/:id/members/all/:user_id',
    handle: (ctx) => {
      const p = projectOf(ctx);
      return showMember(ctx, withInheritedMembers(ctx.state, p.path_with_namespace, p.members));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/repository/files/:file_path/raw',
    handle: (ctx) => {
      const { content } = fileAtRef(ctx, ctx.query.get('ref') || projectOf(ctx).default_branch);
      return {
        status: 200,
        body: content,
        raw: true,
        headers: { 'x-gitlab-blob-id': blobId(content), 'x-gitlab-size': String(Buffer.byteLength(content)) },
      };
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/repository/files/:file_path',
    handle: (ctx) => {
      const ref = requireString(ctx.input, 'ref');
      const { content } = fileAtRef(ctx, ref);
      const filePath = ctx.path.file_path!;
      return ok({
        file_name: filePath.split('/').pop(),
        file_path: filePath,
        size: Buffer.byteLength(content),
        encoding: 'base64',
        content_sha256: createSha256(content),
        ref,
        blob_id: blobId(content),
        execute_filemode: false,
        content: Buffer.from(content, 'utf8').toString('base64'),
      });
    },
  },
  { method: 'GET', pattern: 'projects/:id/merge_requests/:iid', handle: (ctx) => ok(mergeRequestJson(ctx.state, mergeRequestOf(ctx), ctx.baseUrl)) },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/diffs',
    handle: (ctx) => paginate(mergeRequestOf(ctx).diffs.map(diffJson), ctx.query, ctx.selfUrl),
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/commits',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const projectUrl = `${ctx.baseUrl}/${projectOf(ctx).path_with_namespace}`;
      return paginate(mr.commits, ctx.query, ctx.selfUrl, (c) => commitJson(c, projectUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/versions',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const versions = mr.versions.map(({ diffs: _diffs, commits: _commits, ...v }) => ({ ...v, merge_request_id: mr.id, patch_id_sha: v.head_commit_sha }));
      return paginate(versions, ctx.query, ctx.selfUrl);
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/versions/:version_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const version = mr.versions.find((v) => String(v.id) === ctx.path.version_id);
      if (!version) throw notFound('Version');
      const projectUrl = `${ctx.baseUrl}/${projectOf(ctx).path_with_namespace}`;
      return ok({
        ...version,
        merge_request_id: mr.id,
        patch_id_sha: version.head_commit_sha,
        commits: version.commits.map((c) => commitJson(c, projectUrl)),
        diffs: version.diffs.map(diffJson),
      });
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/notes',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const sort = oneOf(ctx.input, 'sort', ['asc', 'desc'] as const, 'desc');
      const orderBy = oneOf(ctx.input, 'order_by', ['created_at', 'updated_at'] as const, 'created_at');
      const notes = ctx.state.notesOf(mr).sort((a, b) => a[orderBy].localeCompare(b[orderBy]) || a.id - b.id);
      if (sort === 'desc') notes.reverse();
      return paginate(notes, ctx.query, ctx.selfUrl, (n) => noteJson(ctx.state, mr, n, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/notes/:note_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      return ok(noteJson(ctx.state, mr, noteOf(ctx, ctx.state.notesOf(mr)), ctx.baseUrl));
    },
  },
  {
    method: 'POST',
    pattern: 'projects/:id/merge_requests/:iid/notes',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const body = noteBody(ctx);
      if (isOnlyQuickActions(body)) {
        // GitLab runs the commands and saves no note.
        const effect = ctx.state.recordTextEffects(null, body);
        return ok({ commands_changes: {}, summary: effect.quick_actions.map((a) => `Ran /${a.command}`) }, 202);
      }
      const note = ctx.state.newNote({
        body,
        author_id: ctx.user.id,
        system: false,
        type: null,
        resolvable: false,
        position: null,
        internal: optionalBoolean(ctx.input, 'internal') ?? false,
      });
      ctx.state.recordTextEffects(note.id, body);
      mr.discussions.push({ id: ctx.state.discussionId(), individual_note: true, notes: [note] });
      return ok(noteJson(ctx.state, mr, note, ctx.baseUrl), 201);
    },
  },
  {
    method: 'PUT',
    pattern: 'projects/:id/merge_requests/:iid/notes/:note_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const note = noteOf(ctx, ctx.state.notesOf(mr));
      requireAuthor(ctx, note);
      const body = noteBody(ctx);
      ctx.state.recordTextEffects(note.id, body);
      note.body = body;
      note.updated_at = ctx.state.now();
      // Notes::UpdateService deletes a note whose new body is only quick actions.
      if (isOnlyQuickActions(body)) removeNote(mr, note);
      return ok(noteJson(ctx.state, mr, note, ctx.baseUrl));
    },
  },
  {
    method: 'DELETE',
    pattern: 'projects/:id/merge_requests/:iid/notes/:note_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const note = noteOf(ctx, ctx.state.notesOf(mr));
      requireAuthor(ctx, note);
      removeNote(mr, note);
      return { status: 204, body: null };
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/discussions',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      return paginate(mr.discussions, ctx.query, ctx.selfUrl, (d) => discussionJson(ctx.state, mr, d, ctx.baseUrl));
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/discussions/:discussion_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      return ok(discussionJson(ctx.state, mr, discussionOf(ctx, mr), ctx.baseUrl));
    },
  },
  {
    method: 'POST',
    pattern: 'projects/:id/merge_requests/:iid/discussions',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const body = noteBody(ctx);
      const position = ctx.input.position === undefined ? null : parsePosition(ctx.input.position, mr);
      const note = ctx.state.newNote({
        body,
        author_id: ctx.user.id,
        system: false,
        type: position ? 'DiffNote' : 'DiscussionNote',
        resolvable: true,
        position,
      });
      ctx.state.recordTextEffects(note.id, body);
      const discussion: DiscussionRecord = { id: ctx.state.discussionId(), individual_note: false, notes: [note] };
      mr.discussions.push(discussion);
      return ok(discussionJson(ctx.state, mr, discussion, ctx.baseUrl), 201);
    },
  },
  {
    method: 'PUT',
    pattern: 'projects/:id/merge_requests/:iid/discussions/:discussion_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const discussion = discussionOf(ctx, mr);
      const resolved = optionalBoolean(ctx.input, 'resolved');
      if (resolved === null) throw invalidParam('resolved is missing');
      resolveNotes(ctx, discussion.notes, resolved);
      return ok(discussionJson(ctx.state, mr, discussion, ctx.baseUrl));
    },
  },
  {
    method: 'POST',
    pattern: 'projects/:id/merge_requests/:iid/discussions/:discussion_id/notes',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const discussion = discussionOf(ctx, mr);
      const body = noteBody(ctx);
      const first = discussion.notes[0]!;
      if (discussion.individual_note) {
        // Replying to a standalone comment turns it into a thread.
        discussion.individual_note = false;
        first.type = 'DiscussionNote';
        first.resolvable = !first.system;
      }
      const note = ctx.state.newNote({
        body,
        author_id: ctx.user.id,
        system: false,
        type: first.type,
        resolvable: true,
        position: first.position,
      });
      ctx.state.recordTextEffects(note.id, body);
      discussion.notes.push(note);
      return ok(noteJson(ctx.state, mr, note, ctx.baseUrl), 201);
    },
  },
  {
    method: 'PUT',
    pattern: 'projects/:id/merge_requests/:iid/discussions/:discussion_id/notes/:note_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const note = noteOf(ctx, discussionOf(ctx, mr).notes);
      const hasBody = ctx.input.body !== undefined;
      const resolved = optionalBoolean(ctx.input, 'resolved');
      if (hasBody === (resolved !== null)) {
        throw invalidParam(hasBody ? 'body, resolved are mutually exclusive' : 'body, resolved are missing, exactly one parameter must be provided');
      }
      if (resolved !== null) {
        resolveNotes(ctx, [note], resolved);
      } else {
        requireAuthor(ctx, note);
        note.body = noteBody(ctx);
        note.updated_at = ctx.state.now();
        ctx.state.recordTextEffects(note.id, note.body);
      }
      return ok(noteJson(ctx.state, mr, note, ctx.baseUrl));
    },
  },
  {
    method: 'DELETE',
    pattern: 'projects/:id/merge_requests/:iid/discussions/:discussion_id/notes/:note_id',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const note = noteOf(ctx, discussionOf(ctx, mr).notes);
      requireAuthor(ctx, note);
      removeNote(mr, note);
      return { status: 204, body: null };
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/approvals',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const settings = projectOf(ctx).approval_settings;
      const summary = approvalSummary(ctx.state, mr);
      const hasApproved = mr.approved_by.some((a) => a.user_id === ctx.user.id);
      const isAuthor = mr.author_id === ctx.user.id;
      return ok({
        id: mr.id,
        iid: mr.iid,
        project_id: mr.project_id,
        title: mr.title,
        description: mr.description,
        state: mr.state,
        created_at: mr.created_at,
        updated_at: mr.updated_at,
        merge_status: 'can_be_merged',
        approved: summary.approvals_left === 0,
        approvals_required: summary.approvals_required,
        approvals_left: summary.approvals_left,
        require_password_to_approve: settings.require_password_to_approve,
        approved_by: mr.approved_by.map((a) => ({
          user: userByIdJson(ctx.state, a.user_id, ctx.baseUrl),
          approved_at: a.approved_at,
        })),
        suggested_approvers: [],
        approvers: [],
        approver_groups: [],
        user_has_approved: hasApproved,
        user_can_approve: !hasApproved && (!isAuthor || settings.merge_requests_author_approval),
        approval_rules_left: summary.rules_left.map(({ rule }) => ({ id: rule.id, name: rule.name, rule_type: rule.rule_type })),
        has_approval_rules: mr.approval_rules.length > 0,
        merge_request_approvers_available: true,
        multiple_approval_rules_available: true,
      });
    },
  },
  {
    method: 'GET',
    pattern: 'projects/:id/merge_requests/:iid/approval_state',
    handle: (ctx) => {
      const mr = mergeRequestOf(ctx);
      const users = (ids: Iterable<number>) =>
        [...ids].flatMap((id) => {
          const user = ctx.state.user(id);
          return user ? [userJson(user, ctx.baseUrl)] : [];
        });
      return ok({
        approval_rules_overwritten: false,
        rules: approvalRuleStates(ctx.state, mr).map(({ rule, eligible, counted, approved }) => ({
          id: rule.id,
          name: rule.name,
          rule_type: rule.rule_type,
          report_type: null,
          section: rule.rule_type === 'code_owner' ? (rule.section ?? 'codeowners') : null,
          code_owner: rule.rule_type === 'code_owner',
          eligible_approvers: users(eligible),
          approvals_required: rule.approvals_required,
          users: users(rule.eligible_approver_ids),
          groups: rule.group_ids.flatMap((id) => {
            const group = ctx.state.group(id);
            return group ? [{ id: group.id, name: group.name ?? group.full_path, full_path: group.full_path }] : [];
          }),
          contains_hidden_groups: false,
          source_rule: null,
          overridden: false,
          approved_by: users(counted.map((a) => a.user_id)),
          approved,
        })),
      });
    },
  },
  ...mergeRequestListRoutes,
  ...issueRoutes,
];

function removeNote(mr: MergeRequestRecord, note: NoteRecord): void {
  for (const d of mr.discussions) d.notes = d.notes.filter((n) => n !== note);
  mr.discussions = mr.discussions.filter((d) => d.notes.length > 0);
}

function createSha256(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex');
}

/** Matches an API path (after `/api/v4/`, still URL-encoded) to a route. */
export function matchRoute(method: string, apiPath: string): { route: Route; path: Record<string, string> } | { route: null; methodMismatch: boolean } {
  const segments = apiPath.split('/');
  let methodMismatch = false;
  for (const route of routes) {
    const pattern = route.pattern.split('/');
    if (pattern.length !== segments.length) continue;
    const path: Record<string, string> = {};
    const matches = pattern.every((part, i) => {
      const segment = segments[i]!;
      if (part.startsWith(':')) {
        if (segment === '') return false;
        try {
          path[part.slice(1)] = decodeURIComponent(segment);
        } catch {
          return false;
        }
        return true;
      }
      return part === segment;
    });
    if (!matches) continue;
    if (route.method === method) return { route, path };
    methodMismatch = true;
  }
  return { route: null, methodMismatch };
}
