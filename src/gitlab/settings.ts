// Where `policylint mr` gets its facts: flags first, then GitLab's predefined CI/CD variables.
import { z } from 'zod';
import { ConfigError } from '../config/errors.js';

export interface MergeRequestFlags {
  serverUrl?: string;
  project?: string;
  mr?: string;
  baseSha?: string;
  targetBranch?: string;
  headSha?: string;
  sourceProject?: string;
  /** Name of the environment variable holding the token (never the token itself). */
  tokenEnv?: string;
}

export interface MergeRequestSettings {
  serverUrl: string;
  projectId: string;
  iid: number;
  targetBranch: string;
  baseSha?: string;
  headSha?: string;
  /** The merge request's head in a merged-results pipeline, where headSha is GitLab's merge commit. */
  sourceBranchSha?: string;
  sourceProjectId?: string;
  token: string | undefined;
  /** Where the token came from, for messages (never its value). */
  tokenSource: string;
}

const optional = z.string().trim().min(1).optional();

const schema = z.object({
  serverUrl: z.url({ protocol: /^https?$/ }),
  projectId: z.string().trim().min(1),
  iid: z.coerce.number().int().positive(),
  targetBranch: z.string().trim().min(1),
  baseSha: optional,
  headSha: optional,
  sourceBranchSha: optional,
  sourceProjectId: optional,
});

/** What each value is and how to supply it, for error messages. */
const SOURCES: Record<keyof z.input<typeof schema>, [label: string, how: string]> = {
  serverUrl: ['the GitLab URL', 'set CI_SERVER_URL (or CI_API_V4_URL) or pass --server-url'],
  projectId: ['the project', 'set CI_MERGE_REQUEST_PROJECT_ID / CI_PROJECT_ID or pass --project'],
  iid: ['the merge request IID', 'set CI_MERGE_REQUEST_IID or pass --mr'],
  targetBranch: ['the target branch', 'set CI_MERGE_REQUEST_TARGET_BRANCH_NAME or pass --target-branch'],
  baseSha: ['the diff base SHA', 'set CI_MERGE_REQUEST_DIFF_BASE_SHA or pass --base-sha'],
  headSha: ['the head SHA', 'set CI_COMMIT_SHA or pass --head-sha'],
  sourceBranchSha: ['the source branch SHA', 'set CI_MERGE_REQUEST_SOURCE_BRANCH_SHA'],
  sourceProjectId: ['the source project', 'set CI_MERGE_REQUEST_SOURCE_PROJECT_ID or pass --source-project'],
};

export const nonEmpty = (...values: Array<string | undefined>) => values.find((v) => v !== undefined && v.trim() !== '');

/** gitbeaker wants the instance URL: `https://host/api/v4` as host would request `/api/v4/api/v4/...`. */
export function serverFromApiUrl(apiUrl: string | undefined): string | undefined {
  return apiUrl?.replace(/\/api\/v4\/?$/, '');
}

/** A variable name, so that a token passed by mistake is refused without being echoed. */
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * In GitLab CI the token belongs to the instance running the job: it is sent to no other host,
 * whatever --server-url says (CI_SERVER_URL, when present, wins over CI_API_V4_URL).
 */
export function checkServerInCi(serverUrl: string, env: NodeJS.ProcessEnv, command = 'mr'): void {
  const ciServerUrl = nonEmpty(env.CI_SERVER_URL);
  if (ciServerUrl === undefined || nonEmpty(env.GITLAB_CI, env.CI) === undefined) return;
  const origin = (url: string) => (URL.canParse(url) ? new URL(url).origin : url);
  if (origin(serverUrl) !== origin(ciServerUrl)) {
    throw new ConfigError(
      `${command} got --server-url on ${origin(serverUrl)}, but this CI job's GitLab is ${origin(ciServerUrl)} (CI_SERVER_URL): in GitLab CI the token is sent to no other host`,
    );
  }
}

