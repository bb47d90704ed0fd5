import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createOwnerDirectory,
  EVIDENCE_API_FIXES,
  findMergeRequests,
  type CommitMergeRequest,
  type MergeRequestLookupOptions,
} from '../src/evidence/gitlab.js';
import { createGitLabClient, type GitLabApi } from '../src/gitlab/client.js';
import { startFakeGitLab, type FakeGitLab, type SeedData, type SeedMergeRequest } from './fake-gitlab/server.js';
import { ALICE, BOB, BOT, CAROL, DAVE, fastRetry, PROJECT_ID, TOKEN } from './mr-fixtures.js';

const PERIOD_START = '2026-03-01T00:00:00.000Z';
const IN_PERIOD = '2026-03-10T12:00:00.000Z';
const BEFORE_PERIOD = '2026-02-10T12:00:00.000Z';

/** A 40-hex SHA named after what it stands for. */
const sha = (label: string) => createHash('sha1').update(label).digest('hex');

/** A merged MR into main, in the period: commits `<iid>-a`, `<iid>-b`... (newest first), merged by carol, approved by bob. */
function mergedRequest(iid: number, fields: Partial<SeedMergeRequest> & { commitCount?: number } = {}): SeedMergeRequest {
  const { commitCount = 1, ...rest } = fields;
  return {
    project_id: PROJECT_ID,
    iid,
    state: 'merged',
    title: `Change ${iid}`,
    author_id: ALICE,
    source_branch: `change-${iid}`,
    commits: Array.from({ length: commitCount }, (_, i) => ({ id: sha(`${iid}-${String.fromCharCode(97 + commitCount - 1 - i)}`), message: `Commit ${iid}` })),
    merged_by: CAROL,
    merged_at: IN_PERIOD,
    approved_by: [{ user_id: BOB, approved_at: '2026-03-10T11:00:00.000Z' }],
    ...rest,
  };
}

function seed(mergeRequests: SeedMergeRequest[] = []): SeedData {
  return {
    users: [
      { id: BOT, username: 'policylint-bot', bot: true },
      { id: ALICE, username: 'alice' },
      { id: BOB, username: 'bob', public_email: 'Bob@Example.com' },
      { id: CAROL, username: 'carol' },
      { id: DAVE, username: 'dave' },
    ],
    tokens: [{ token: TOKEN, user_id: BOT, scopes: ['read_api'] }],
    groups: [{ id: 11, full_path: 'acme/security', members: [{ user_id: CAROL, access_level: 30 }] }],
    projects: [
      {
        id: PROJECT_ID,
        path_with_namespace: 'acme/handbook',
        members: [
          { user_id: BOB, access_level: 40 },
          { user_id: DAVE, access_level: 30 },
        ],
        repository_commits: [sha('direct push')],
      },
    ],
    merge_requests: mergeRequests,
  };
}

/** The merge requests most tests look up. */
const STANDARD = [
  mergedRequest(1, { commitCount: 2, merge_commit_sha: sha('merge 1') }),
  mergedRequest(2, { squash_commit_sha: sha('squash 2') }),
  mergedRequest(3, { commitCount: 2 }), // fast-forward: the head (3-b) lands on main
  mergedRequest(4, { merge_commit_sha: sha('merge 4'), merged_at: BEFORE_PERIOD }),
  mergedRequest(5, { merge_commit_sha: sha('merge 5'), target_branch: 'release' }),
  { project_id: PROJECT_ID, iid: 6, author_id: DAVE, commits: [{ id: sha('open 6'), message: 'Work in progress' }] },
];

let fake: FakeGitLab;
let api: GitLabApi;
let retry: ReturnType<typeof fastRetry>;

async function start(mergeRequests: SeedMergeRequest[] = STANDARD): Promise<void> {
  fake = await startFakeGitLab(seed(mergeRequests));
  retry = fastRetry();
  api = createGitLabClient({ host: fake.url, token: TOKEN, retry });
}

beforeEach(async () => {
  await start();
});
afterEach(async () => {
  await fake.close();
});

