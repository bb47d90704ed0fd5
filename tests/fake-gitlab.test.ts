import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Gitlab, GitbeakerRequestError, GitbeakerRetryError, GitbeakerTimeoutError } from '@gitbeaker/rest';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { paginate } from './fake-gitlab/http.js';
import { addressableLines, seedFromJson, startFakeGitLab, type FakeGitLab, type SeedData, type SeedMergeRequest } from './fake-gitlab/server.js';

const BOT = 1;
const ALICE = 2;
const CAROL = 4;
const ERIN = 5;
const FRANK = 6;
const PROJECT = 'acme/security/handbook';
const REFS = { base_sha: 'b'.repeat(40), start_sha: 's'.repeat(40), head_sha: 'h'.repeat(40) };

// docs/policy.md: context 1/1, removed old 2, added new 2 and 3, context 3/4 and 4/5.
const POLICY_DIFF = '@@ -1,4 +1,5 @@\n ---\n-title: Old\n+title: Access policy\n+owner: alice\n ---\n # Policy\n';

/** 40-character SHA made of a two-digit number repeated. */
const sha = (n: number) => String(n).padStart(2, '0').repeat(20);

function seed(): SeedData {
  const filler = Array.from({ length: 44 }, (_, i) => ({ new_path: `docs/page-${String(i).padStart(2, '0')}.md`, diff: '@@ -1 +1 @@\n-a\n+b\n' }));
  // Newest first, as GitLab lists them: commit 25 is the head.
  const commits = Array.from({ length: 25 }, (_, i) => ({
    id: sha(25 - i),
    message: `Edit ${25 - i}`,
    author_name: 'Alice',
    author_email: 'alice@example.com',
  }));
  const hotfixes = Array.from({ length: 22 }, (_, i) => ({ name: `hotfix/${String(i).padStart(2, '0')}` }));
  return {
    users: [
      { id: BOT, username: 'policylint-bot', name: 'Policylint', bot: true },
      { id: ALICE, username: 'alice', name: 'Alice' },
      { id: 3, username: 'bob' },
      { id: CAROL, username: 'carol' },
      { id: ERIN, username: 'erin', name: 'Erin', state: 'blocked' },
      { id: FRANK, username: 'frank', state: 'deactivated' },
    ],
    tokens: [
      { token: 'bot-token', user_id: BOT },
      { token: 'alice-token', user_id: ALICE },
      { token: 'read-only', user_id: 3, scopes: ['read_api'] },
      { token: 'ci-job-token', user_id: BOT, kind: 'job' },
    ],
    groups: [
      {
        id: 10,
        full_path: 'acme',
        members: [
          { user_id: ALICE, access_level: 50 },
          { user_id: 3, access_level: 20 },
        ],
      },
      { id: 11, full_path: 'acme/security', members: [{ user_id: 4, access_level: 30 }] },
      {
        id: 12,
        full_path: 'acme/auditors',
        visibility: 'private',
        members: [
          { user_id: ERIN, access_level: 30 },
          { user_id: FRANK, access_level: 30, membership_state: 'awaiting' },
        ],
      },
    ],
    projects: [
      {
        id: 42,
        path_with_namespace: PROJECT,
        files: {
          main: { '.gitlab/CODEOWNERS': '[Policies]\n/docs/ @alice\n' },
          feature: { '.gitlab/CODEOWNERS': '[Policies]\n/docs/ @bob\n' },
        },
        members: [
          { user_id: BOT, access_level: 30 },
          { user_id: 3, access_level: 40 },
        ],
        only_allow_merge_if_pipeline_succeeds: true,
        ci_config_path: '.gitlab/ci.yml@acme/ci-config',
        approval_settings: { merge_requests_disable_committers_approval: true },
        protected_branches: [
          {
            name: 'main',
            code_owner_approval_required: true,
            push_access_levels: [{ access_level: 0 }],
            merge_access_levels: [{ access_level: 40 }, { user_id: ALICE }],
          },
          { name: 'release/*' },
          ...hotfixes,
        ],
      },
    ],
    merge_requests: [
      {
        project_id: 42,
        iid: 7,
        author_id: ALICE,
        diff_refs: REFS,
        diffs: [{ new_path: 'docs/policy.md', diff: POLICY_DIFF }, ...filler],
        notes: [{ body: 'added 1 commit', author_id: ALICE, system: true }],
        commits,
        approved_by: [{ user_id: CAROL, approved_at: '2025-12-31T23:00:00.000Z' }],
        approval_rules: [
          { id: 77, name: '/docs/', rule_type: 'code_owner', section: 'Policies', eligible_approver_ids: [ALICE] },
          { id: 78, name: 'Security', rule_type: 'regular', group_ids: [11] },
        ],
      },
    ],
  };
}

let fake: FakeGitLab;
let api: InstanceType<typeof Gitlab>;

beforeEach(async () => {
  fake = await startFakeGitLab(seed());
  api = new Gitlab({ host: fake.url, token: 'bot-token' });
});
afterEach(async () => {
  await fake.close();
});

const position = (lines: { new_line?: string; old_line?: string }, refs = REFS) => ({
  positionType: 'text' as const,
  baseSha: refs.base_sha,
  startSha: refs.start_sha,
  headSha: refs.head_sha,
  oldPath: 'docs/policy.md',
  newPath: 'docs/policy.md',
  ...(lines.new_line ? { newLine: lines.new_line } : {}),
  ...(lines.old_line ? { oldLine: lines.old_line } : {}),
});

async function rejection(promise: Promise<unknown>): Promise<GitbeakerRequestError & { cause: { response: Response } }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GitbeakerRequestError);
  return error as GitbeakerRequestError & { cause: { response: Response } };
}

const apiRequests = (suffix: string) => fake.requests.filter((r) => r.path.endsWith(suffix));