/** The API token: from --token-env's variable, else GITLAB_TOKEN, else POLICYLINT_GITLAB_TOKEN; never from a flag. */
export function readToken(tokenEnv: string | undefined, env: NodeJS.ProcessEnv): { token: string | undefined; tokenSource: string } {
  if (tokenEnv !== undefined && !VARIABLE_NAME.test(tokenEnv)) {
    throw new ConfigError('--token-env takes the name of an environment variable, not a token');
  }
  const tokenNames = tokenEnv ? [tokenEnv] : ['GITLAB_TOKEN', 'POLICYLINT_GITLAB_TOKEN'];
  const tokenName = tokenNames.find((name) => nonEmpty(env[name]) !== undefined);
  return { token: tokenName ? env[tokenName]!.trim() : undefined, tokenSource: tokenName ?? tokenNames.join(' or ') };
}

export function readMergeRequestSettings(flags: MergeRequestFlags, env: NodeJS.ProcessEnv): MergeRequestSettings {
  const token = readToken(flags.tokenEnv, env);
  const parsed = schema.safeParse({
    serverUrl: readServerUrl(flags, env),
    // The MR lives in the target project; CI_PROJECT_ID is the fork for fork MRs run in the fork.
    projectId: nonEmpty(flags.project, env.CI_MERGE_REQUEST_PROJECT_ID, env.CI_PROJECT_ID),
    iid: nonEmpty(flags.mr, env.CI_MERGE_REQUEST_IID),
    targetBranch: nonEmpty(flags.targetBranch, env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME),
    baseSha: nonEmpty(flags.baseSha, env.CI_MERGE_REQUEST_DIFF_BASE_SHA),
    headSha: nonEmpty(flags.headSha, env.CI_COMMIT_SHA),
    sourceBranchSha: nonEmpty(env.CI_MERGE_REQUEST_SOURCE_BRANCH_SHA),
    sourceProjectId: nonEmpty(flags.sourceProject, env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof typeof SOURCES;
    const [label, how] = SOURCES[key];
    const problem = issue.code === 'invalid_type' ? `needs ${label}` : `got an invalid value for ${label} (${issue.message})`;
    throw new ConfigError(`mr ${problem}: ${how}`);
  }
  checkServerInCi(parsed.data.serverUrl, env);
  return { ...parsed.data, serverUrl: parsed.data.serverUrl.replace(/\/+$/, ''), ...token };
}

const serverSchema = z.url({ protocol: /^https?$/ });

/** The GitLab URL as every command reads it: --server-url, else CI_SERVER_URL, else CI_API_V4_URL without `/api/v4`. */
export function readServerUrl(flags: { serverUrl?: string }, env: NodeJS.ProcessEnv): string | undefined {
  return nonEmpty(flags.serverUrl, env.CI_SERVER_URL, serverFromApiUrl(env.CI_API_V4_URL));
}

/** Whether a GitLab URL is an http(s) URL at all. */
export function isServerUrl(url: string): boolean {
  return serverSchema.safeParse(url).success;
}

/** The GitLab URL and project a command that reads or writes the project (not a merge request) needs once there is a token. */
export function readProjectTarget(
  flags: { serverUrl?: string; project?: string },
  env: NodeJS.ProcessEnv,
  command: string,
): { serverUrl: string; projectId: string } {
  const serverUrl = readServerUrl(flags, env);
  const projectId = nonEmpty(flags.project, env.CI_PROJECT_ID);
  if (serverUrl === undefined || !isServerUrl(serverUrl))
    throw new ConfigError(`${command} needs the GitLab URL: set CI_SERVER_URL or pass --server-url https://gitlab.example.com`);
  if (projectId === undefined) throw new ConfigError(`${command} needs the project: set CI_PROJECT_ID or pass --project <id or path>`);
  checkServerInCi(serverUrl, env, command);
  return { serverUrl: serverUrl.replace(/\/+$/, ''), projectId: projectId.trim() };
}
