// The GitLab settings the control relies on, read from the project: policylint fails a merge
// request, but only GitLab can stop it from being merged, and only protected CI configuration
// keeps the job itself out of the merge request's reach. A setting the API does not show (older
// GitLab, a lower tier, a token without access) is "unknown", never "fine".
import { GitLabApiError, type GitLabApi } from './client.js';
import { describeError } from './redact.js';

export interface SettingCheck {
  /** The setting's name as GitLab's UI shows it. */
  setting: string;
  /** true: as the control needs it; false: off; undefined: could not be read. */
  ok: boolean | undefined;
  /** What it means and where to change it (for off and unknown settings). */
  detail: string;
}

interface ProjectApprovalSettings {
  merge_requests_author_approval?: boolean;
  merge_requests_disable_committers_approval?: boolean;
  reset_approvals_on_push?: boolean;
  selective_code_owner_removals?: boolean;
}

interface ProjectSettings {
  only_allow_merge_if_pipeline_succeeds?: boolean;
  allow_merge_on_skipped_pipeline?: boolean;
  ci_config_path?: string | null;
}

interface ProtectedBranch {
  name: string;
  code_owner_approval_required?: boolean;
}

const APPROVAL_SETTINGS = 'Settings → Merge requests → Merge request approvals → Approval settings';

type Read<T> = { ok: true; value: T } | { ok: false; why: string };

async function read<T>(run: () => Promise<unknown>): Promise<Read<T>> {
  try {
    return { ok: true, value: (await run()) as T };
  } catch (error) {
    const status = error instanceof GitLabApiError ? error.status : null;
    const why =
      status === 403 || status === 404
        ? `not readable with this token (${status}: needs the Maintainer role, or the feature is not in this GitLab tier)`
        : describeError(error, []);
    return { ok: false, why };
  }
}

function flag(value: boolean | undefined, wanted: boolean, setting: string, whenOff: string, unknown: string): SettingCheck {
  if (value === undefined) return { setting, ok: undefined, detail: unknown };
  return value === wanted ? { setting, ok: true, detail: '' } : { setting, ok: false, detail: whenOff };
}

/** GitLab protected-branch names may hold `*` wildcards matching any characters. */
function protects(pattern: string, branch: string): boolean {
  if (!pattern.includes('*')) return pattern === branch;
  const regex = new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return regex.test(branch);
}

function approvalChecks(settings: Read<ProjectApprovalSettings>): SettingCheck[] {
  const unknown = settings.ok ? `GitLab did not report it (${APPROVAL_SETTINGS}; GitLab Premium)` : `could not be read: ${settings.why}`;
  const value = settings.ok ? settings.value : {};
  const reset =
    value.reset_approvals_on_push === undefined && value.selective_code_owner_removals === undefined
      ? undefined
      : value.reset_approvals_on_push === true || value.selective_code_owner_removals === true;
  return [
    flag(
      value.merge_requests_author_approval,
      false,
      'Prevent approval by merge request author',
      `the author may approve their own merge request in GitLab (${APPROVAL_SETTINGS}); policylint never counts it, but GitLab's own approval rules would`,
      unknown,
    ),
    flag(
      value.merge_requests_disable_committers_approval,
      true,
      'Prevent approvals by users who add commits',
      `people who pushed commits may approve in GitLab (${APPROVAL_SETTINGS})`,
      unknown,
    ),
    flag(
      reset,
      true,
      'Remove all approvals when commits are added to the source branch',
      `approvals survive new pushes in GitLab (${APPROVAL_SETTINGS}); policylint ignores approvals given before a document's last change, GitLab does not`,
      unknown,
    ),
  ];
}

function codeOwnerCheck(branches: Read<ProtectedBranch[]>, targetBranch: string): SettingCheck {
  const setting = `Require approval from code owners on ${targetBranch}`;
  if (!branches.ok) return { setting, ok: undefined, detail: `protected branches could not be read: ${branches.why}` };
  const matching = branches.value.filter((b) => protects(b.name, targetBranch));
  if (matching.length === 0)
    return {
      setting,
      ok: false,
      detail: `${targetBranch} is not a protected branch, so GitLab does not require code-owner approval to merge into it (Settings → Repository → Protected branches)`,
    };
  const required = matching.map((b) => b.code_owner_approval_required);
  if (required.some((r) => r === true)) return { setting, ok: true, detail: '' };
  if (required.every((r) => r === undefined))
    return { setting, ok: undefined, detail: 'GitLab did not report it (Settings → Repository → Protected branches; GitLab Premium)' };
  return {
    setting,
    ok: false,
    detail: `GitLab lets ${targetBranch} be merged into without code-owner approval (Settings → Repository → Protected branches → Code owner approval)`,
  };
}

/**
 * Whether the CI/CD configuration file is one no merge request can edit: `path@group/project` (another
 * project's file) or an http(s) URL (a remote file). GitLab's "Specify a custom CI/CD configuration
 * file" (ci/pipelines/settings.md) accepts both; gitlab-org/gitlab#196813 shows a project using a URL.
 */
function outsideRepository(configPath: string): boolean {
  return configPath.includes('@') || /^https?:\/\//i.test(configPath);
}

function projectChecks(project: Read<ProjectSettings>): SettingCheck[] {
  const unknown = project.ok ? 'GitLab did not report it' : `could not be read: ${project.why}`;
  const value = project.ok ? project.value : {};
  const configPath = value.ci_config_path;
  const ciSetting = 'CI/CD configuration file outside the merge request';
  const ciCheck: SettingCheck =
    configPath === undefined
      ? { setting: ciSetting, ok: undefined, detail: unknown }
      : configPath !== null && outsideRepository(configPath)
        ? { setting: ciSetting, ok: true, detail: '' }
        : {
            setting: ciSetting,
            ok: false,
            detail:
              'the pipeline runs the CI configuration of the merge request itself, which can change or drop the policylint job; keep it in another project (Settings → CI/CD → General pipelines → CI/CD configuration file: path@group/project), or run policylint from a pipeline execution policy',
          };
  return [
    flag(
      value.only_allow_merge_if_pipeline_succeeds,
      true,
      'Pipelines must succeed',
      'a merge request can be merged while policylint fails (Settings → Merge requests → Merge checks)',
      unknown,
    ),
    flag(
      value.allow_merge_on_skipped_pipeline,
      false,
      'Skipped pipelines are considered successful',
      'a pushed `[skip ci]` lets a merge request through without policylint (Settings → Merge requests → Merge checks)',
      unknown,
    ),
    ciCheck,
  ];
}

/** Every setting the control relies on, in a stable order. */
export async function checkProjectSettings(api: GitLabApi, projectId: string, targetBranch: string): Promise<SettingCheck[]> {
  const [approvals, branches, project] = await Promise.all([
    read<ProjectApprovalSettings>(() => api.MergeRequestApprovals.showConfiguration(projectId)),
    read<ProtectedBranch[]>(() => api.ProtectedBranches.all(projectId, { perPage: 100 })),
    read<ProjectSettings>(() => api.Projects.show(projectId)),
  ]);
  return [...approvalChecks(approvals), codeOwnerCheck(branches, targetBranch), ...projectChecks(project)];
}

/** One line per setting, for the job log and `--check-settings`. */
export function describeSettingCheck(check: SettingCheck): string {
  const state = check.ok === true ? 'ok' : check.ok === false ? 'OFF' : 'unknown';
  return `${state.padEnd(7)} ${check.setting}${check.detail ? `: ${check.detail}` : ''}`;
}