describe('pagination', () => {
  it('follows Link rel=next until the last page', async () => {
    const diffs = await api.MergeRequests.allDiffs(42, 7);
    expect(diffs).toHaveLength(45);
    expect(apiRequests('/diffs').map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
  });

  it('stops after maxPages and serves a single page when page is given', async () => {
    const capped = await api.MergeRequests.allDiffs(42, 7, { perPage: 10, maxPages: 2 });
    expect(capped.map((d) => d.new_path)).toEqual(['docs/policy.md', ...Array.from({ length: 19 }, (_, i) => `docs/page-${String(i).padStart(2, '0')}.md`)]);
    const second = await api.MergeRequests.allDiffs(42, 7, { page: 2, perPage: 20 });
    expect(second[0]?.new_path).toBe('docs/page-19.md');
    expect(second).toHaveLength(20);
  });

  it('reports totals and caps per_page at 100', async () => {
    const expanded = await api.MergeRequests.allDiffs(42, 7, { perPage: 500, showExpanded: true });
    expect(expanded.paginationInfo).toMatchObject({ total: 45, perPage: 100, totalPages: 1, next: null, current: 1 });
  });
});

describe('notes', () => {
  it('creates, edits and lists notes newest first by default', async () => {
    const created = await api.MergeRequestNotes.create(42, 7, '<!-- policylint -->\nfirst');
    expect(created).toMatchObject({ body: '<!-- policylint -->\nfirst', system: false, author: { id: BOT, username: 'policylint-bot' } });

    const edited = await api.MergeRequestNotes.edit(42, 7, created.id, { body: '<!-- policylint -->\nsecond' });
    expect(edited.body).toBe('<!-- policylint -->\nsecond');
    expect((await api.MergeRequestNotes.show(42, 7, created.id)).body).toBe('<!-- policylint -->\nsecond');

    const newestFirst = await api.MergeRequestNotes.all(42, 7);
    expect(newestFirst.map((n) => n.system)).toEqual([false, true]);
    const oldestFirst = await api.MergeRequestNotes.all(PROJECT, 7, { sort: 'asc' });
    expect(oldestFirst.map((n) => n.id)).toEqual(newestFirst.map((n) => n.id).reverse());
  });

  it("refuses to edit another user's note and rejects an empty body", async () => {
    const [systemNote] = await api.MergeRequestNotes.all(42, 7);
    const forbidden = await rejection(api.MergeRequestNotes.edit(42, 7, systemNote!.id, { body: 'x' }));
    expect(forbidden.cause.response.status).toBe(403);

    const missing = await rejection(api.MergeRequestNotes.create(42, 7, ''));
    expect(missing.cause.response.status).toBe(400);
    expect(missing.message).toBe('body is missing');
  });

  it('saves no note for a body made only of quick actions, and records what would run', async () => {
    await api.MergeRequestNotes.create(42, 7, '/approve');
    await api.MergeRequestNotes.create(42, 7, 'cc @alice and `@bob`, not @\u200Bcarol\n> /merge');
    expect(apiRequests('/notes').map((r) => r.status)).toEqual([202, 201]);
    expect(fake.state.textEffects).toEqual([
      { note_id: null, quick_actions: [{ command: 'approve', arg: '' }], mentions: [] },
      { note_id: expect.any(Number), quick_actions: [], mentions: ['alice'] },
    ]);
  });
});

describe('discussions', () => {
  it('accepts a diff note on an added line and on a context line, sent as multipart position[...] fields', async () => {
    const added = await api.MergeRequestDiscussions.create(42, 7, 'owner missing', { position: position({ new_line: '3' }) });
    expect(added.notes?.[0]).toMatchObject({ type: 'DiffNote', position: { new_line: 3, old_line: null, new_path: 'docs/policy.md' } });
    const context = await api.MergeRequestDiscussions.create(42, 7, 'context', { position: position({ old_line: '3', new_line: '4' }) });
    expect(context.notes?.[0]?.type).toBe('DiffNote');
    expect(apiRequests('/discussions')[0]?.body).toMatchObject({ body: 'owner missing', position: { position_type: 'text', new_line: '3' } });
  });

  it('accepts the position as a JSON object or as urlencoded position[...] fields', async () => {
    const url = `${fake.url}/api/v4/projects/42/merge_requests/7/discussions`;
    const fields = { position_type: 'text', ...REFS, old_path: 'docs/policy.md', new_path: 'docs/policy.md', old_line: 2 };
    const json = await fetch(url, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': 'bot-token', 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'removed line', position: fields }),
    });
    expect(json.status).toBe(201);
    const form = new URLSearchParams({ body: 'removed line' });
    for (const [key, value] of Object.entries(fields)) form.set(`position[${key}]`, String(value));
    const urlencoded = await fetch(url, { method: 'POST', headers: { 'PRIVATE-TOKEN': 'bot-token' }, body: form });
    expect(urlencoded.status).toBe(201);
    expect(await urlencoded.json()).toMatchObject({ notes: [{ position: { old_line: 2, new_line: null } }] });
  });

  it('answers 400 line_code for lines outside the diff, wrong old/new pairs and stale SHAs', async () => {
    const lineCode = '400 Bad request - Note {:line_code=>["can\'t be blank", "must be a valid line code"]}';
    for (const lines of [{ new_line: '40' }, { new_line: '1' }, { old_line: '2', new_line: '2' }]) {
      const error = await rejection(api.MergeRequestDiscussions.create(42, 7, 'x', { position: position(lines) }));
      expect(error.cause.response.status).toBe(400);
      expect(error.message).toBe(lineCode);
    }
    fake.state.pushVersion(fake.state.mergeRequest(42, 7)!, { ...REFS, head_sha: 'n'.repeat(40) }, [{ new_path: 'docs/policy.md', diff: POLICY_DIFF }]);
    const stale = await rejection(api.MergeRequestDiscussions.create(42, 7, 'x', { position: position({ new_line: '3' }) }));
    expect(stale.message).toBe(lineCode);
    expect(fake.state.mergeRequest(42, 7)!.discussions).toHaveLength(1); // only the seeded system note
    const missingSha = await rejection(api.MergeRequestDiscussions.create(42, 7, 'x', { position: { ...position({ new_line: '3' }), baseSha: '' } }));
    expect(missingSha.message).toBe('position[base_sha] is missing');
  });

  it('replies to and resolves a thread, but not a standalone system note', async () => {
    const thread = await api.MergeRequestDiscussions.create(42, 7, 'please fix');
    const reply = await api.MergeRequestDiscussions.addNote(42, 7, thread.id, 'fixed', {});
    expect(reply).toMatchObject({ type: 'DiscussionNote', body: 'fixed', resolvable: true });

    const resolved = await api.MergeRequestDiscussions.resolve(42, 7, thread.id, true);
    expect(resolved.notes).toMatchObject([{ resolved: true, resolved_by: { id: BOT } }, { resolved: true }]);

    const systemThread = fake.state.mergeRequest(42, 7)!.discussions[0]!;
    const error = await rejection(api.MergeRequestDiscussions.resolve(42, 7, systemThread.id, true));
    expect(error.cause.response.status).toBe(403);
  });
});

