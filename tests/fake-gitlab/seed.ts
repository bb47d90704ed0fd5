// Seed format for the fake GitLab. Field names follow GitLab's JSON (snake_case) so a seed
// can be written by hand in a JSON file and read with `seedFromJson`.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const sha = z.string().min(1);

/** A point in time GitLab would accept (ISO 8601); stored as GitLab renders times, in UTC with milliseconds. */
const timestamp = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 time')
  .transform((value) => new Date(value).toISOString());

export const diffRefsSchema = z.object({ base_sha: sha, start_sha: sha, head_sha: sha });

const memberSchema = z.object({
  user_id: z.number().int(),
  /** 10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner */
  access_level: z.number().int(),
  /**
   * GitLab's member state, rendered as `membership_state` (absent = `active`; optional so tests can push
   * `{ user_id, access_level }` into state). `awaiting`: added but waiting for a seat or an approval.
   */
  membership_state: z.enum(['active', 'awaiting']).optional(),
});

const userSchema = z.object({
  id: z.number().int(),
  username: z.string().min(1),
  name: z.string().optional(),
  /** Rendered as `state` on users, members, authors and approvers. */
  state: z.enum(['active', 'blocked', 'deactivated']).default('active'),
  bot: z.boolean().default(false),
  /** The email a user chose to show on their profile; `GET /users/:id` returns it ("" when none), the only email other users can see. */
  public_email: z.string().default(''),
});

const visibilitySchema = z.enum(['public', 'internal', 'private']);

const tokenSchema = z.object({
  token: z.string().min(1),
  user_id: z.number().int(),
  /** `job` tokens are only accepted in the JOB-TOKEN header and only for `GET /job`, like CI_JOB_TOKEN. */
  kind: z.enum(['personal', 'job']).default('personal'),
  /** `read_api` tokens get 403 insufficient_scope on writes. */
  scopes: z.array(z.enum(['api', 'read_api', 'read_user'])).default(['api']),
});

const groupSchema = z.object({
  id: z.number().int(),
  /** e.g. `acme/security`; ancestors are found by path prefix for `/members/all`. */
  full_path: z.string().min(1),
  name: z.string().optional(),
  /** A private group answers 404 to users who are not members of it or of a group above it. */
  visibility: visibilitySchema.default('public'),
  members: z.array(memberSchema).default([]),
});

/** Project-level MR approval settings (`GET /projects/:id/approvals`), GitLab's defaults. */
const approvalSettingsSchema = z.object({
  approvals_before_merge: z.number().int().default(0),
  reset_approvals_on_push: z.boolean().default(true),
  /** Only code-owner approvals whose files changed are removed on push (used when `reset_approvals_on_push` is false). */
  selective_code_owner_removals: z.boolean().default(false),
  disable_overriding_approvers_per_merge_request: z.boolean().default(false),
  /** true = the MR author may approve their own MR. */
  merge_requests_author_approval: z.boolean().default(false),
  /** true = users who committed to the MR may not approve it. */
  merge_requests_disable_committers_approval: z.boolean().default(false),
  require_password_to_approve: z.boolean().default(false),
  require_reauthentication_to_approve: z.boolean().default(false),
});

/** One entry of `push_access_levels` / `merge_access_levels`: a role, or (Premium) a user or group. */
const accessLevelSchema = z.object({
  /** 0 No one, 30 Developers + Maintainers, 40 Maintainers, 60 Instance admins; null for user/group entries. */
  access_level: z.number().int().nullable().default(null),
  user_id: z.number().int().nullable().default(null),
  group_id: z.number().int().nullable().default(null),
});

/** GitLab protects with Maintainer push and merge access unless told otherwise. */
const maintainersOnly = [{ access_level: 40 }];

const protectedBranchSchema = z.object({
  id: z.number().int().optional(),
  /** Exact branch name or wildcard such as `release/*`. */
  name: z.string().min(1),
  code_owner_approval_required: z.boolean().default(false),
  allow_force_push: z.boolean().default(false),
  push_access_levels: z.array(accessLevelSchema).prefault(maintainersOnly),
  merge_access_levels: z.array(accessLevelSchema).prefault(maintainersOnly),
});

const projectSchema = z.object({
  id: z.number().int(),
  path_with_namespace: z.string().min(1),
  default_branch: z.string().default('main'),
  /** ref (branch name or commit SHA) -> repository path -> file content */
  files: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Direct members; `/members/all` adds members of ancestor groups. */
  members: z.array(memberSchema).default([]),
  /** Reported by `GET /projects/:id` only; projects are never hidden. GitLab creates projects private. */
  visibility: visibilitySchema.default('private'),
  only_allow_merge_if_pipeline_succeeds: z.boolean().default(false),
  allow_merge_on_skipped_pipeline: z.boolean().default(false),
  only_allow_merge_if_all_discussions_are_resolved: z.boolean().default(false),
  /** null when never set (GitLab's column default; `""` after the CI/CD settings form was saved empty): both mean `.gitlab-ci.yml` in this repository. */
  ci_config_path: z.string().nullable().default(null),
  approval_settings: approvalSettingsSchema.prefault({}),
  /**
   * How `GET /projects/:id/approvals` answers: `forbidden` = 403 (GitLab EE: token user below Maintainer),
   * `absent` = 404 `{"error":"404 Not Found"}` (GitLab CE/FOSS has no such route).
   */
  approval_settings_endpoint: z.enum(['available', 'forbidden', 'absent']).default('available'),
  protected_branches: z.array(protectedBranchSchema).default([]),
  /**
   * SHAs the repository holds besides those of the seeded merge requests (their commits, head, merge and squash
   * commits) and the commit-SHA keys of `files`: direct pushes, say. `GET .../repository/commits/:sha/merge_requests`
   * answers `404 Commit Not Found` for a SHA the repository does not hold, as `user_project.commit(sha)` does.
   */
  repository_commits: z.array(sha).default([]),
});

