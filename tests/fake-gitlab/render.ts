// JSON shapes of GitLab's API entities (the fields an MR bot reads, not every field).
import type { DiffFileRecord, Member, UserRecord } from './seed.js';
import type { DiffPosition, DiscussionRecord, FakeState, MergeRequestRecord, NoteRecord } from './state.js';

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
  const user = state.user(id) ?? { id, username: `ghost-${id}`, state: 'blocked', bot: false };
  return userJson(user, baseUrl);
}

export function memberJson(state: FakeState, member: Member, baseUrl: string) {
  return {
    ...userByIdJson(state, member.user_id, baseUrl),
    access_level: member.access_level,
    created_at: '2025-01-01T00:00:00.000Z',
    expires_at: null,
    membership_state: 'active',
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

export function mergeRequestJson(state: FakeState, mr: MergeRequestRecord, baseUrl: string) {
  const project = state.project(mr.project_id);
  const path = project?.path_with_namespace ?? String(mr.project_id);
  const notes = state.notesOf(mr);
  const unresolved = mr.discussions.some((d) => d.notes.some((n) => n.resolvable && !n.resolved));
  const approvals = approvalSummary(state, mr);
  return {
    id: mr.id,
    iid: mr.iid,
    project_id: mr.project_id,
    title: mr.title,
    description: mr.description,
    state: mr.state,
    created_at: mr.created_at,
    updated_at: mr.updated_at,
    target_branch: mr.target_branch,
    source_branch: mr.source_branch,
    source_project_id: mr.source_project_id,
    target_project_id: mr.project_id,
    author: mr.author_id === null ? null : userByIdJson(state, mr.author_id, baseUrl),
    draft: mr.draft,
    work_in_progress: mr.draft,
    sha: mr.diff_refs?.head_sha ?? null,
    merge_commit_sha: null,
    squash_commit_sha: null,
    merge_status: 'can_be_merged',
    detailed_merge_status: mr.draft
      ? 'draft_status'
      : approvals.approvals_left > 0
        ? 'not_approved'
        : unresolved
          ? 'discussions_not_resolved'
          : 'mergeable',
    has_conflicts: false,
    changes_count: mr.diff_refs ? String(mr.diffs.length) : null,
    user_notes_count: notes.filter((n) => !n.system).length,
    head_pipeline: null,
    diff_refs: mr.diff_refs,
    prepared_at: mr.diff_refs ? mr.created_at : null,
    references: { short: `!${mr.iid}`, relative: `!${mr.iid}`, full: `${path}!${mr.iid}` },
    web_url: `${baseUrl}/${path}/-/merge_requests/${mr.iid}`,
    first_contribution: false,
  };
}

/** Users allowed to satisfy a rule: listed users plus members of listed groups. */
function eligibleUserIds(state: FakeState, rule: MergeRequestRecord['approval_rules'][number]): Set<number> {
  const ids = new Set(rule.eligible_approver_ids);
  for (const groupId of rule.group_ids) {
    for (const m of state.group(groupId)?.members ?? []) ids.add(m.user_id);
  }
  return ids;
}

export function approvalRuleStates(state: FakeState, mr: MergeRequestRecord) {
  return mr.approval_rules.map((rule) => {
    const eligible = eligibleUserIds(state, rule);
    const counted = mr.approved_by.filter((a) => rule.rule_type === 'any_approver' || eligible.has(a.user_id));
    return { rule, eligible, counted, approved: counted.length >= rule.approvals_required };
  });
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
