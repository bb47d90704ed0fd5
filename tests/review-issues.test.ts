// `policylint reviews --sync-issues` against the fake GitLab on 127.0.0.1, with the real gitbeaker
// client and a real git repository whose commits carry chosen dates.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runReviewsCommand } from '../src/cli/commands/reviews.js';
import { ConfigError } from '../src/config/errors.js';
import type { IssueRecord } from './fake-gitlab/issues.js';
import { startFakeGitLab, type FakeGitLab, type SeedData } from './fake-gitlab/server.js';
import { BOT, CAROL, client, DAVE, fastRetry, PROJECT_ID, TOKEN, USERS, writes } from './mr-fixtures.js';
import { policy, removeTemporaryDirectories, TempRepo } from './review-helpers.js';

const NOW = '2026-01-01';

const SEED: SeedData = {
  users: USERS,
  tokens: [
    { token: TOKEN, user_id: BOT },
    { token: 'glpat-readonly-token-0123456789', user_id: BOT, scopes: ['read_api'] },
  ],
  groups: [
    {
      id: 11,
      full_path: 'acme/security',
      // Carol is a Developer; Dave only a Reporter, who cannot own code.
      members: [
        { user_id: CAROL, access_level: 30 },
        { user_id: DAVE, access_level: 20 },
      ],
    },
  ],
  projects: [{ id: PROJECT_ID, path_with_namespace: 'acme/handbook' }],
};

const CODEOWNERS = (accessOwners: string) => `[Controlled Documents]\n/content/access.md ${accessOwners}\n/content/backup.md @bob\n/content/fresh.md @bob\n`;
const CHECKLIST = '- [ ] Walk through the access matrix\n/close\n';

let fake: FakeGitLab;
let repo: TempRepo;

beforeEach(async () => {
  fake = await startFakeGitLab(SEED);
  repo = new TempRepo().commit('Add handbook', '2024-12-01', {
    '.policylint.yml': 'extends: gitlab-handbook\nreviews:\n  issueTemplate: review-checklist.md\n',
    'review-checklist.md': CHECKLIST,
    '.gitlab/CODEOWNERS': CODEOWNERS('@alice @acme/security'),
    // Due in 9 days, from the front matter; the title tries a mention and a cross-reference.
    'content/access.md': policy('Access @everyone #1', 'last_reviewed: 2025-01-10\n'),
    // Overdue: last changed (so reviewed) on 2024-12-01, per git.
    'content/backup.md': policy('Backup'),
    'content/fresh.md': policy('Fresh', 'last_reviewed: 2025-12-01\n'),
  });
});