function lookup(commits: string[], overrides: Partial<MergeRequestLookupOptions> = {}): Promise<Map<string, CommitMergeRequest>> {
  return findMergeRequests(commits, { api, projectId: String(PROJECT_ID), defaultBranch: 'main', updatedAfter: PERIOD_START, ...overrides });
}

/** `!iid` for a merge request, `none`, or `unavailable`. */
function summary(results: Map<string, CommitMergeRequest>): Record<string, string> {
  return Object.fromEntries([...results].map(([commit, result]) => [commit, result.kind === 'merge-request' ? `!${result.mr.iid}` : result.kind]));
}

const requestsTo = (pattern: RegExp) => fake.requests.filter((r) => pattern.test(r.path));
const PER_COMMIT = /\/repository\/commits\/[0-9a-f]+\/merge_requests$/;
const LIST = /\/projects\/42\/merge_requests$/;
const APPROVALS = /\/merge_requests\/\d+\/approvals$/;

describe('the merge request that brought a commit', () => {
  it('finds a merge commit, a squash and a fast-forwarded head in the list of merged merge requests, and a branch commit by asking', async () => {
    const results = await lookup([sha('merge 1'), sha('squash 2'), sha('3-b'), sha('3-a'), sha('1-a')]);
    expect(summary(results)).toEqual({
      [sha('merge 1')]: '!1',
      [sha('squash 2')]: '!2',
      [sha('3-b')]: '!3',
      [sha('3-a')]: '!3',
      [sha('1-a')]: '!1',
    });
    expect(results.get(sha('merge 1'))).toEqual({
      kind: 'merge-request',
      mr: {
        iid: 1,
        title: 'Change 1',
        webUrl: `${fake.url}/acme/handbook/-/merge_requests/1`,
        author: { id: ALICE, username: 'alice' },
        mergedBy: 'carol',
        mergedAt: IN_PERIOD,
        approvals: [{ userId: BOB, username: 'bob', approvedAt: '2026-03-10T11:00:00.000Z' }],
        // Not asked for: the caller lets committers approve.
        committers: null,
      },
    });
    // Only the branch commits needed a question of their own; the list was asked as GitLab filters it.
    expect(requestsTo(PER_COMMIT).map((r) => r.path.split('/').at(-2))).toEqual(expect.arrayContaining([sha('3-a'), sha('1-a')]));
    expect(requestsTo(PER_COMMIT)).toHaveLength(2);
    expect(requestsTo(LIST).map((r) => r.query)).toEqual([
      expect.objectContaining({ state: 'merged', target_branch: 'main', updated_after: PERIOD_START, per_page: '100', page: '1' }),
    ]);
  });

  it('asks about a commit whose merge request was last updated before the period, and when the list fails', async () => {
    expect(summary(await lookup([sha('merge 4')]))).toEqual({ [sha('merge 4')]: '!4' });
    expect(requestsTo(PER_COMMIT)).toHaveLength(1);

    fake.faults.status(500, { path: 'projects/*/merge_requests', times: Infinity });
    const results = await lookup([sha('merge 1'), sha('squash 2')]);
    expect(summary(results)).toEqual({ [sha('merge 1')]: '!1', [sha('squash 2')]: '!2' });
    expect(requestsTo(PER_COMMIT)).toHaveLength(3);
  });

  it('confirms a direct push and a merge into another branch as none, but a commit GitLab does not have as unavailable', async () => {
    const results = await lookup([sha('direct push'), sha('merge 5'), sha('5-a'), sha('open 6'), sha('never pushed')]);
    expect(summary(results)).toEqual({
      [sha('direct push')]: 'none',
      [sha('merge 5')]: 'none',
      [sha('5-a')]: 'none',
      [sha('open 6')]: 'none',
      [sha('never pushed')]: 'unavailable',
    });
    expect(results.get(sha('never pushed'))).toEqual({
      kind: 'unavailable',
      reason: expect.stringMatching(/^GitLab could not tell which merge request brought commit [0-9a-f]{8} \(.*404 Commit Not Found\)\.$/),
      fix: EVIDENCE_API_FIXES.notFound,
    });
  });

  it('prefers the merge request whose merge or squash commit it is, else the earliest merged, whatever order GitLab answers in', async () => {
    await fake.close();
    const shared = sha('shared');
    await start([
      mergedRequest(1, { commits: [{ id: shared, message: 'x' }], merged_at: '2026-03-05T00:00:00.000Z', merge_commit_sha: sha('merge 1') }),
      mergedRequest(2, {
        commits: [
          { id: sha('2-a'), message: 'y' },
          { id: shared, message: 'x' },
        ],
        merged_at: '2026-03-03T00:00:00.000Z',
      }),
      mergedRequest(3, { commits: [{ id: sha('3-a'), message: 'z' }], merge_commit_sha: shared, merged_at: '2026-03-09T00:00:00.000Z' }),
    ]);
    expect(summary(await lookup([shared]))).toEqual({ [shared]: '!3' });
    fake.state.mergeRequest(PROJECT_ID, 3)!.merge_commit_sha = sha('merge 3');
    // Now no merge request's merge commit nor a fast-forwarded head: asked, and of !1 and !2 (both hold it), !2 merged first.
    expect(summary(await lookup([shared]))).toEqual({ [shared]: '!2' });
    // Answers in another order: the same choice.
    fake.faults.delay(30, { path: /merge_requests\/2\/approvals$/ });
    expect(summary(await lookup([sha('2-a'), shared, sha('merge 1')], { concurrency: 3 }))).toEqual({
      [sha('2-a')]: '!2',
      [shared]: '!2',
      [sha('merge 1')]: '!1',
    });
  });

  it('reads the approvals of a merge request once for all its commits, and each commit once', async () => {
    const results = await lookup([sha('merge 1'), sha('1-a'), sha('1-b'), sha('1-a'), sha('merge 1')]);
    expect([...results.keys()]).toEqual([sha('merge 1'), sha('1-a'), sha('1-b')]);
    expect(new Set(Object.values(summary(results)))).toEqual(new Set(['!1']));
    expect(requestsTo(APPROVALS).map((r) => r.path)).toEqual(['/api/v4/projects/42/merge_requests/1/approvals']);
    expect(requestsTo(PER_COMMIT)).toHaveLength(2); // 1-a and 1-b: !1 landed as a merge commit
  });

  it('pages through more than 100 merged merge requests with at most `concurrency` requests at once, reporting progress', async () => {
    await fake.close();
    await start(Array.from({ length: 250 }, (_, i) => mergedRequest(i + 1, { merge_commit_sha: sha(`merge ${i + 1}`) })));
    fake.faults.delay(5, { times: Infinity });
    const commits = Array.from({ length: 250 }, (_, i) => sha(`merge ${i + 1}`));
    const progress: number[] = [];
    const results = await lookup(commits, { onProgress: (done, total) => progress.push(done / total) });
    expect(Object.values(summary(results))).toEqual(commits.map((_, i) => `!${i + 1}`));
    expect(requestsTo(LIST).map((r) => r.query.page)).toEqual(['1', '2', '3']);
    expect(requestsTo(PER_COMMIT)).toHaveLength(0);
    expect(requestsTo(APPROVALS)).toHaveLength(250);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
    expect(fake.maxInFlight).toBeGreaterThan(1);
    expect(progress).toHaveLength(250);
    expect(progress.at(-1)).toBe(1);

    fake.maxInFlight = 0;
    await lookup(commits.slice(0, 20), { concurrency: 2 });
    expect(fake.maxInFlight).toBeLessThanOrEqual(2);
  });
});

