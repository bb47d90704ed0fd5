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
  sourceProjectId: optional,
});

/** How to supply each value, named in error messages. */
const SOURCES: Record<keyof z.input<typeof schema>, string> = {
  serverUrl: 'CI_SERVER_URL (or CI_API_V4_URL) or --server-url',
  projectId: 'CI_MERGE_REQUEST_PROJECT_ID / CI_PROJECT_ID or --project',
  iid: 'CI_MERGE_REQUEST_IID or --mr',
  targetBranch: 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME or --target-branch',
  baseSha: 'CI_MERGE_REQUEST_DIFF_BASE_SHA or --base-sha',
  headSha: 'CI_COMMIT_SHA or --head-sha',
  sourceProjectId: 'CI_MERGE_REQUEST_SOURCE_PROJECT_ID or --source-project',
};

const nonEmpty = (...values: Array<string | undefined>) => values.find((v) => v !== undefined && v.trim() !== '');

/** gitbeaker wants the instance URL: `https://host/api/v4` as host would request `/api/v4/api/v4/...`. */
function serverFromApiUrl(apiUrl: string | undefined): string | undefined {
  return apiUrl?.replace(/\/api\/v4\/?$/, '');
}

export function readMergeRequestSettings(flags: MergeRequestFlags, env: NodeJS.ProcessEnv): MergeRequestSettings {
  const parsed = schema.safeParse({
    serverUrl: nonEmpty(flags.serverUrl, env.CI_SERVER_URL, serverFromApiUrl(env.CI_API_V4_URL)),
    // The MR lives in the target project; CI_PROJECT_ID is the fork for fork MRs run in the fork.
    projectId: nonEmpty(flags.project, env.CI_MERGE_REQUEST_PROJECT_ID, env.CI_PROJECT_ID),
    iid: nonEmpty(flags.mr, env.CI_MERGE_REQUEST_IID),
    targetBranch: nonEmpty(flags.targetBranch, env.CI_MERGE_REQUEST_TARGET_BRANCH_NAME),
    baseSha: nonEmpty(flags.baseSha, env.CI_MERGE_REQUEST_DIFF_BASE_SHA),
    headSha: nonEmpty(flags.headSha, env.CI_COMMIT_SHA),
    sourceProjectId: nonEmpty(flags.sourceProject, env.CI_MERGE_REQUEST_SOURCE_PROJECT_ID),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = issue.path[0] as keyof typeof SOURCES;
    const missing = issue.code === 'invalid_type';
    throw new ConfigError(`policylint mr: ${missing ? 'missing' : 'invalid'} ${key}: set ${SOURCES[key]}${missing ? '' : ` (${issue.message})`}`);
  }
  const tokenNames = flags.tokenEnv ? [flags.tokenEnv] : ['GITLAB_TOKEN', 'POLICYLINT_GITLAB_TOKEN'];
  const tokenName = tokenNames.find((name) => nonEmpty(env[name]) !== undefined);
  return {
    ...parsed.data,
    serverUrl: parsed.data.serverUrl.replace(/\/+$/, ''),
    token: tokenName ? env[tokenName]!.trim() : undefined,
    tokenSource: tokenName ?? tokenNames.join(' or '),
  };
}
