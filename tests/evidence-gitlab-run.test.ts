/**
 * `policylint evidence` with a token: the scenario history of evidence.test.ts, its merge requests
 * and approvals served by the fake GitLab and read by the real gitbeaker client. Approved, direct
 * push, author-only approval, owners changed mid-period, rename, deletion and review, then GitLab
 * failing: refused token, an outage mid-run. A failure never yields `met` or "no merge request".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { buildEvidence } from '../src/evidence/build.js';
import { openEvidenceSource } from '../src/evidence/source.js';
import type { ChangeVerdict, Evidence } from '../src/evidence/types.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { runCliAsync } from './support/cli.js';
import { buildScenarioHistory, DOCS, HistoryBuilder, PEOPLE, policy, scenarioSeed, TOKEN_VALUE, USERS } from './support/evidence-history.js';
import { fastRetry } from './mr-fixtures.js';
import path from 'node:path';

const PERIOD = ['--since', '2026-01-01', '--until', '2026-06-30', '--now', '2026-07-01T08:00:00Z'];

/** What each change of the scenario must be judged, in document order, then date order. */
const EXPECTED: Array<[path: string, step: string, verdict: ChangeVerdict]> = [
  [DOCS.access, 'approved', 'met'],
  [DOCS.access, 'old-owner', 'not-met'],
  [DOCS.backup, 'direct', 'not-met'],
  [DOCS.backup, 'author-only', 'not-met'],
  [DOCS.backup, 'review', 'met'],
  [DOCS.renamed, 'rename', 'met'],
  [DOCS.gone, 'delete', 'met'],
];

