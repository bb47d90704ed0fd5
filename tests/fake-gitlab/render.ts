// JSON shapes of GitLab's API entities (the fields an MR bot reads, not every field).
import type { DiffFileRecord, Member, UserRecord } from './seed.js';
import {
  approvalRuleStates,
  headSha,
  type AccessLevelRecord,
  type CommitRecord,
  type DiffPosition,
  type DiscussionRecord,
  type FakeState,
  type MergeRequestRecord,
  type NoteRecord,
  type ProjectState,
  type ProtectedBranchRecord,
} from './state.js';

export function userJson(user: UserRecord, baseUrl: string) {
  return {
    id: user.id,
    username: user.username,
    name: user.name ?? user.username,
    state: user.state,
    locked: false,
    avatar_url: null,
    web_url: `${baseUrl}/${user.username}`,
  };
}

/** `author` of a note whose user was removed from the seed still needs a shape. */
export function userByIdJson(state: FakeState, id: number, baseUrl: string) {
  const user = state.user(id) ?? { id, username: `ghost-${id}`, state: 'blocked' as const, bot: false, public_email: '' };
  return userJson(user, baseUrl);
}

export function memberJson(state: FakeState, member: Member, baseUrl: string) {
  return {
    ...userByIdJson(state, member.user_id, baseUrl),
    access_level: member.access_level,
    created_at: '2025-01-01T00:00:00.000Z',
    expires_at: null,
    membership_state: member.membership_state ?? 'active',
  };
}

/** `GET /projects/:id`: identity plus the merge settings a review control relies on. */
export function projectJson(project: ProjectState, baseUrl: string) {
  const path = project.path_with_namespace;
  return {
    id: project.id,
    name: path.split('/').pop(),
    path: path.split('/').pop(),
    path_with_namespace: path,
    default_branch: project.default_branch,
    visibility: project.visibility,
    web_url: `${baseUrl}/${path}`,
    namespace: { full_path: path.split('/').slice(0, -1).join('/') },
    only_allow_merge_if_pipeline_succeeds: project.only_allow_merge_if_pipeline_succeeds,
    allow_merge_on_skipped_pipeline: project.allow_merge_on_skipped_pipeline,
    only_allow_merge_if_all_discussions_are_resolved: project.only_allow_merge_if_all_discussions_are_resolved,
    ci_config_path: project.ci_config_path,
    approvals_before_merge: project.approval_settings.approvals_before_merge,
  };
}

/** API::Entities::ApprovalSettings; `approvers`/`approver_groups` are always empty since GitLab 12.3. */
export function approvalSettingsJson(project: ProjectState) {
  return { approvers: [], approver_groups: [], ...project.approval_settings };
}

const ROLE_DESCRIPTIONS = new Map([
  [0, 'No one'],
  [30, 'Developers + Maintainers'],
  [40, 'Maintainers'],
  [60, 'Instance admins'],
]);

/** ProtectedRefAccess#humanize: the user's or group's name, else the role's. */
function accessLevelDescription(state: FakeState, level: AccessLevelRecord): string | null {
  const user = level.user_id === null ? undefined : state.user(level.user_id);
  if (user) return user.name ?? user.username;
  const group = level.group_id === null ? undefined : state.group(level.group_id);
  if (group) return group.name ?? group.full_path;
  return level.access_level === null ? null : (ROLE_DESCRIPTIONS.get(level.access_level) ?? null);
}

function accessLevelJson(state: FakeState, level: AccessLevelRecord) {
  return {
    id: level.id,
    access_level: level.access_level,
    access_level_description: accessLevelDescription(state, level),
    user_id: level.user_id,
    group_id: level.group_id,
  };
}

/** API::Entities::ProtectedBranch with the EE (Premium) fields. */
export function protectedBranchJson(state: FakeState, branch: ProtectedBranchRecord) {
  return {
    id: branch.id,
    name: branch.name,
    push_access_levels: branch.push_access_levels.map((l) => accessLevelJson(state, l)),
    merge_access_levels: branch.merge_access_levels.map((l) => accessLevelJson(state, l)),
    allow_force_push: branch.allow_force_push,
    unprotect_access_levels: [],
    code_owner_approval_required: branch.code_owner_approval_required,
    inherited: false,
  };
}

export function commitJson(commit: CommitRecord, projectWebUrl: string) {
  return {
    ...commit,
    created_at: commit.committed_date,
    trailers: {},
    extended_trailers: {},
    web_url: `${projectWebUrl}/-/commit/${commit.id}`,
  };
}

function positionJson(position: DiffPosition) {
  return { ...position, line_range: null };
}

export function noteJson(state: FakeState, mr: MergeRequestRecord, note: NoteRecord, baseUrl: string) {
  return {
    id: note.id,
    type: note.type,
    body: note.body,
    attachment: null,
    author: userByIdJson(state, note.author_id, baseUrl),
    created_at: note.created_at,
    updated_at: note.updated_at,
    system: note.system,
    noteable_id: mr.id,
    noteable_type: 'MergeRequest',
    project_id: mr.project_id,
    noteable_iid: mr.iid,
    commit_id: null,
    resolvable: note.resolvable,
    ...(note.resolvable
      ? {
          resolved: note.resolved,
          resolved_by: note.resolved_by_id === null ? null : userByIdJson(state, note.resolved_by_id, baseUrl),
          resolved_at: note.resolved_at,
        }
      : {}),
    ...(note.position ? { position: positionJson(note.position) } : {}),
    confidential: note.internal,
    internal: note.internal,
    imported: false,
    imported_from: 'none',
  };
}