describe('read endpoints', () => {
  it('reports approvals and code-owner approval state', async () => {
    const approvals = await api.MergeRequestApprovals.showConfiguration(42, { mergerequestIId: 7 });
    expect(approvals).toMatchObject({ approvals_required: 2, approvals_left: 1, approved_by: [{ user: { username: 'carol' } }] });

    const approvalState = await api.MergeRequestApprovals.showApprovalState(42, 7);
    expect(approvalState.rules).toMatchObject([
      { name: '/docs/', rule_type: 'code_owner', code_owner: true, section: 'Policies', approved: false, approved_by: [] },
      { name: 'Security', rule_type: 'regular', code_owner: false, approved: true, approved_by: [{ username: 'carol' }] },
    ]);

    const mr = fake.state.mergeRequest(42, 7)!;
    fake.state.approve(mr, ALICE);
    fake.state.addSystemNote(mr, 'approved this merge request', ALICE);
    expect((await api.MergeRequestApprovals.showApprovalState(42, 7)).rules).toMatchObject([{ approved: true }, { approved: true }]);
    expect((await api.MergeRequestNotes.all(42, 7))[0]).toMatchObject({ system: true, body: 'approved this merge request' });
  });

  it('serves files at a ref, raw and base64, and 404s a missing file', async () => {
    expect(await api.RepositoryFiles.showRaw(PROJECT, '.gitlab/CODEOWNERS', 'main')).toBe('[Policies]\n/docs/ @alice\n');
    expect(await api.RepositoryFiles.showRaw(42, '.gitlab/CODEOWNERS', 'feature')).toBe('[Policies]\n/docs/ @bob\n');
    expect(apiRequests('/raw')[0]?.path).toBe('/api/v4/projects/acme%2Fsecurity%2Fhandbook/repository/files/.gitlab%2FCODEOWNERS/raw');

    const file = await api.RepositoryFiles.show(42, '.gitlab/CODEOWNERS', 'main');
    expect(Buffer.from(file.content, 'base64').toString('utf8')).toBe('[Policies]\n/docs/ @alice\n');

    const missing = await rejection(api.RepositoryFiles.showRaw(42, 'CODEOWNERS', 'main'));
    expect(missing.message).toBe('404 File Not Found');
  });

  it('looks projects up by path and merges inherited members at their highest access level', async () => {
    expect(await api.Projects.show(PROJECT)).toMatchObject({ id: 42, default_branch: 'main' });
    const direct = await api.ProjectMembers.all(42);
    expect(direct.map((m) => [m.username, m.access_level])).toEqual([
      ['policylint-bot', 30],
      ['bob', 40],
    ]);
    const all = await api.ProjectMembers.all(42, { includeInherited: true });
    expect(all.map((m) => [m.username, m.access_level]).sort()).toEqual([
      ['alice', 50],
      ['bob', 40],
      ['carol', 30],
      ['policylint-bot', 30],
    ]);
    const missing = await rejection(api.MergeRequests.show(42, 999));
    expect(missing.message).toBe('404 Merge Request Not Found');
  });

  it('resolves groups by path and their inherited members', async () => {
    expect(await api.Groups.show('acme/security')).toMatchObject({ id: 11, full_path: 'acme/security' });
    const members = await api.GroupMembers.all(11, { includeInherited: true });
    expect(members.map((m) => [m.username, m.access_level])).toEqual([
      ['alice', 50],
      ['bob', 20],
      ['carol', 30],
    ]);
  });

  it('moves diff_refs and versions forward on a push', async () => {
    const mr = fake.state.mergeRequest(42, 7)!;
    fake.state.pushVersion(mr, { ...REFS, head_sha: 'n'.repeat(40) }, []);
    expect(await api.MergeRequests.show(42, 7)).toMatchObject({ sha: 'n'.repeat(40), diff_refs: { head_sha: 'n'.repeat(40) }, changes_count: '0' });
    const versions = await api.MergeRequests.allDiffVersions(42, 7);
    expect(versions.map((v) => v.head_commit_sha)).toEqual(['n'.repeat(40), REFS.head_sha]);
  });
});