const diffFileSchema = z.object({
  old_path: z.string().optional(),
  new_path: z.string(),
  a_mode: z.string().optional(),
  b_mode: z.string().optional(),
  new_file: z.boolean().default(false),
  renamed_file: z.boolean().default(false),
  deleted_file: z.boolean().default(false),
  generated_file: z.boolean().default(false),
  /** Hunk text starting at `@@`, as the API serves it (empty for collapsed/too large/binary). */
  diff: z.string().default(''),
  collapsed: z.boolean().default(false),
  too_large: z.boolean().default(false),
});

const seedNoteSchema = z.object({
  id: z.number().int().optional(),
  body: z.string(),
  author_id: z.number().int(),
  system: z.boolean().default(false),
  created_at: z.string().optional(),
});

/** A commit of the MR; title (first line of message) and short_id are derived like GitLab does. */
const commitSchema = z.object({
  id: sha,
  message: z.string().min(1),
  author_name: z.string().default('Fake Author'),
  author_email: z.string().default('author@example.com'),
  /** Defaults to the fake clock when the commit is added. */
  authored_date: z.string().optional(),
  /** Committer defaults to the author. */
  committer_name: z.string().optional(),
  committer_email: z.string().optional(),
  committed_date: z.string().optional(),
});

/** A user id (approved when the MR was seeded) or an approval with an explicit time. */
const seedApprovalSchema = z.union([z.number().int(), z.object({ user_id: z.number().int(), approved_at: z.string() })]);

const seedDiscussionSchema = z.object({
  id: z.string().optional(),
  notes: z.array(seedNoteSchema).min(1),
  resolved: z.boolean().default(false),
});

const approvalRuleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  rule_type: z.enum(['regular', 'code_owner', 'report_approver', 'any_approver']).default('regular'),
  /** CODEOWNERS section; GitLab reports `codeowners` for the default section. */
  section: z.string().nullable().default(null),
  approvals_required: z.number().int().default(1),
  eligible_approver_ids: z.array(z.number().int()).default([]),
  group_ids: z.array(z.number().int()).default([]),
});

const mergeRequestSchema = z
  .object({
    project_id: z.number().int(),
    iid: z.number().int(),
    id: z.number().int().optional(),
    title: z.string().default('Fake merge request'),
    description: z.string().default(''),
    state: z.enum(['opened', 'closed', 'merged', 'locked']).default('opened'),
    draft: z.boolean().default(false),
    author_id: z.number().int().optional(),
    /** Defaults to `project_id` (not a fork). */
    source_project_id: z.number().int().optional(),
    source_branch: z.string().default('feature'),
    target_branch: z.string().default('main'),
    /** null (the default) = GitLab has not computed the diff yet (right after MR creation). */
    diff_refs: diffRefsSchema.nullable().default(null),
    diffs: z.array(diffFileSchema).default([]),
    notes: z.array(seedNoteSchema).default([]),
    discussions: z.array(seedDiscussionSchema).default([]),
    /** Newest first, as `GET .../commits` lists them. */
    commits: z.array(commitSchema).default([]),
    /** Approvals in the order given: `4` or `{ user_id: 4, approved_at: '2026-01-01T00:00:00.000Z' }`. */
    approved_by: z.array(seedApprovalSchema).default([]),
    approvals_required: z.number().int().default(0),
    approval_rules: z.array(approvalRuleSchema).default([]),
    /** Head SHA (`sha` in the API) while `diff_refs` is null; defaults to the newest commit's id. */
    sha: sha.nullable().default(null),
    /** Default: the fake clock when the MR is added. */
    created_at: timestamp.optional(),
    /** Default: `merged_at` for a merged MR given one, else the time of its last diff version or its creation. */
    updated_at: timestamp.optional(),
    /** User id of who merged it (served as the `merged_by` and `merge_user` user objects); `merged` MRs only. */
    merged_by: z.number().int().nullable().default(null),
    /** `merged` MRs only; defaults to `updated_at` when the MR is merged. */
    merged_at: timestamp.optional(),
    /** The merge commit GitLab created (null for a fast-forward merge, which lands the head itself); `merged` MRs only. */
    merge_commit_sha: sha.nullable().default(null),
    /** The squashed commit when the MR was squashed on merge; `merged` MRs only. */
    squash_commit_sha: sha.nullable().default(null),
  })
  .superRefine((mr, context) => {
    // Only a merged MR has a merge: GitLab records these when it merges and never on another state.
    for (const field of ['merged_by', 'merged_at', 'merge_commit_sha', 'squash_commit_sha'] as const) {
      if (mr.state !== 'merged' && mr[field] !== null && mr[field] !== undefined) {
        context.addIssue({ code: 'custom', message: `only a merged merge request has ${field} (state is ${mr.state})`, path: [field] });
      }
    }
  });