describe('when GitLab fails', () => {
  it('stops at once when the token is refused: every commit unavailable, with a fix about the token', async () => {
    const refused = createGitLabClient({ host: fake.url, token: 'glpat-not-a-valid-token-at-all-000', retry: fastRetry() });
    const results = await lookup([sha('merge 1'), sha('direct push'), sha('1-a')], { api: refused });
    expect(new Set(Object.values(summary(results)))).toEqual(new Set(['unavailable']));
    for (const result of results.values()) {
      expect(result).toMatchObject({
        kind: 'unavailable',
        reason: expect.stringMatching(/^GitLab refused the token \(.*401 Unauthorized\); /),
        fix: EVIDENCE_API_FIXES.unauthorized,
      });
    }
    expect(fake.requests).toHaveLength(1); // the list; nothing after
    expect(JSON.stringify([...results])).not.toMatch(/glpat-/);

    fake.requests.length = 0;
    fake.state.tokens[0]!.scopes = ['read_user'];
    const forbidden = await lookup([sha('merge 1')]);
    expect(forbidden.get(sha('merge 1'))).toMatchObject({ kind: 'unavailable', fix: EVIDENCE_API_FIXES.forbidden });
    expect(fake.requests).toHaveLength(1);
  });

  it('stops at once when GitLab does not show the project', async () => {
    const results = await lookup([sha('merge 1'), sha('1-a')], { projectId: 'acme/elsewhere' });
    for (const result of results.values()) {
      expect(result).toMatchObject({
        kind: 'unavailable',
        reason: expect.stringMatching(/^GitLab does not show the project to the token \(.*404 Project Not Found\); /),
        fix: EVIDENCE_API_FIXES.notFound,
      });
    }
    expect(fake.requests).toHaveLength(1);
  });

  it('survives an outage mid-run: commits answered before it are found, the rest unavailable, none by mistake, and GitLab is left alone', async () => {
    await fake.close();
    await start(Array.from({ length: 60 }, (_, i) => mergedRequest(i + 1, { commitCount: 2, merge_commit_sha: sha(`merge ${i + 1}`) })));
    // Branch commits: each needs its own question, then the approvals of its merge request.
    const commits = Array.from({ length: 60 }, (_, i) => sha(`${i + 1}-a`));
    fake.faults.outage({ after: 21 });
    const results = await lookup(commits);
    const kinds = Object.values(summary(results));
    expect(kinds).not.toContain('none');
    expect(kinds.filter((k) => k.startsWith('!')).length).toBeGreaterThanOrEqual(5);
    expect(kinds.filter((k) => k === 'unavailable').length).toBeGreaterThanOrEqual(40);
    const notAsked = [...results.values()].filter(
      (r) => r.kind === 'unavailable' && /^GitLab stopped answering after 3 failed requests in a row/.test(r.reason),
    );
    expect(notAsked.length).toBeGreaterThan(30);
    expect(notAsked[0]).toMatchObject({
      fix: EVIDENCE_API_FIXES.otherwise,
      reason: expect.stringMatching(/503 Service Unavailable\); (commit [0-9a-f]{8} was not looked up|the approvals of !\d+ were not read)\.$/),
    });
    // Three failed calls in a row, each retried, and the three others already under way (concurrency 4): then nothing more.
    const failed = fake.requests.filter((r) => r.status === 503);
    expect(failed.length).toBeLessThanOrEqual((3 + 4 - 1) * retry.maxAttempts!);
    expect(fake.requests.length).toBe(21 + failed.length);
  });

  it('waits as long as a 429 asks (Retry-After) and then finds the merge request', async () => {
    fake.faults.status(429, { retryAfter: 7, path: 'projects/*/repository/commits/*/merge_requests' });
    expect(summary(await lookup([sha('1-a')]))).toEqual({ [sha('1-a')]: '!1' });
    expect(retry.delays).toEqual([7000]);
  });

  it('keeps the token out of every reason, even when GitLab quotes it', async () => {
    fake.faults.status(500, { path: 'projects/*/repository/commits/*/merge_requests', times: Infinity, body: { message: `token ${TOKEN} is not welcome` } });
    const results = await lookup([sha('1-a')]);
    expect(results.get(sha('1-a'))).toMatchObject({ kind: 'unavailable', reason: expect.stringContaining('token [REDACTED] is not welcome') });
    expect(JSON.stringify([...results])).not.toContain(TOKEN);
  });
});