describe('settings a code-owner control relies on', () => {
  it('reports the merge settings of a project, and GitLab defaults when none are seeded', async () => {
    expect(await api.Projects.show(PROJECT)).toMatchObject({
      visibility: 'private',
      only_allow_merge_if_pipeline_succeeds: true,
      allow_merge_on_skipped_pipeline: false,
      only_allow_merge_if_all_discussions_are_resolved: false,
      ci_config_path: '.gitlab/ci.yml@acme/ci-config',
    });
    const bare = await startFakeGitLab({
      users: [{ id: 1, username: 'bot' }],
      tokens: [{ token: 't', user_id: 1 }],
      projects: [{ id: 5, path_with_namespace: 'a/b' }],
    });
    try {
      expect(await new Gitlab({ host: bare.url, token: 't' }).Projects.show(5)).toMatchObject({
        only_allow_merge_if_pipeline_succeeds: false,
        allow_merge_on_skipped_pipeline: false,
        only_allow_merge_if_all_discussions_are_resolved: false,
        ci_config_path: null,
      });
    } finally {
      await bare.close();
    }
  });

  it('serves project-level approval settings, or the 403/404 GitLab gives a Developer token or a CE instance', async () => {
    expect(await api.MergeRequestApprovals.showConfiguration(42)).toEqual({
      approvers: [],
      approver_groups: [],
      approvals_before_merge: 0,
      reset_approvals_on_push: true,
      selective_code_owner_removals: false,
      disable_overriding_approvers_per_merge_request: false,
      merge_requests_author_approval: false,
      merge_requests_disable_committers_approval: true,
      require_password_to_approve: false,
      require_reauthentication_to_approve: false,
    });
    const project = fake.state.project(42)!;
    project.approval_settings_endpoint = 'forbidden';
    const forbidden = await rejection(api.MergeRequestApprovals.showConfiguration(42));
    expect([forbidden.cause.response.status, forbidden.message]).toEqual([403, '403 Forbidden']);
    project.approval_settings_endpoint = 'absent';
    const absent = await rejection(api.MergeRequestApprovals.showConfiguration(42));
    expect([absent.cause.response.status, absent.message]).toEqual([404, '404 Not Found']);
  });

  it('lists protected branches page by page and finds one only by its own name or wildcard', async () => {
    const branches = await api.ProtectedBranches.all(42);
    expect(branches).toHaveLength(24);
    expect(apiRequests('/protected_branches').map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    expect(branches[0]).toEqual({
      id: expect.any(Number),
      name: 'main',
      push_access_levels: [{ id: expect.any(Number), access_level: 0, access_level_description: 'No one', user_id: null, group_id: null }],
      merge_access_levels: [
        { id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null },
        { id: expect.any(Number), access_level: null, access_level_description: 'Alice', user_id: ALICE, group_id: null },
      ],
      allow_force_push: false,
      unprotect_access_levels: [],
      code_owner_approval_required: true,
      inherited: false,
    });

    const wildcard = await api.ProtectedBranches.show(42, 'release/*');
    expect(fake.requests.at(-1)?.path).toBe('/api/v4/projects/42/protected_branches/release%2F*');
    expect(wildcard).toMatchObject({ name: 'release/*', code_owner_approval_required: false, merge_access_levels: [{ access_level: 40 }] });
    const matchingBranch = await rejection(api.ProtectedBranches.show(42, 'release/1.0'));
    expect([matchingBranch.cause.response.status, matchingBranch.message]).toEqual([404, '404 Not found']);
    expect((await api.ProtectedBranches.all(42, { search: 'release' })).map((b) => b.name)).toEqual(['release/*']);
  });

  it('lets a read_api token read every settings, branch, commit and member route', async () => {
    const readOnly = new Gitlab({ host: fake.url, token: 'read-only' }); // bob: member of acme, above the private group
    const reads = await Promise.all([
      readOnly.Projects.show(42),
      readOnly.MergeRequestApprovals.showConfiguration(42),
      readOnly.ProtectedBranches.all(42),
      readOnly.ProtectedBranches.show(42, 'main'),
      readOnly.MergeRequests.allCommits(42, 7),
      readOnly.ProjectMembers.show(42, ALICE, { includeInherited: true }),
      readOnly.GroupMembers.show(12, ERIN),
      readOnly.Users.all({ username: 'erin' }),
    ]);
    expect(reads).toHaveLength(8);
  });
});

describe('members, users and group visibility', () => {
  it('shows one project or group member, directly or with inherited access', async () => {
    expect(await api.ProjectMembers.show(42, ALICE, { includeInherited: true })).toMatchObject({
      username: 'alice',
      access_level: 50,
      state: 'active',
      membership_state: 'active',
    });
    const notDirect = await rejection(api.ProjectMembers.show(42, ALICE));
    expect([notDirect.cause.response.status, notDirect.message]).toEqual([404, '404 Not found']);
    expect(await api.GroupMembers.show(11, CAROL)).toMatchObject({ username: 'carol', access_level: 30 });
    expect(await api.GroupMembers.show(11, ALICE, { includeInherited: true })).toMatchObject({ username: 'alice', access_level: 50 });
  });

  it('hides a private group and its members behind 404 from users outside it and the groups above it', async () => {
    const hiddenFromBot = [
      () => api.Groups.show(12),
      () => api.GroupMembers.all(12),
      () => api.GroupMembers.all(12, { includeInherited: true }),
      () => api.GroupMembers.show(12, ERIN),
      () => api.GroupMembers.show(12, ERIN, { includeInherited: true }),
    ];
    for (const call of hiddenFromBot) {
      const hidden = await rejection(call());
      expect([hidden.cause.response.status, hidden.message]).toEqual([404, '404 Group Not Found']);
    }

    const alice = new Gitlab({ host: fake.url, token: 'alice-token' }); // Owner of acme
    expect(await alice.GroupMembers.show(12, ERIN)).toMatchObject({ username: 'erin', state: 'blocked', membership_state: 'active' });
    expect(await alice.GroupMembers.show(12, FRANK)).toMatchObject({ state: 'deactivated', membership_state: 'awaiting' });
    expect(await alice.GroupMembers.show(12, ALICE, { includeInherited: true })).toMatchObject({ access_level: 50 });
    const notMember = await rejection(alice.GroupMembers.show(12, CAROL));
    expect([notMember.cause.response.status, notMember.message]).toEqual([404, '404 Not found']);
  });

  it('finds blocked and deactivated users by username, as GitLab lists them to signed-in users', async () => {
    expect(await api.Users.all({ username: 'ERIN' })).toMatchObject([{ id: ERIN, state: 'blocked' }]);
    expect(await api.Users.all({ username: 'frank' })).toMatchObject([{ id: FRANK, state: 'deactivated' }]);
  });
});

describe('merge request commits, pushes and approvals', () => {
  it('reports when each approval was given and the state of each approver', async () => {
    fake.state.approve(fake.state.mergeRequest(42, 7)!, ERIN);
    const approvals = await api.MergeRequestApprovals.showConfiguration(42, { mergerequestIId: 7 });
    expect(approvals.approved_by).toEqual([
      { user: expect.objectContaining({ username: 'carol', state: 'active' }), approved_at: '2025-12-31T23:00:00.000Z' },
      { user: expect.objectContaining({ username: 'erin', state: 'blocked' }), approved_at: expect.stringMatching(/^2026-01-01T/) },
    ]);
  });

  it('lists the commits newest first, page by page', async () => {
    const commits = await api.MergeRequests.allCommits(42, 7);
    expect(commits.map((c) => c.title)).toEqual(Array.from({ length: 25 }, (_, i) => `Edit ${25 - i}`));
    expect(apiRequests('/commits').map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
    const [head] = commits;
    expect(head).toEqual({
      id: sha(25),
      short_id: '25252525',
      title: 'Edit 25',
      message: 'Edit 25',
      author_name: 'Alice',
      author_email: 'alice@example.com',
      authored_date: expect.stringMatching(/^2026-01-01T/),
      committer_name: 'Alice',
      committer_email: 'alice@example.com',
      committed_date: head!.authored_date,
      created_at: head!.authored_date,
      trailers: {},
      extended_trailers: {},
      web_url: `${fake.url}/${PROJECT}/-/commit/${sha(25)}`,
    });
    const dates = commits.map((c) => String(c.authored_date));
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it('simulates a push: a new version and commits, the system notes GitLab writes, and the approval reset', async () => {
    const mr = fake.state.mergeRequest(42, 7)!;
    const head = 'n'.repeat(40);
    const pushed = fake.state.push(mr, {
      refs: { ...REFS, head_sha: head },
      diffs: [{ new_path: 'docs/policy.md', diff: POLICY_DIFF }],
      by: ALICE,
      commits: [
        { id: 'f'.repeat(40), message: 'Owner <alice> & co\n\nDetails' },
        { id: 'e'.repeat(40), message: 'Retitle' },
      ],
    });
    expect(pushed.removedApproverIds).toEqual([CAROL]);

    const [resetNote, commitsNote] = await api.MergeRequestNotes.all(42, 7);
    expect(commitsNote).toMatchObject({
      system: true,
      author: { id: ALICE },
      body:
        'added 2 commits\n\n<ul><li>eeeeeeee - Retitle</li><li>ffffffff - Owner &lt;alice&gt; &amp; co</li></ul>\n\n' +
        `[Compare with previous version](/${PROJECT}/-/merge_requests/7/diffs?diff_id=${pushed.version.id}&start_sha=${REFS.head_sha})`,
    });
    expect(resetNote).toMatchObject({ system: true, author: { id: ALICE }, body: 'reset approvals from @carol by pushing to the branch' });
    expect((await api.MergeRequestApprovals.showConfiguration(42, { mergerequestIId: 7 })).approved_by).toEqual([]);

    expect((await api.MergeRequests.allCommits(42, 7)).slice(0, 3).map((c) => c.short_id)).toEqual(['ffffffff', 'eeeeeeee', '25252525']);
    const [latest, first] = await api.MergeRequests.allDiffVersions(42, 7);
    expect(latest).toMatchObject({ id: pushed.version.id, head_commit_sha: head });
    // gitbeaker types this response as a camelized/raw union, whose arrays cannot be mapped directly.
    const commitIds = (version: { commits: unknown }) => (version.commits as { id: string }[]).map((c) => c.id);
    expect(commitIds(await api.MergeRequests.showDiffVersion(42, 7, latest!.id)).slice(0, 3)).toEqual(['f'.repeat(40), 'e'.repeat(40), sha(25)]);
    expect(commitIds(await api.MergeRequests.showDiffVersion(42, 7, first!.id))[0]).toBe(sha(25));
    expect(await api.MergeRequests.show(42, 7)).toMatchObject({ sha: head, author: { id: ALICE, username: 'alice', state: 'active' } });
  });

  it('removes only code-owner approvals whose files changed when the project keeps approvals on push', async () => {
    const terms = { new_path: 'legal/terms.md', diff: '@@ -1 +1 @@\n-a\n+b\n' };
    const mr = fake.state.addMergeRequest({
      project_id: 42,
      iid: 8,
      author_id: 3,
      diff_refs: REFS,
      diffs: [{ new_path: 'docs/policy.md', diff: POLICY_DIFF }, terms],
      approved_by: [ALICE, 3, CAROL],
      approval_rules: [
        { id: 80, name: '/docs/', rule_type: 'code_owner', eligible_approver_ids: [ALICE] },
        { id: 81, name: 'terms.md', rule_type: 'code_owner', eligible_approver_ids: [3] },
        { id: 82, name: 'Security', rule_type: 'regular', group_ids: [11] },
      ],
    });
    const settings = fake.state.project(42)!.approval_settings;
    settings.reset_approvals_on_push = false;
    settings.selective_code_owner_removals = true;
    const reworded = { new_path: 'docs/policy.md', diff: POLICY_DIFF.replace('Access policy', 'Access control policy') };

    const selective = fake.state.push(mr, {
      refs: { ...REFS, head_sha: 'n'.repeat(40) },
      diffs: [reworded, terms],
      by: 3,
      commits: [{ id: 'f'.repeat(40), message: 'Reword' }],
    });
    expect(selective.removedApproverIds).toEqual([ALICE]);
    expect(selective.approvalsResetNote?.body).toBe('reset approvals from @alice by pushing to the branch');
    expect(mr.approved_by.map((a) => a.user_id)).toEqual([3, CAROL]);

    settings.selective_code_owner_removals = false;
    const kept = fake.state.push(mr, {
      refs: { ...REFS, head_sha: 'm'.repeat(40) },
      diffs: [terms],
      by: 3,
      commits: [{ id: 'e'.repeat(40), message: 'Revert' }],
    });
    expect(kept).toMatchObject({ removedApproverIds: [], approvalsResetNote: null });
    expect(kept.commitsNote.body).toMatch(/^added 1 commit\n\n<ul><li>eeeeeeee - Revert<\/li><\/ul>/);
  });
});

describe('authentication', () => {
  it('answers 401 for an unknown token and for CI_JOB_TOKEN on MR notes', async () => {
    const badToken = await rejection(new Gitlab({ host: fake.url, token: 'nope' }).Users.showCurrentUser());
    expect(badToken.cause.response.status).toBe(401);
    expect(badToken.message).toBe('401 Unauthorized');

    const jobApi = new Gitlab({ host: fake.url, jobToken: 'ci-job-token' });
    const jobToken = await rejection(jobApi.MergeRequestNotes.create(42, 7, 'hi'));
    expect(jobToken.cause.response.status).toBe(401);
    const job = await fetch(`${fake.url}/api/v4/job`, { headers: { 'JOB-TOKEN': 'ci-job-token' } });
    expect(job.status).toBe(200);
  });

  it('accepts Bearer tokens and refuses writes with a read_api token', async () => {
    expect(await new Gitlab({ host: fake.url, oauthToken: 'bot-token' }).Users.showCurrentUser()).toMatchObject({ id: BOT, bot: true });
    const readOnly = await rejection(new Gitlab({ host: fake.url, token: 'read-only' }).MergeRequestNotes.create(42, 7, 'hi'));
    expect(readOnly.cause.response.status).toBe(403);
    expect(readOnly.message).toBe('insufficient_scope');
  });
});

describe('faults', () => {
  it('lets gitbeaker retry a 429 (it ignores Retry-After) and gives up on a 503', async () => {
    fake.faults.status(429, { retryAfter: 30, times: 2, method: 'POST', path: 'projects/*/merge_requests/*/notes' });
    await api.MergeRequestNotes.create(42, 7, 'after throttling');
    expect(apiRequests('/notes').map((r) => r.status)).toEqual([429, 429, 201]);
    expect(fake.faults.pending).toBe(0);

    fake.faults.status(503);
    const unavailable = await rejection(api.Users.showCurrentUser());
    expect(unavailable.cause.response.status).toBe(503);
    expect(apiRequests('/user')).toHaveLength(1);
  });

  it('surfaces exhausted 429 retries as GitbeakerRetryError', async () => {
    fake.faults.status(429, { times: Infinity });
    await expect(api.Users.showCurrentUser()).rejects.toBeInstanceOf(GitbeakerRetryError);
    expect(apiRequests('/user')).toHaveLength(10);
  });

  it('surfaces a reset connection and a hung response as errors', async () => {
    fake.faults.reset({ path: 'user' });
    await expect(api.Users.showCurrentUser()).rejects.toThrow(/fetch failed/);

    fake.faults.timeout({ path: 'user' });
    const impatient = new Gitlab({ host: fake.url, token: 'bot-token', queryTimeout: 200 });
    await expect(impatient.Users.showCurrentUser()).rejects.toBeInstanceOf(GitbeakerTimeoutError);
    expect(apiRequests('/user').map((r) => [r.fault, r.status])).toEqual([
      ['reset', null],
      ['timeout', null],
    ]);
  });

  it('applies a POST whose response is lost, so a blind retry duplicates the note', async () => {
    fake.faults.lostResponse({ method: 'POST', path: 'projects/*/merge_requests/*/notes' });
    await expect(api.MergeRequestNotes.create(42, 7, 'report')).rejects.toThrow();
    await api.MergeRequestNotes.create(42, 7, 'report');
    const bodies = fake.state.notesOf(fake.state.mergeRequest(42, 7)!).map((n) => n.body);
    expect(bodies.filter((b) => b === 'report')).toHaveLength(2);
  });

  it('can hang after applying the write, until the client times out', async () => {
    fake.faults.lostResponse({ method: 'POST', then: 'hang' });
    const impatient = new Gitlab({ host: fake.url, token: 'bot-token', queryTimeout: 200 });
    await expect(impatient.MergeRequestDiscussions.create(42, 7, 'thread')).rejects.toBeInstanceOf(GitbeakerTimeoutError);
    expect(fake.state.mergeRequest(42, 7)!.discussions.map((d) => d.notes[0]!.body)).toContain('thread');
  });

  it('serves concurrent requests, applying each when it is handled', async () => {
    fake.faults.delay(100, { method: 'POST' });
    const slow = api.MergeRequestNotes.create(42, 7, 'slow');
    await vi.waitFor(() => expect(fake.requests).toHaveLength(1)); // 'slow' took the delay
    await Promise.all([slow, api.MergeRequestNotes.create(42, 7, 'fast')]);
    const bodies = fake.state.notesOf(fake.state.mergeRequest(42, 7)!).map((n) => n.body);
    expect(bodies.slice(-2)).toEqual(['fast', 'slow']);
  });

  it('stages an outage: after N matching requests every one answers 503 until cleared', async () => {
    fake.faults.outage({ after: 2, path: 'users/*' });
    const statuses = async () => {
      const settled = await Promise.allSettled([1, 2, 3].map((id) => api.Users.show(id)));
      return settled.map((result) => (result.status === 'fulfilled' ? 200 : (result.reason as { cause: { response: Response } }).cause.response.status));
    };
    await api.Users.showCurrentUser(); // another path: not counted
    expect(await statuses()).toEqual([200, 200, 503]);
    expect(await statuses()).toEqual([503, 503, 503]);
    fake.faults.clear();
    expect(await statuses()).toEqual([200, 200, 200]);

    fake.faults.outage({ status: 502 });
    await expect(api.Users.show(1)).rejects.toBeInstanceOf(GitbeakerRetryError); // gitbeaker retries 502 ten times
    expect(fake.requests.slice(-10).map((r) => [r.status, r.fault])).toEqual(Array.from({ length: 10 }, () => [502, 'status']));
  });

  it('counts the requests in flight at once', async () => {
    fake.faults.delay(50, { times: Infinity, path: 'users/*' });
    await Promise.all([1, 2, 3].map((id) => api.Users.show(id)));
    expect(fake.maxInFlight).toBe(3);
    expect(fake.inFlight).toBe(0);
    fake.maxInFlight = 0;
    await api.Users.show(1);
    expect(fake.maxInFlight).toBe(1);
  });

  it('gates a request so two find-or-create publishers can race', async () => {
    const findOrCreate = async () => {
      const notes = await api.MergeRequestNotes.all(42, 7);
      if (!notes.some((n) => n.body.startsWith('<!-- marker -->'))) await api.MergeRequestNotes.create(42, 7, '<!-- marker -->');
    };
    const gate = fake.faults.gate({ method: 'POST', path: '**/notes' });
    const first = findOrCreate();
    await gate.reached;
    await findOrCreate(); // sees no marker yet: the first POST is still held
    gate.release();
    await first;
    const markers = fake.state.notesOf(fake.state.mergeRequest(42, 7)!).filter((n) => n.body === '<!-- marker -->');
    expect(markers).toHaveLength(2);
  });
});

describe('merged merge requests and the commits that brought them', () => {
  const MERGED_AT = '2026-03-02T10:00:00.000Z';
  /** A merged MR of project 42 whose commits are `sha(n)`, newest first. */
  const merged = (iid: number, commits: number[], fields: Partial<SeedMergeRequest> = {}) =>
    fake.state.addMergeRequest({
      project_id: 42,
      iid,
      state: 'merged',
      author_id: ALICE,
      merged_by: CAROL,
      merged_at: MERGED_AT,
      commits: commits.map((n) => ({ id: sha(n), message: `Commit ${n}` })),
      ...fields,
    });

  it('serves who merged a merge request, when, and the merge and squash commits, on the single and the list routes', async () => {
    merged(8, [31, 30], { title: 'Squashed', source_branch: 'squash', squash_commit_sha: sha(32), merge_commit_sha: sha(33) });
    merged(9, [40], { title: 'Fast-forward', source_branch: 'ff' });
    const single = await api.MergeRequests.show(42, 8);
    expect(single).toMatchObject({
      iid: 8,
      title: 'Squashed',
      state: 'merged',
      merged_by: { id: CAROL, username: 'carol' },
      merge_user: { id: CAROL, username: 'carol' },
      merged_at: MERGED_AT,
      updated_at: MERGED_AT,
      merge_commit_sha: sha(33),
      squash_commit_sha: sha(32),
      sha: sha(31), // no diff_refs: the newest commit
      detailed_merge_status: 'not_open',
      web_url: `${fake.url}/${PROJECT}/-/merge_requests/8`,
    });
    const [listed] = await api.MergeRequests.all({ projectId: 42, sourceBranch: 'ff' });
    expect(listed).toMatchObject({ iid: 9, merge_commit_sha: null, squash_commit_sha: null, sha: sha(40), merged_by: { username: 'carol' } });
    expect(listed).not.toHaveProperty('diff_refs'); // MergeRequestBasic
    expect(await api.MergeRequests.show(42, 7)).toMatchObject({
      state: 'opened',
      merged_by: null,
      merged_at: null,
      merge_commit_sha: null,
      sha: REFS.head_sha,
    });
    expect(() => fake.state.addMergeRequest({ project_id: 42, iid: 10, merged_at: MERGED_AT })).toThrow(/only a merged merge request has merged_at/);
  });

  it("lists a project's merge requests by state, target branch and update time, oldest or newest first", async () => {
    merged(8, [31], { created_at: '2026-02-01T00:00:00Z', updated_at: '2026-02-05T00:00:00Z', merged_at: '2026-02-04T00:00:00Z' });
    merged(9, [32], { created_at: '2026-02-02T00:00:00Z', updated_at: '2026-01-20T00:00:00Z', merged_at: '2026-01-20T00:00:00Z' });
    merged(10, [33], { created_at: '2026-02-03T00:00:00Z', target_branch: 'release' });
    fake.state.addMergeRequest({ project_id: 42, iid: 11, state: 'closed', created_at: '2026-02-04T00:00:00Z' });
    const iids = async (query: Record<string, string>) => (await api.MergeRequests.all({ projectId: 42, ...query })).map((mr) => mr.iid);

    expect(await iids({})).toEqual([11, 10, 9, 8, 7]); // state=all, created_at desc
    expect(await iids({ state: 'merged', targetBranch: 'main' })).toEqual([9, 8]);
    expect(await iids({ state: 'merged', updatedAfter: '2026-02-01T00:00:00Z', sort: 'asc' })).toEqual([8, 10]);
    expect(await iids({ state: 'merged', updatedAfter: '2026-02-05T00:00:00Z' })).toEqual([10, 8]); // on or after
    expect(await iids({ state: 'merged', updatedBefore: '2026-01-31T00:00:00Z' })).toEqual([9]);
    expect(await iids({ state: 'merged', orderBy: 'updated_at', sort: 'asc' })).toEqual([9, 8, 10]);
    expect(await iids({ state: 'opened' })).toEqual([7]);

    const badOrder = await rejection(api.MergeRequests.all({ projectId: 42, orderBy: 'merged_at' as 'created_at' }));
    expect([badOrder.cause.response.status, badOrder.message]).toEqual([400, 'order_by does not have a valid value']);
    const badTime = await rejection(api.MergeRequests.all({ projectId: 42, updatedAfter: 'last week' }));
    expect([badTime.cause.response.status, badTime.message]).toEqual([400, 'updated_after is invalid']);
    const noProject = await rejection(api.MergeRequests.all({ projectId: 'acme/nothing' }));
    expect([noProject.cause.response.status, noProject.message]).toEqual([404, '404 Project Not Found']);
  });

  it('pages the list by up to 100, and leaves out the totals above 10,000 results as GitLab does', async () => {
    for (let iid = 100; iid < 250; iid++) merged(iid, [iid]);
    const first = await api.MergeRequests.all({ projectId: 42, state: 'merged', perPage: 100, page: 1, showExpanded: true });
    expect(first.data).toHaveLength(100);
    expect(first.paginationInfo).toMatchObject({ total: 150, totalPages: 2, next: 2, perPage: 100 });
    expect(await api.MergeRequests.all({ projectId: 42, state: 'merged', perPage: 100 })).toHaveLength(150);
    expect(apiRequests('/merge_requests').map((r) => r.query.page ?? '1')).toEqual(['1', '1', '2']);

    const query = new URLSearchParams({ per_page: '100', page: '2' });
    const many = paginate(
      Array.from({ length: 10_001 }, (_, i) => i),
      query,
      new URL(`${fake.url}/api/v4/projects/42/merge_requests?${query}`),
    );
    expect(many.headers).toMatchObject({ 'x-page': '2', 'x-next-page': '3', 'x-prev-page': '1' });
    expect(many.headers).not.toHaveProperty('x-total');
    expect(many.headers).not.toHaveProperty('x-total-pages');
    expect(many.headers!.link).not.toMatch(/rel="last"/);
    expect(paginate([1], query, new URL(fake.url)).headers).toMatchObject({ 'x-total': '1', 'x-total-pages': '1' });
  });

  it('finds the merge requests of a commit by their commits, head, merge and squash commits, newest first', async () => {
    merged(8, [31, 30], { merge_commit_sha: sha(39) });
    merged(9, [41], { squash_commit_sha: sha(49), source_branch: 'other' });
    merged(10, [50], { sha: sha(51), target_branch: 'release' }); // the seeded head, not among the commits
    fake.state.addMergeRequest({ project_id: 42, iid: 11, commits: [{ id: sha(30), message: 'Same commit, reopened' }] });
    fake.state.project(42)!.repository_commits.push(sha(60)); // a direct push
    const iids = async (commit: string, options: { state?: string } = {}) =>
      (await api.Commits.allMergeRequests(42, commit, options as object)).map((mr) => mr.iid);

    expect(await iids(sha(39))).toEqual([8]);
    expect(await iids(sha(49))).toEqual([9]);
    expect(await iids(sha(51))).toEqual([10]);
    expect(await iids(sha(30))).toEqual([11, 8]);
    expect(await iids(sha(30), { state: 'merged' })).toEqual([8]);
    expect(await iids(REFS.head_sha)).toEqual([7]);
    expect(await iids(sha(60))).toEqual([]);
    const [entity] = await api.Commits.allMergeRequests(42, sha(39));
    expect(entity).toMatchObject({ iid: 8, state: 'merged', target_branch: 'main', merge_commit_sha: sha(39), merged_by: { username: 'carol' } });

    const unknown = await rejection(api.Commits.allMergeRequests(42, sha(99)));
    expect([unknown.cause.response.status, unknown.message]).toEqual([404, '404 Commit Not Found']);
    const noProject = await rejection(api.Commits.allMergeRequests(4242, sha(39)));
    expect([noProject.cause.response.status, noProject.message]).toEqual([404, '404 Project Not Found']);
  });

  it('seeds thousands of users and shows each with the email on their profile', async () => {
    const crowd = await startFakeGitLab({
      users: Array.from({ length: 3000 }, (_, i) => ({ id: i + 1, username: `user${i + 1}`, public_email: i % 2 ? `user${i + 1}@example.com` : undefined })),
      tokens: [{ token: 't', user_id: 1, scopes: ['read_api'] }],
    });
    try {
      const client = new Gitlab({ host: crowd.url, token: 't' });
      expect(await client.Users.show(2999)).toMatchObject({ id: 2999, username: 'user2999', public_email: '' });
      expect(await client.Users.show(3000)).toMatchObject({ id: 3000, public_email: 'user3000@example.com' });
      const missing = await rejection(client.Users.show(3001));
      expect([missing.cause.response.status, missing.message]).toEqual([404, '404 User Not Found']);
    } finally {
      await crowd.close();
    }
  });
});

describe('seeding and diff lines', () => {
  it('loads a JSON seed file with defaults applied', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fake-gitlab-'));
    try {
      const path = join(dir, 'seed.json');
      await writeFile(
        path,
        JSON.stringify({
          users: [{ id: 5, username: 'dave' }],
          tokens: [{ token: 't', user_id: 5 }],
          projects: [{ id: 1, path_with_namespace: 'a/b', protected_branches: [{ name: 'main' }] }],
        }),
      );
      const loaded = await seedFromJson(path);
      expect(loaded.tokens?.[0]).toEqual({ token: 't', user_id: 5, kind: 'personal', scopes: ['api'] });
      expect(loaded.projects?.[0]).toMatchObject({
        visibility: 'private',
        ci_config_path: null,
        approval_settings: { reset_approvals_on_push: true, selective_code_owner_removals: false, merge_requests_author_approval: false },
        approval_settings_endpoint: 'available',
        protected_branches: [
          {
            name: 'main',
            code_owner_approval_required: false,
            allow_force_push: false,
            push_access_levels: [{ access_level: 40, user_id: null, group_id: null }],
            merge_access_levels: [{ access_level: 40, user_id: null, group_id: null }],
          },
        ],
      });
      await writeFile(path, JSON.stringify({ users: [{ id: 'five' }] }));
      await expect(seedFromJson(path)).rejects.toThrow(/invalid fake GitLab seed/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('lists the addressable (old_line, new_line) pairs of a hunk', () => {
    expect(addressableLines(POLICY_DIFF)).toEqual([
      { old_line: 1, new_line: 1 },
      { old_line: 2, new_line: null },
      { old_line: null, new_line: 2 },
      { old_line: null, new_line: 3 },
      { old_line: 3, new_line: 4 },
      { old_line: 4, new_line: 5 },
    ]);
  });
});
