// Reads the GitLab issues that track exceptions: in batches of up to 100 iids per project (one
// list request each, as GitLab's `iids[]` filter allows), each issue once per run.
import { ConfigError } from '../config/errors.js';
import { createGitLabClient, GitLabApiError, type GitLabApi, type RetryPolicy } from '../gitlab/client.js';
import { checkServerInCi, isServerUrl, readServerUrl, readToken } from '../gitlab/settings.js';
import { issueKey, type IssueRef } from './tracked.js';

/** What the expiry check needs of an exception's issue. */
export interface IssueFacts {
  state: 'opened' | 'closed';
  /** YYYY-MM-DD, or null when none is set. */
  dueDate: string | null;
  labels: string[];
  webUrl: string;
}

/** The issue as read: its facts, `missing` when GitLab has no such issue the token can see, `elsewhere` when it is on another GitLab instance. */
export type IssueLookup = IssueFacts | 'missing' | 'elsewhere';

/** GitLab's largest page, and the most iids one request asks for. */
const BATCH_SIZE = 100;

export class ExceptionIssueReader {
  private readonly cache = new Map<string, IssueLookup>();
  private readonly host: string;

  constructor(
    private readonly api: GitLabApi,
    serverUrl: string,
  ) {
    this.host = new URL(serverUrl).host.toLowerCase();
  }

  /** Every issue's lookup, by `issueKey`; reads only issues not read before in this run. Throws GitLabApiError when GitLab fails. */
  async read(issues: readonly IssueRef[]): Promise<ReadonlyMap<string, IssueLookup>> {
    // By project, compared as GitLab does, ignoring case; asked for as first written.
    const wanted = new Map<string, { path: string; iids: Map<number, string> }>();
    for (const issue of issues) {
      const key = issueKey(issue);
      if (this.cache.has(key)) continue;
      if (issue.host !== undefined && issue.host !== this.host) {
        this.cache.set(key, 'elsewhere');
        continue;
      }
      const project = wanted.get(issue.project.toLowerCase()) ?? { path: issue.project, iids: new Map<number, string>() };
      wanted.set(issue.project.toLowerCase(), project);
      project.iids.set(issue.iid, key);
    }
    for (const { path: project, iids } of wanted.values()) {
      const all = [...iids.keys()].sort((a, b) => a - b);
      for (let start = 0; start < all.length; start += BATCH_SIZE) {
        const batch = all.slice(start, start + BATCH_SIZE);
        for (const [iid, facts] of await this.readBatch(project, batch)) this.cache.set(iids.get(iid)!, facts);
        for (const iid of batch) if (!this.cache.has(iids.get(iid)!)) this.cache.set(iids.get(iid)!, 'missing');
      }
    }
    return new Map(issues.map((issue) => [issueKey(issue), this.cache.get(issueKey(issue))!]));
  }

  private async readBatch(project: string, iids: number[]): Promise<Map<number, IssueFacts>> {
    let found: Array<{ iid: number; state: string; due_date?: string | null; labels?: string[]; web_url?: string }>;
    try {
      found = (await this.api.Issues.all({ projectId: project, iids, perPage: BATCH_SIZE })) as unknown as typeof found;
    } catch (error) {
      // A project the token cannot see answers 404, as GitLab hides projects it does not show.
      if (error instanceof GitLabApiError && error.status === 404) return new Map();
      throw error;
    }
    return new Map(
      found.map((issue) => [
        issue.iid,
        { state: issue.state === 'closed' ? 'closed' : 'opened', dueDate: issue.due_date ?? null, labels: issue.labels ?? [], webUrl: issue.web_url ?? '' },
      ]),
    );
  }
}

export interface GitLabFlags {
  serverUrl?: string;
  tokenEnv?: string;
}

/** A reader, or why there is none (no token, no GitLab URL): then expiry is not checked. */
export type ReaderSetup = { reader: ExceptionIssueReader; secrets: string[] } | { unchecked: string };

/** The token as `mr` and `reviews --sync-issues` read it; the GitLab URL from --server-url, else CI_SERVER_URL, else CI_API_V4_URL. */
export function exceptionIssueReader(flags: GitLabFlags, env: NodeJS.ProcessEnv, retry?: Partial<RetryPolicy>): ReaderSetup {
  const { token, tokenSource } = readToken(flags.tokenEnv, env);
  if (!token) return { unchecked: `no GitLab token (${tokenSource} is not set)` };
  const serverUrl = readServerUrl(flags, env);
  if (serverUrl === undefined) return { unchecked: 'no GitLab URL (CI_SERVER_URL is not set)' };
  if (!isServerUrl(serverUrl)) throw new ConfigError(`Invalid GitLab URL "${serverUrl}": use https://gitlab.example.com`);
  checkServerInCi(serverUrl, env, 'exceptions');
  const host = serverUrl.replace(/\/+$/, '');
  return { reader: new ExceptionIssueReader(createGitLabClient({ host, token, retry }), host), secrets: [token] };
}

/** What to do about a failed read, by status. */
export function fixForReadError(error: unknown): string {
  if (!(error instanceof GitLabApiError)) return '';
  const { status } = error;
  if (status === 401) return 'The token was refused: it is invalid, revoked or expired; renew it.';
  if (status === 403)
    return 'The token may not read issues: give it the read_api scope and at least the Reporter role in the projects exceptions are tracked in.';
  return 'Re-run once GitLab answers again.';
}
