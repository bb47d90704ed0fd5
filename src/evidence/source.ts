// Where `policylint evidence` reads merge requests and approvals: GitLab when a token is set, as
// the other commands read it. Without one, or when GitLab cannot be read at all, the evidence is
// exported from git alone and says so: nothing in it is then `met`.
import { createGitLabClient, fixForApiError, type RetryPolicy } from '../gitlab/client.js';
import { describeError } from '../gitlab/redact.js';
import { nonEmpty, readProjectTarget, readToken } from '../gitlab/settings.js';
import type { GitLabSource } from './build.js';
import { createOwnerDirectory, EVIDENCE_API_FIXES } from './gitlab.js';

export interface EvidenceGitLabFlags {
  serverUrl?: string;
  project?: string;
  tokenEnv?: string;
  /** The default branch merge requests targeted (default: CI_DEFAULT_BRANCH, else the project's). */
  branch?: string;
}

const UNVERIFIED = 'Merge requests and approvals are read from commit messages and are unverified.';

export interface OpenedSource {
  gitlab: GitLabSource | undefined;
  /** Why GitLab was not asked: in a few words for each change, and in full with what to do; empty when it was. */
  notAsked: { reason: string; detail: string };
  /** Values that must never appear in output (the token). */
  secrets: string[];
}

export async function openEvidenceSource(flags: EvidenceGitLabFlags, env: NodeJS.ProcessEnv, retry?: Partial<RetryPolicy>): Promise<OpenedSource> {
  const { token, tokenSource } = readToken(flags.tokenEnv, env);
  if (!token) {
    return {
      gitlab: undefined,
      notAsked: {
        reason: 'Not verified: GitLab was not asked (no token).',
        detail: `No GitLab token (${tokenSource} is not set), so GitLab was not asked. ${UNVERIFIED} To verify them, export again with a token that has the read_api scope and at least the Reporter role.`,
      },
      secrets: [],
    };
  }
  const secrets = [token];
  const target = readProjectTarget(flags, env, 'evidence');
  const api = createGitLabClient({ host: target.serverUrl, token, retry });
  let defaultBranch = nonEmpty(flags.branch, env.CI_DEFAULT_BRANCH);
  let projectWebUrl = nonEmpty(env.CI_PROJECT_URL) ?? null;
  if (defaultBranch === undefined || projectWebUrl === null) {
    try {
      const project = (await api.Projects.show(target.projectId)) as { default_branch?: string | null; web_url?: string | null };
      defaultBranch ??= project.default_branch ?? undefined;
      projectWebUrl = project.web_url ?? null;
    } catch (error) {
      // Without the branch nothing can be matched; without the URL only the links to commits are missing.
      if (defaultBranch === undefined) {
        const detail = `GitLab could not be read (${describeError(error, secrets)}). ${UNVERIFIED} ${fixForApiError(error, EVIDENCE_API_FIXES)}`;
        return { gitlab: undefined, notAsked: { reason: 'Not verified: GitLab could not be read.', detail }, secrets };
      }
    }
    if (!defaultBranch) {
      const detail = `GitLab says the project has no default branch (an empty repository). ${UNVERIFIED}`;
      return { gitlab: undefined, notAsked: { reason: 'Not verified: the GitLab project has no default branch.', detail }, secrets };
    }
  }
  return {
    gitlab: {
      api,
      serverUrl: target.serverUrl,
      projectId: target.projectId,
      defaultBranch,
      projectWebUrl: projectWebUrl?.replace(/\/+$/, '') ?? null,
      directory: createOwnerDirectory(api, target.projectId),
    },
    notAsked: { reason: '', detail: '' },
    secrets,
  };
}