describe('the owner directory', () => {
  const owner = (text: string) =>
    ({ text, kind: text.startsWith('@@') ? 'role' : text.includes('/') ? 'group' : text.startsWith('@') ? 'user' : 'email' }) as const;

  it('resolves each owner once, reads each membership and public email once', async () => {
    const directory = createOwnerDirectory(api, String(PROJECT_ID));
    expect(await directory.membership(owner('@acme/security'), CAROL)).toBe('yes');
    expect(await directory.membership(owner('@ACME/security'), CAROL)).toBe('yes');
    expect(await directory.membership(owner('@acme/security'), DAVE)).toBe('no');
    expect(await directory.membership(owner('@@maintainer'), BOB)).toBe('yes');
    expect(await directory.membership(owner('@@maintainer'), DAVE)).toBe('no');
    expect(await directory.membership(owner('@bob'), BOB)).toBe('no'); // users are matched by username
    expect(await directory.unresolved(owner('@ghost'))).toBe('names no user and no group the token can see');
    expect(await directory.unresolved(owner('@bob'))).toBeUndefined();
    expect(await directory.unresolved(owner('@acme/security'))).toBeUndefined();
    expect(await Promise.all([directory.publicEmail(BOB), directory.publicEmail(BOB), directory.publicEmail(DAVE)])).toEqual([
      'Bob@Example.com',
      'Bob@Example.com',
      null,
    ]);

    const paths = fake.requests.map((r) => r.path.replace('/api/v4/', ''));
    expect(paths.filter((p) => p === 'groups/acme%2Fsecurity')).toHaveLength(1);
    expect(paths.filter((p) => p === 'groups/acme%2Fsecurity/members/4')).toHaveLength(1);
    expect(paths.filter((p) => p === 'users/3')).toHaveLength(1);
  });

  it('reports a membership it could not read as unverified, and asks again for an email that failed', async () => {
    const directory = createOwnerDirectory(api, String(PROJECT_ID));
    fake.faults.status(503, { path: 'groups/*/members/*', times: Infinity });
    expect(await directory.membership(owner('@acme/security'), CAROL)).toEqual({
      unverified: expect.stringMatching(/^membership in @acme\/security could not be read/),
    });
    fake.faults.clear();
    fake.faults.status(503, { path: 'users/3', times: retry.maxAttempts });
    await expect(directory.publicEmail(BOB)).rejects.toThrow(/503/);
    expect(await directory.publicEmail(BOB)).toBe('Bob@Example.com');
  });
});

