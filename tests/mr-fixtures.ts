// Shared fixtures for the merge-request tests: a fake GitLab seed, findings and a client whose
// retries wait no real time.
import type { Finding } from '../src/engine/types.js';
import { createGitLabClient, type GitLabApi, type RetryPolicy } from '../src/gitlab/client.js';
import type { ChangedFile } from '../src/gitlab/diff.js';
import type { FakeGitLab, SeedData, SeedMergeRequest } from './fake-gitlab/server.js';

export const BOT = 1;
export const ALICE = 2;
export const BOB = 3;
export const CAROL = 4;
export const DAVE = 5;
export const PROJECT_ID = 42;
export const IID = 7;
export const TOKEN = 'glpat-SECRET-do-not-leak-1234';
export const REFS = { base_sha: 'b'.repeat(40), start_sha: 's'.repeat(40), head_sha: 'h'.repeat(40) };

/** docs/access.md: line 1 context, 2-4 added, 5 context; docs/backup.md: new file, lines 1-3 added. */
export const ACCESS_DIFF = '@@ -1,2 +1,5 @@\n ---\n+title: Access\n+owner: alice\n+review: 2025-01-01\n ---\n';
export const BACKUP_DIFF = '@@ -0,0 +1,3 @@\n+---\n+title: Backup\n+---\n';

export const CHANGES: ChangedFile[] = [
  { oldPath: 'docs/access.md', newPath: 'docs/access.md', status: 'modified', diff: ACCESS_DIFF },
  { oldPath: 'docs/backup.md', newPath: 'docs/backup.md', status: 'added', diff: BACKUP_DIFF },
];

export function mergeRequestSeed(overrides: Partial<SeedMergeRequest> = {}): SeedMergeRequest {
  return {
    project_id: PROJECT_ID,
    iid: IID,
    author_id: ALICE,
    diff_refs: REFS,
    diffs: [
      { new_path: 'docs/access.md', diff: ACCESS_DIFF },
      { new_path: 'docs/backup.md', new_file: true, diff: BACKUP_DIFF },
    ],
    notes: [{ body: 'added 1 commit', author_id: ALICE, system: true }],
    ...overrides,
  };
}

/** The bot that posts as policylint, and the people of acme/handbook. */
export const USERS: SeedData['users'] = [
  { id: BOT, username: 'policylint-bot', bot: true },
  { id: ALICE, username: 'alice' },
  { id: BOB, username: 'bob' },
  { id: CAROL, username: 'carol' },
  { id: DAVE, username: 'dave' },
];

export function seed(overrides: Partial<SeedMergeRequest> = {}): SeedData {
  return {
    users: USERS,
    tokens: [
      { token: TOKEN, user_id: BOT },
      { token: 'alice-token', user_id: ALICE },
    ],
    groups: [
      { id: 10, full_path: 'acme', members: [{ user_id: ALICE, access_level: 50 }] },
      { id: 11, full_path: 'acme/security', members: [{ user_id: CAROL, access_level: 30 }] },
    ],
    projects: [
      {
        id: PROJECT_ID,
        path_with_namespace: 'acme/handbook',
        members: [
          { user_id: BOT, access_level: 30 },
          { user_id: BOB, access_level: 40 },
          { user_id: DAVE, access_level: 30 },
        ],
      },
    ],
    merge_requests: [mergeRequestSeed(overrides)],
  };
}

/** Records every backoff instead of waiting. */
export function fastRetry(overrides: Partial<RetryPolicy> = {}): Partial<RetryPolicy> & { delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    maxAttempts: 4,
    baseDelayMs: 100,
    timeoutMs: 200,
    random: () => 0.5,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...overrides,
  };
}

export function client(fake: FakeGitLab, retry: Partial<RetryPolicy> = fastRetry()): GitLabApi {
  return createGitLabClient({ host: fake.url, token: TOKEN, retry });
}

let sequence = 0;
export function finding(fields: Partial<Finding> & Pick<Finding, 'path' | 'line'>): Finding {
  sequence += 1;
  return {
    ruleId: 'review-date',
    messageId: 'reviewOverdue',
    severity: 'error',
    column: 1,
    endLine: fields.line,
    endColumn: 1,
    message: `finding ${sequence}`,
    fingerprint: `fp${sequence}`,
    ...fields,
  };
}

export const writes = (fake: FakeGitLab) => fake.requests.filter((r) => r.method !== 'GET');

/** Notes of the MR authored by the bot, in creation order. */
export function botNotes(fake: FakeGitLab) {
  const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
  return fake.state.notesOf(mr).filter((n) => n.author_id === BOT);
}

export function summaries(fake: FakeGitLab) {
  return botNotes(fake).filter((n) => n.body.startsWith('<!-- policylint:summary -->'));
}

export function botThreads(fake: FakeGitLab) {
  const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
  return mr.discussions.filter((d) => !d.individual_note && d.notes[0]!.author_id === BOT);
}

/** The CI/CD variables of a merge-request pipeline for MR !7 against the fake GitLab at `url`. */
export function mergeRequestEnv(url: string, commits: { baseSha: string; headSha: string }, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    CI_SERVER_URL: url,
    CI_PROJECT_ID: String(PROJECT_ID),
    CI_MERGE_REQUEST_IID: String(IID),
    CI_MERGE_REQUEST_DIFF_BASE_SHA: commits.baseSha,
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
    CI_COMMIT_SHA: commits.headSha,
    CI_MERGE_REQUEST_SOURCE_PROJECT_ID: String(PROJECT_ID),
    GITLAB_TOKEN: TOKEN,
    ...overrides,
  };
}
