// Seed format for the fake GitLab. Field names follow GitLab's JSON (snake_case) so a seed
// can be written by hand in a JSON file and read with `seedFromJson`.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const sha = z.string().min(1);

export const diffRefsSchema = z.object({ base_sha: sha, start_sha: sha, head_sha: sha });

const memberSchema = z.object({
  user_id: z.number().int(),
  /** 10 Guest, 20 Reporter, 30 Developer, 40 Maintainer, 50 Owner */
  access_level: z.number().int(),
});

const userSchema = z.object({
  id: z.number().int(),
  username: z.string().min(1),
  name: z.string().optional(),
  state: z.string().default('active'),
  bot: z.boolean().default(false),
});

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
  members: z.array(memberSchema).default([]),
});

const projectSchema = z.object({
  id: z.number().int(),
  path_with_namespace: z.string().min(1),
  default_branch: z.string().default('main'),
  /** ref (branch name or commit SHA) -> repository path -> file content */
  files: z.record(z.string(), z.record(z.string(), z.string())).default({}),
  /** Direct members; `/members/all` adds members of ancestor groups. */
  members: z.array(memberSchema).default([]),
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

const mergeRequestSchema = z.object({
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
  /** null = GitLab has not computed the diff yet (right after MR creation). */
  diff_refs: diffRefsSchema.nullable(),
  diffs: z.array(diffFileSchema).default([]),
  notes: z.array(seedNoteSchema).default([]),
  discussions: z.array(seedDiscussionSchema).default([]),
  /** User ids that approved, in order. */
  approved_by: z.array(z.number().int()).default([]),
  approvals_required: z.number().int().default(0),
  approval_rules: z.array(approvalRuleSchema).default([]),
});

export const seedSchema = z.object({
  users: z.array(userSchema).default([]),
  tokens: z.array(tokenSchema).default([]),
  groups: z.array(groupSchema).default([]),
  projects: z.array(projectSchema).default([]),
  merge_requests: z.array(mergeRequestSchema).default([]),
});

/** What callers write (defaults optional). */
export type SeedData = z.input<typeof seedSchema>;
export type SeedMergeRequest = z.input<typeof mergeRequestSchema>;
export type SeedDiffFile = z.input<typeof diffFileSchema>;
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

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`invalid fake GitLab seed${where}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export const parseSeed = (seed: Partial<SeedData> = {}): NormalizedSeed => parseWith(seedSchema, seed, '');
export const parseMergeRequest = (seed: SeedMergeRequest) => parseWith(mergeRequestSchema, seed, ' merge request');
export const parseDiffFiles = (diffs: SeedDiffFile[]) => parseWith(z.array(diffFileSchema), diffs, ' diffs');

/** Reads and validates a JSON seed file (same shape as `startFakeGitLab`'s argument). */
export async function seedFromJson(path: string): Promise<SeedData> {
  return parseWith(seedSchema, JSON.parse(await readFile(path, 'utf8')), ` in ${path}`);
}