describe('evidence with GitLab', () => {
  let repo: HistoryBuilder;
  let fake: FakeGitLab;
  let env: Record<string, string>;
  beforeAll(async () => {
    repo = buildScenarioHistory();
    fake = await startFakeGitLab(scenarioSeed(repo));
    env = { GITLAB_TOKEN: TOKEN_VALUE, CI_SERVER_URL: fake.url, CI_PROJECT_ID: '42' };
  });
  afterAll(async () => {
    await fake.close();
    repo.dispose();
  });

  function changesOf(evidence: Evidence) {
    return evidence.documents.flatMap((doc) => doc.changes.map((change) => ({ doc, change })));
  }

  /** The evidence of a repository in process, with instant retries, against a fake GitLab. */
  async function evidenceOf(dir: string, server: FakeGitLab, since = '2026-01-01', until = '2026-06-30'): Promise<Evidence> {
    const source = await openEvidenceSource({ branch: 'main' }, { ...env, CI_SERVER_URL: server.url }, fastRetry());
    const config = loadConfig(path.join(dir, '.policylint.yml'));
    return buildEvidence({ config, since, until, now: new Date('2026-07-01T08:00:00Z'), ref: 'HEAD', gitlab: source.gitlab, notAsked: source.notAsked });
  }

  /** The scenario judged after `setUp` arranged the fake. */
  async function judge(setUp: () => void = () => {}): Promise<Evidence> {
    fake.faults.clear();
    setUp();
    return evidenceOf(repo.dir, fake);
  }

  it('judges each change from its merge request and approvals (CLI, project default branch from GitLab)', async () => {
    const result = await runCliAsync(['evidence', ...PERIOD, '--format', 'json'], { cwd: repo.dir, env });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const evidence = JSON.parse(result.stdout) as Evidence;
    expect(evidence.source).toEqual({ kind: 'gitlab', gitlabUrl: fake.url, project: '42', projectUrl: `${fake.url}/acme/handbook`, note: null });
    expect(changesOf(evidence).map(({ doc, change }) => [doc.path, change.commit, change.verdict])).toEqual(
      EXPECTED.map(([file, step, verdict]) => [file, repo.commits.get(step), verdict]),
    );
    expect(evidence.summary).toMatchObject({ documents: 4, changes: 7, met: 4, unverified: [] });
    expect(evidence.summary.notMet.map((ref) => [ref.path, ref.mergeRequest, ref.webUrl])).toEqual([
      [DOCS.access, 4, `${fake.url}/acme/handbook/-/merge_requests/4`],
      [DOCS.backup, null, null],
      [DOCS.backup, 2, `${fake.url}/acme/handbook/-/merge_requests/2`],
    ]);
    // The direct push has no merge request: its commit is linked.
    expect(evidence.summary.notMet[1]!.commitUrl).toBe(`${fake.url}/acme/handbook/-/commit/${repo.commits.get('direct')}`);
    expect(JSON.stringify(evidence)).not.toContain(TOKEN_VALUE);
  });

  it('shows who merged and who approved when, and why an approval did not count', async () => {
    const evidence = await judge();
    const [approved, oldOwner] = evidence.documents.find((d) => d.path === DOCS.access)!.changes;
    expect(approved!.mergeRequest).toEqual({
      iid: 1,
      title: 'Clarify access reviews',
      webUrl: `${fake.url}/acme/handbook/-/merge_requests/1`,
      mergedBy: 'maintainer',
      mergedAt: '2026-01-10T10:00:00.000Z',
      author: 'bob',
      source: 'gitlab',
    });
    expect(approved!.approvals).toEqual([
      { username: 'alice', trailer: null, approvedAt: '2026-01-10T09:00:00.000Z', source: 'gitlab', counted: true, why: null },
    ]);
    expect(approved!.requiredOwners.entries).toEqual([
      { section: 'Security', pattern: '/content/handbook/security/', line: 2, owners: ['@alice'], approvalsRequired: 1, approvalsCounted: 1 },
    ]);
    expect(approved).toMatchObject({ verdict: 'met', reasons: [], unverified: [] });

    // CODEOWNERS handed the folder to Carol on 02-15: Alice's approval of !4 no longer counts.
    expect(oldOwner!.requiredOwners.entries[0]!.owners).toEqual(['@carol']);
    expect(oldOwner!.approvals[0]).toMatchObject({ username: 'alice', counted: false, why: 'not a code owner of this entry' });
    expect(oldOwner!.reasons).toEqual(['[Security] /content/handbook/security/ needed 1 approval from @carol; 0 counted.']);

    const [direct, authorOnly] = evidence.documents.find((d) => d.path === DOCS.backup)!.changes;
    expect(direct).toMatchObject({ mergeRequest: null, approvals: [], verdict: 'not-met' });
    expect(direct!.reasons[0]).toMatch(/^Pushed directly: no merge request into main brought commit/);
    expect(authorOnly!.approvals[0]).toMatchObject({ username: 'bob', counted: false, why: 'author of the merge request' });
    expect(authorOnly!.reasons[0]).toBe('Only the author (@bob) approved it.');
  });

  it('asks GitLab in batches: one list page and one approvals call per merge request, never one call per commit in sequence', async () => {
    const before = fake.requests.length;
    await judge();
    const paths = fake.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p === 'GET /api/v4/projects/42/merge_requests')).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith('/approvals'))).toHaveLength(6);
    // Only the direct push is looked up on its own.
    expect(paths.filter((p) => /repository\/commits\/[0-9a-f]{40}\/merge_requests$/.test(p))).toEqual([
      `GET /api/v4/projects/42/repository/commits/${repo.commits.get('direct')}/merge_requests`,
    ]);
  });

  it('marks every change unverified when the token is refused, with what to do, and never shows the token', async () => {
    env.GITLAB_TOKEN = 'glpat-revoked-token-value';
    try {
      const result = await runCliAsync(['evidence', ...PERIOD, '--format', 'json', '--branch', 'main'], { cwd: repo.dir, env });
      expect(result.code).toBe(0);
      const evidence = JSON.parse(result.stdout) as Evidence;
      expect(new Set(changesOf(evidence).map(({ change }) => change.verdict))).toEqual(new Set(['unverified']));
      expect(evidence.summary.met).toBe(0);
      const reasons = changesOf(evidence).flatMap(({ change }) => change.reasons);
      expect(reasons.join('\n')).toMatch(/token was refused/);
      expect(result.stderr).toMatch(/GitLab could not be asked about 7 commits/);
      expect(result.stdout + result.stderr).not.toContain('glpat-revoked-token-value');
    } finally {
      env.GITLAB_TOKEN = TOKEN_VALUE;
    }
  });

  it('survives an outage mid-run: what GitLab answered is judged, the rest is unverified, nothing becomes met or a direct push', async () => {
    const evidence = await judge(() => fake.faults.outage({ after: 3, status: 503 }));
    const verdicts = changesOf(evidence).map(({ change }) => change.verdict);
    expect(verdicts).toContain('unverified');
    for (const [index, verdict] of verdicts.entries()) expect([EXPECTED[index]![2], 'unverified']).toContain(verdict);
    expect(evidence.source.note).toMatch(/GitLab could not be asked about \d+ commits?/);
    for (const { change } of changesOf(evidence).filter(({ change }) => change.verdict === 'unverified')) {
      expect(change.unverified).toContain('verdict');
      expect(change.reasons.join(' ')).toMatch(/503|stopped answering/);
    }
  });

  it('does not count an owner who wrote a commit of the merge request, as policylint mr would not', async () => {
    const seed = scenarioSeed(repo);
    seed.users = seed.users!.map((user) => (user.username === 'carol' ? { ...user, public_email: 'Carol@Example.com' } : user));
    seed.merge_requests = seed.merge_requests!.map((mr) =>
      mr.iid === 5 ? { ...mr, commits: mr.commits!.map((commit) => ({ ...commit, author_email: 'carol@example.com' })) } : mr,
    );
    const own = await startFakeGitLab(seed);
    try {
      const evidence = await evidenceOf(repo.dir, own, '2026-03-10', '2026-03-10');
      const [rename] = changesOf(evidence).map(({ change }) => change);
      expect(rename).toMatchObject({ action: 'renamed', verdict: 'not-met' });
      expect(rename!.approvals[0]).toMatchObject({ username: 'carol', counted: false, why: 'pushed or authored commits of the merge request' });
    } finally {
      await own.close();
    }
  });

  it("judges committers by the config of the change's day, not by a later one that lets them approve", async () => {
    const doc = 'content/policy.md';
    const own = new HistoryBuilder(
      { '.policylint.yml': 'extends: gitlab-handbook\n', CODEOWNERS: '* @carol\n', [doc]: policy('Policy') },
      '2025-12-01T00:00:00Z',
    );
    const merged = own.merge('edit', 1, PEOPLE.bob, '2026-03-10T10:00:00Z', 'Edit', { [doc]: `${policy('Policy')}\nEdited.\n` });
    own.push('allow', PEOPLE.alice, '2026-05-01T10:00:00Z', 'Let committers approve', {
      '.policylint.yml': 'extends: gitlab-handbook\nmergeRequest:\n  committersMayApprove: true\n',
    });
    const server = await startFakeGitLab({
      users: [
        { id: USERS.bot, username: 'policylint-bot', bot: true },
        { id: USERS.bob, username: 'bob' },
        { id: USERS.carol, username: 'carol', public_email: 'carol@example.com' },
      ],
      tokens: [{ token: TOKEN_VALUE, user_id: USERS.bot, scopes: ['read_api'] }],
      projects: [{ id: 42, path_with_namespace: 'acme/handbook', default_branch: 'main' }],
      merge_requests: [
        {
          project_id: 42,
          iid: 1,
          state: 'merged',
          title: 'Edit',
          author_id: USERS.bob,
          source_branch: 'mr-1',
          target_branch: 'main',
          // Carol wrote a commit of it, then approved it.
          commits: own.branchCommits.get('edit')!.map((id) => ({ id, message: 'Edit', author_email: 'carol@example.com' })),
          merged_by: USERS.bob,
          merged_at: '2026-03-10T10:00:00.000Z',
          merge_commit_sha: merged,
          approved_by: [{ user_id: USERS.carol, approved_at: '2026-03-10T09:00:00.000Z' }],
        },
      ],
    });
    try {
      const evidence = await evidenceOf(own.dir, server);
      const [change] = evidence.documents[0]!.changes;
      expect(change).toMatchObject({ commit: merged, verdict: 'not-met' });
      expect(change!.approvals[0]).toMatchObject({ username: 'carol', counted: false, why: 'pushed or authored commits of the merge request' });
    } finally {
      await server.close();
      own.dispose();
    }
  });

  it('exports git-only evidence when GitLab cannot be read at all', async () => {
    const evidence = await judge(() => fake.faults.outage({ status: 500 }));
    expect(evidence.source.kind).toBe('gitlab');
    expect(new Set(changesOf(evidence).map(({ change }) => change.verdict))).toEqual(new Set(['unverified']));
    // The merge request the commit message names is still shown, marked as read from git.
    expect(changesOf(evidence)[0]!.change.mergeRequest).toMatchObject({ iid: 1, source: 'git' });
  });
});