export function discussionJson(state: FakeState, mr: MergeRequestRecord, discussion: DiscussionRecord, baseUrl: string) {
  return {
    id: discussion.id,
    individual_note: discussion.individual_note,
    notes: discussion.notes.map((n) => noteJson(state, mr, n, baseUrl)),
  };
}

export function diffJson(file: DiffFileRecord) {
  return {
    old_path: file.old_path ?? file.new_path,
    new_path: file.new_path,
    a_mode: file.a_mode ?? (file.new_file ? '0' : '100644'),
    b_mode: file.b_mode ?? (file.deleted_file ? '0' : '100644'),
    new_file: file.new_file,
    renamed_file: file.renamed_file,
    deleted_file: file.deleted_file,
    generated_file: file.generated_file,
    diff: file.collapsed || file.too_large ? '' : file.diff,
    collapsed: file.collapsed,
    too_large: file.too_large,
  };
}

/**
 * API::Entities::MergeRequestBasic, what list routes serve (`GET /projects/:id/merge_requests`,
 * `GET .../repository/commits/:sha/merge_requests`): `merged_by` (deprecated) and `merge_user` are both who
 * merged it, `sha` the head of the latest diff, `merge_commit_sha` null for a fast-forward merge.
 */
export function mergeRequestBasicJson(state: FakeState, mr: MergeRequestRecord, baseUrl: string) {
  const project = state.project(mr.project_id);
  const path = project?.path_with_namespace ?? String(mr.project_id);
  const notes = state.notesOf(mr);
  const unresolved = mr.discussions.some((d) => d.notes.some((n) => n.resolvable && !n.resolved));
  const approvals = approvalSummary(state, mr);
  const mergedBy = mr.merged_by_id === null ? null : userByIdJson(state, mr.merged_by_id, baseUrl);
  const detailedMergeStatus =
    mr.state !== 'opened'
      ? 'not_open'
      : mr.draft
        ? 'draft_status'
        : approvals.approvals_left > 0
          ? 'not_approved'
          : unresolved
            ? 'discussions_not_resolved'
            : 'mergeable';
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.project_id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.created_at,
    updated_at: mr.updated_at,
    merged_by: mergedBy,
    merge_user: mergedBy,
    merged_at: mr.merged_at,
    closed_by: null,
    closed_at: null,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    user_notes_count: notes.filter((n) => !n.system).length,
    upvotes: 0,
    downvotes: 0,
    author: mr.author_id === null ? null : userByIdJson(state, mr.author_id, baseUrl),
    assignees: [],
    assignee: null,
    reviewers: [],
    source_project_id: mr.source_project_id,
    target_project_id: mr.project_id,
    labels: [],
    draft: mr.draft,
    work_in_progress: mr.draft,
    milestone: null,
    merge_when_pipeline_succeeds: false,
    merge_status: 'can_be_merged',
    detailed_merge_status: detailedMergeStatus,
    sha: headSha(mr),
    merge_commit_sha: mr.merge_commit_sha,
    squash_commit_sha: mr.squash_commit_sha,
    discussion_locked: null,
    prepared_at: mr.diff_refs ? mr.created_at : null,
    reference: `!${mr.iid}`,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${path}!${mr.iid}` },
    web_url: `${baseUrl}/${path}/-/merge_requests/${mr.iid}`,
    squash: mr.squash_commit_sha !== null,
    squash_on_merge: mr.squash_commit_sha !== null,
    has_conflicts: false,
    blocking_discussions_resolved: !unresolved,
  };
}

/** `GET .../merge_requests/:iid`: the basic entity plus the single-MR fields. */
export function mergeRequestJson(state: FakeState, mr: MergeRequestRecord, baseUrl: string) {
  return {
    ...mergeRequestBasicJson(state, mr, baseUrl),
    changes_count: mr.diff_refs ? String(mr.diffs.length) : null,
    head_pipeline: null,
    diff_refs: mr.diff_refs,
    first_contribution: false,
  };
}

export function approvalSummary(state: FakeState, mr: MergeRequestRecord) {
  const rules = approvalRuleStates(state, mr);
  if (rules.length === 0) {
    return {
      approvals_required: mr.approvals_required,
      approvals_left: Math.max(0, mr.approvals_required - mr.approved_by.length),
      rules_left: [] as typeof rules,
    };
  }
  return {
    approvals_required: rules.reduce((sum, r) => sum + r.rule.approvals_required, 0),
    approvals_left: rules.reduce((sum, r) => sum + Math.max(0, r.rule.approvals_required - r.counted.length), 0),
    rules_left: rules.filter((r) => !r.approved),
  };
}