/** A calendar date as GitLab's `due_date` takes it (Grape `type: Date`): `YYYY-MM-DD` naming a real day. */
const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value), 'not a real day');

/** An issue already in a project (numbered per project in seed order, as `POST /projects/:id/issues` numbers them). */
const seedIssueSchema = z.object({
  project_id: z.number().int(),
  title: z.string().min(1).max(255),
  description: z.string().default(''),
  state: z.enum(['opened', 'closed']).default('opened'),
  author_id: z.number().int(),
  assignee_ids: z.array(z.number().int()).default([]),
  labels: z.array(z.string().min(1)).default([]),
  due_date: calendarDate.nullable().default(null),
});

export const seedSchema = z
  .object({
    users: z.array(userSchema).default([]),
    tokens: z.array(tokenSchema).default([]),
    groups: z.array(groupSchema).default([]),
    projects: z.array(projectSchema).default([]),
    merge_requests: z.array(mergeRequestSchema).default([]),
    issues: z.array(seedIssueSchema).default([]),
  })
  .superRefine((seed, context) => {
    // An issue GitLab could not hold (no such project, author or assignee, two labels of one scope) is a mistake in the seed.
    const projects = new Set(seed.projects.map((project) => project.id));
    const users = new Set(seed.users.map((user) => user.id));
    seed.issues.forEach((issue, index) => {
      const problem = (message: string, field: string) => context.addIssue({ code: 'custom', message, path: ['issues', index, field] });
      if (!projects.has(issue.project_id)) problem(`no project ${issue.project_id} in the seed`, 'project_id');
      if (!users.has(issue.author_id)) problem(`no user ${issue.author_id} in the seed`, 'author_id');
      for (const id of issue.assignee_ids) if (!users.has(id)) problem(`no user ${id} in the seed`, 'assignee_ids');
      const scopes = issue.labels.filter((label) => label.includes('::')).map((label) => label.slice(0, label.lastIndexOf('::')));
      if (new Set(scopes).size !== scopes.length) problem('scoped labels are exclusive: at most one label per scope', 'labels');
    });
  });

/** What callers write (defaults optional). */
export type SeedData = z.input<typeof seedSchema>;
export type SeedMergeRequest = z.input<typeof mergeRequestSchema>;
export type SeedDiffFile = z.input<typeof diffFileSchema>;
export type SeedCommit = z.input<typeof commitSchema>;
export type SeedProtectedBranch = z.input<typeof protectedBranchSchema>;
/** After defaults are applied. */
export type NormalizedSeed = z.output<typeof seedSchema>;
export type DiffRefs = z.output<typeof diffRefsSchema>;
export type Member = z.output<typeof memberSchema>;
export type UserRecord = z.output<typeof userSchema>;
export type TokenRecord = z.output<typeof tokenSchema>;
export type GroupRecord = z.output<typeof groupSchema>;
export type ProjectRecord = z.output<typeof projectSchema>;
export type DiffFileRecord = z.output<typeof diffFileSchema>;
export type ApprovalRuleRecord = z.output<typeof approvalRuleSchema>;
export type SeedNote = z.output<typeof seedNoteSchema>;
export type SeedDiscussion = z.output<typeof seedDiscussionSchema>;
export type ApprovalSettings = z.output<typeof approvalSettingsSchema>;
export type ParsedAccessLevel = z.output<typeof accessLevelSchema>;
export type ParsedProtectedBranch = z.output<typeof protectedBranchSchema>;
export type ParsedCommit = z.output<typeof commitSchema>;

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`invalid fake GitLab seed${where}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export const parseSeed = (seed: Partial<SeedData> = {}): NormalizedSeed => parseWith(seedSchema, seed, '');
export const parseMergeRequest = (seed: SeedMergeRequest) => parseWith(mergeRequestSchema, seed, ' merge request');
export const parseDiffFiles = (diffs: SeedDiffFile[]) => parseWith(z.array(diffFileSchema), diffs, ' diffs');
export const parseCommits = (commits: SeedCommit[]) => parseWith(z.array(commitSchema).min(1), commits, ' pushed commits');
export const defaultApprovalSettings = (): ApprovalSettings => approvalSettingsSchema.parse({});

/** Reads and validates a JSON seed file (same shape as `startFakeGitLab`'s argument). */
export async function seedFromJson(path: string): Promise<SeedData> {
  return parseWith(seedSchema, JSON.parse(await readFile(path, 'utf8')), ` in ${path}`);
}