describe('at scale', () => {
  it('looks up 5,000 commits with one approvals request per merge request and a page per 100 merge requests', { timeout: 300_000 }, async () => {
    await fake.close();
    const count = 5000;
    const started = performance.now();
    await start(
      Array.from({ length: count }, (_, i) =>
        mergedRequest(i + 1, {
          commitCount: 1 + (i % 3),
          merge_commit_sha: i % 4 === 3 ? null : sha(`merge ${i + 1}`),
          squash_commit_sha: i % 4 === 3 ? sha(`squash ${i + 1}`) : null,
          approved_by: i % 2 ? [BOB] : [BOB, DAVE],
        }),
      ),
    );
    const seeded = performance.now();
    const landed = Array.from({ length: count }, (_, i) => sha(i % 4 === 3 ? `squash ${i + 1}` : `merge ${i + 1}`));
    const viaList = await lookup(landed);
    const listed = performance.now();
    expect(Object.values(summary(viaList))).toEqual(landed.map((_, i) => `!${i + 1}`));
    expect(requestsTo(LIST)).toHaveLength(count / 100);
    expect(requestsTo(PER_COMMIT)).toHaveLength(0);
    expect(requestsTo(APPROVALS)).toHaveLength(count);
    expect(fake.requests.length).toBeLessThanOrEqual(count + count / 100);

    // Nothing in the list (all updated before the period): every commit asked on its own.
    fake.requests.length = 0;
    const viaCommits = await lookup(landed, { updatedAfter: '2027-01-01T00:00:00.000Z' });
    const asked = performance.now();
    expect(Object.values(summary(viaCommits))).toEqual(landed.map((_, i) => `!${i + 1}`));
    expect(requestsTo(PER_COMMIT)).toHaveLength(count);
    console.info(
      `evidence lookup at scale: seeding ${count} merged MRs ${Math.round(seeded - started)} ms; ` +
        `${count} commits via the list ${Math.round(listed - seeded)} ms (${count / 100} pages + ${count} approvals); ` +
        `via ${count} per-commit requests ${Math.round(asked - listed)} ms (+ ${count} approvals)`,
    );
  });
});