afterEach(async () => {
  await fake.close();
  removeTemporaryDirectories();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function sync(args: { apply?: boolean; json?: boolean; env?: Record<string, string>; retry?: ReturnType<typeof fastRetry> } = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const env = args.env ?? { CI_SERVER_URL: fake.url, CI_PROJECT_ID: String(PROJECT_ID), GITLAB_TOKEN: TOKEN };
  const code = await runReviewsCommand({
    cwd: repo.root,
    paths: [],
    now: NOW,
    format: args.json ? 'json' : 'text',
    syncIssues: true,
    apply: args.apply,
    env,
    retry: args.retry ?? fastRetry(),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  // Whatever happened, the token is never printed.
  expect(stdout + stderr).not.toContain(TOKEN);
  return { code, stdout, stderr };
}

const openIssues = () => fake.state.issues.filter((issue) => issue.state === 'opened');
const issueFor = (path: string, issues: IssueRecord[] = openIssues()) =>
  issues.filter((issue) => issue.description.includes(`path=${encodeURIComponent(path)} `));
const username = (id: number) => fake.state.user(id)!.username;

describe('policylint reviews --sync-issues --apply', () => {
  it('opens one issue per document due, assigned to its code owners, and a re-run writes nothing', async () => {
    const first = await sync({ apply: true });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('2 created, 0 updated, 0 closed, 0 unchanged');
    expect(openIssues()).toHaveLength(2);

    const [access] = issueFor('content/access.md');
    expect(access!.title).toBe('Annual review: Access @\u200Beveryone #\u200B1 (due 2026-01-10)');
    expect(access!.due_date).toBe('2026-01-10');
    expect(access!.labels).toEqual(['policylint::review']);
    expect(access!.author_id).toBe(BOT);
    // Users directly, groups through their Developer+ members: Dave is only a Reporter.
    expect(access!.assignee_ids.map(username)).toEqual(['alice', 'carol']);
    expect(access!.description).toContain(`[\`content/access.md\`](${fake.url}/acme/handbook/-/blob/main/content/access.md)`);
    expect(access!.description).toContain('- Owners (CODEOWNERS): @alice, @acme/security');
    expect(access!.description).toContain('- Last review: 2025-01-10 (review date in the front matter)');
    expect(access!.description).toContain('- [ ] Walk through the access matrix');

    const [backup] = issueFor('content/backup.md');
    expect(backup!.title).toBe('Annual review: Backup (due 2025-12-01)');
    expect(backup!.assignee_ids.map(username)).toEqual(['bob']);
    expect(backup!.description).toContain('- Last review: 2024-12-01 (last commit that changed it)');
    expect(issueFor('content/fresh.md', fake.state.issues)).toEqual([]);

    // Mentions of the owners only (not the title's @everyone), and the template's /close did not run.
    expect(fake.state.textEffects.flatMap((effect) => effect.quick_actions)).toEqual([]);
    expect(fake.state.textEffects.flatMap((effect) => effect.mentions).sort()).toEqual(['acme/security', 'alice', 'bob']);

    const before = writes(fake).length;
    const second = await sync({ apply: true });
    expect(second.code, second.stderr).toBe(0);
    expect(writes(fake)).toHaveLength(before);
    expect(second.stdout).toContain('0 created, 0 updated, 0 closed, 2 unchanged');
  });

  it('edits the issue when the owners change, reassigning it', async () => {
    await sync({ apply: true });
    repo.commit('Hand access over to Bob', '2025-12-20', { '.gitlab/CODEOWNERS': CODEOWNERS('@bob @acme/security') });
    const before = writes(fake).length;
    const run = await sync({ apply: true });
    expect(run.code, run.stderr).toBe(0);
    expect(
      writes(fake)
        .slice(before)
        .map((r) => `${r.method} ${r.path}`),
    ).toEqual([`PUT /api/v4/projects/${PROJECT_ID}/issues/1`]);
    const [access] = issueFor('content/access.md');
    expect(access!.description).toContain('- Owners (CODEOWNERS): @bob, @acme/security');
    expect(access!.assignee_ids.map(username)).toEqual(['bob', 'carol']);
    expect(run.stdout).toMatch(/update\s+content\/access\.md\s+#1\s+description \(owners, last review or checklist\); assign bob, carol/);
  });

  it('closes the issue with a comment once a later review is recorded, then leaves it alone', async () => {
    await sync({ apply: true });
    repo.commit('Review access', '2025-12-28', { 'content/access.md': policy('Access @everyone #1', 'last_reviewed: 2025-12-28\n') });
    const run = await sync({ apply: true });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/close\s+content\/access\.md\s+#1\s+review recorded on 2025-12-28, next due 2026-12-28/);
    const [closed] = issueFor('content/access.md', fake.state.issues);
    expect(closed!.state).toBe('closed');
    expect(closed!.notes.map((note) => note.body)).toEqual([
      expect.stringContaining('a review of the document was recorded on 2025-12-28; the next one is due on 2026-12-28'),
    ]);
    expect(issueFor('content/backup.md')).toHaveLength(1);

    const before = writes(fake).length;
    await sync({ apply: true });
    expect(writes(fake)).toHaveLength(before);
  });

  it('leaves one open issue per document when two scheduled runs overlap', async () => {
    // Run A is held just before its first create (its client waiting, not timing out); run B does everything meanwhile.
    const gate = fake.faults.gate({ method: 'POST', path: `projects/${PROJECT_ID}/issues` });
    const runA = sync({ apply: true, retry: fastRetry({ timeoutMs: 30_000 }) });
    await gate.reached;
    const runB = await sync({ apply: true });
    expect(runB.code, runB.stderr).toBe(0);
    gate.release();
    expect((await runA).code).toBe(0);

    expect(issueFor('content/access.md')).toHaveLength(1);
    expect(issueFor('content/backup.md')).toHaveLength(1);
    const duplicates = fake.state.issues.filter((issue) => issue.state === 'closed');
    expect(duplicates).toHaveLength(1);
    const kept = issueFor(duplicates[0]!.description.includes('access') ? 'content/access.md' : 'content/backup.md')[0]!;
    expect(kept.iid).toBeLessThan(duplicates[0]!.iid);
    expect(duplicates[0]!.notes[0]!.body).toContain(`duplicate of #${kept.iid}`);
  });

  it('closes a duplicate left by an earlier run (a create that timed out but was applied later)', async () => {
    await sync({ apply: true });
    const [original] = issueFor('content/backup.md');
    const late = fake.state.addIssue({ ...original!, assignee_ids: [...original!.assignee_ids], labels: [...original!.labels] });
    const run = await sync({ apply: true });
    expect(run.stdout).toMatch(new RegExp(`close\\s+content/backup\\.md\\s+#${late.iid}\\s+duplicate of #${original!.iid}`));
    expect(issueFor('content/backup.md').map((issue) => issue.iid)).toEqual([original!.iid]);
    expect(late.notes[0]!.body).toContain(`duplicate of #${original!.iid}`);
  });

  it('retries 429 and 5xx answers, and a create whose answer was lost is not repeated', async () => {
    const retry = fastRetry();
    fake.faults
      .status(503, { method: 'GET', path: `projects/${PROJECT_ID}/issues` })
      .status(429, { method: 'POST', path: `projects/${PROJECT_ID}/issues`, retryAfter: 7 })
      .lostResponse({ method: 'POST', path: `projects/${PROJECT_ID}/issues` })
      .status(502, { method: 'POST', path: `projects/${PROJECT_ID}/issues` });
    const run = await sync({ apply: true, retry });
    expect(run.code, run.stderr).toBe(0);
    expect(fake.faults.pending).toBe(0);
    expect(retry.delays).toContain(7000);
    expect(issueFor('content/access.md')).toHaveLength(1);
    expect(issueFor('content/backup.md')).toHaveLength(1);
    expect(fake.state.issues).toHaveLength(2);
  });

  it('fails closed without a token, and exits 3 with the token redacted when GitLab keeps failing', async () => {
    await expect(sync({ apply: true, env: { CI_SERVER_URL: fake.url, CI_PROJECT_ID: String(PROJECT_ID) } })).rejects.toThrow(
      new ConfigError(
        'reviews --sync-issues --apply needs a GitLab token with the api scope, and GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set: nothing was changed',
      ),
    );
    expect(fake.requests).toEqual([]);

    fake.faults.status(500, { method: 'GET', path: 'user', body: { message: `token ${TOKEN} rejected` }, times: Infinity });
    const run = await sync({ apply: true });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('token [REDACTED] rejected');
    expect(run.stderr).toContain('Re-running is safe');
  });
});

describe('policylint reviews --sync-issues (dry run)', () => {
  it('prints the plan and writes nothing', async () => {
    const run = await sync();
    expect(run.code, run.stderr).toBe(0);
    expect(writes(fake)).toEqual([]);
    expect(run.stdout).toMatch(/^Dry run, nothing changed/);
    expect(run.stdout).toMatch(/create\s+content\/access\.md\s+-\s+due within 30 days; assign alice, carol/);
    expect(run.stdout).toMatch(/create\s+content\/backup\.md\s+-\s+overdue; assign bob/);
    expect(run.stdout).toContain('2 to create, 0 to update, 0 to close, 0 unchanged');

    await sync({ apply: true });
    repo.commit('Review access', '2025-12-28', { 'content/access.md': policy('Access', 'last_reviewed: 2025-12-28\n') });
    const before = writes(fake).length;
    const json = await sync({ json: true });
    expect(writes(fake)).toHaveLength(before);
    expect(JSON.parse(json.stdout)).toEqual({
      applied: false,
      unchecked: null,
      actions: [
        { action: 'close', path: 'content/access.md', issue: 1, reason: 'review recorded on 2025-12-28, next due 2026-12-28' },
        { action: 'keep', path: 'content/backup.md', issue: 2, reason: 'up to date' },
      ],
      unknownReviewDate: [],
    });
  });

  it('works with a read_api token, and without a token says what it could not check', async () => {
    const readOnly = await sync({ env: { CI_SERVER_URL: fake.url, CI_PROJECT_ID: String(PROJECT_ID), GITLAB_TOKEN: 'glpat-readonly-token-0123456789' } });
    expect(readOnly.code, readOnly.stderr).toBe(0);
    expect(readOnly.stdout).toContain('2 to create');

    const requests = fake.requests.length;
    const noToken = await sync({ env: {} });
    expect(noToken.code).toBe(0);
    expect(fake.requests).toHaveLength(requests);
    expect(noToken.stderr).toContain('no GitLab token (GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set): existing issues and assignees were not checked');
    expect(noToken.stdout).toMatch(/create\s+content\/access\.md\s+-\s+due within 30 days\n/);
  });
});

describe('fake GitLab issues API', () => {
  it('validates like GitLab: title required, due_date a calendar date, scoped labels exclusive, pages of per_page', async () => {
    const api = client(fake);
    await expect(api.Issues.create(PROJECT_ID, '', {})).rejects.toMatchObject({ status: 400, message: expect.stringContaining('title is missing') });
    await expect(api.Issues.create(PROJECT_ID, 'Review', { dueDate: '2026-02-30' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('due_date is invalid'),
    });
    const issue = await api.Issues.create(PROJECT_ID, 'Review', { labels: 'policylint::review,policylint::done', dueDate: '2026-02-28' });
    expect(issue.labels).toEqual(['policylint::done']);
    await expect(api.Issues.edit(PROJECT_ID, issue.iid, {})).rejects.toMatchObject({ status: 400 });
    for (let n = 0; n < 4; n++) await api.Issues.create(PROJECT_ID, `More ${n}`, { labels: 'other' });
    const page = await api.Issues.all({ projectId: PROJECT_ID, labels: 'other', perPage: 3, page: 2, maxPages: 1, showExpanded: true });
    expect(page.data.map((i) => i.title)).toEqual(['More 0']);
    expect(page.paginationInfo).toMatchObject({ total: 4, next: null, current: 2 });
    expect((await api.Issues.all({ projectId: PROJECT_ID, search: 'more 3' })).map((i) => i.title)).toEqual(['More 3']);
    await api.Issues.edit(PROJECT_ID, issue.iid, { stateEvent: 'close' });
    expect((await api.Issues.all({ projectId: PROJECT_ID, state: 'closed' })).map((i) => i.iid)).toEqual([issue.iid]);
  });
});
