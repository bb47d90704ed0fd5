// `policylint reviews --sync-issues --apply` failing part-way against the fake GitLab on 127.0.0.1:
// the job log says what the run had already changed (review finding #6).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runReviewsCommand } from '../src/cli/commands/reviews.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { BOT, fastRetry, PROJECT_ID, TOKEN, USERS } from './mr-fixtures.js';
import { policy, removeTemporaryDirectories, TempRepo } from './review-helpers.js';

let fake: FakeGitLab;
let repo: TempRepo;

beforeEach(async () => {
  fake = await startFakeGitLab({
    users: USERS,
    tokens: [{ token: TOKEN, user_id: BOT }],
    projects: [{ id: PROJECT_ID, path_with_namespace: 'acme/handbook' }],
  });
  repo = new TempRepo().commit('Add handbook', '2024-12-01', {
    '.policylint.yml': 'extends: gitlab-handbook\n',
    '.gitlab/CODEOWNERS': '[Controlled Documents]\n/content/access.md @alice\n/content/backup.md @bob\n',
    'content/access.md': policy('Access', 'last_reviewed: 2025-01-10\n'),
    'content/backup.md': policy('Backup'),
  });
});

afterEach(async () => {
  await fake.close();
  removeTemporaryDirectories();
});

async function apply(): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runReviewsCommand({
    cwd: repo.root,
    paths: [],
    now: '2026-01-01',
    format: 'text',
    syncIssues: true,
    apply: true,
    env: { CI_SERVER_URL: fake.url, CI_PROJECT_ID: String(PROJECT_ID), GITLAB_TOKEN: TOKEN },
    retry: fastRetry(),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('reviews --sync-issues --apply failing part-way', () => {
  it('lists the changes GitLab already made before it exits 3', async () => {
    expect((await apply()).code).toBe(0);
    const issueOf = (title: string) => fake.state.issues.find((issue) => issue.title.includes(title))!.iid;
    // Access gets a new owner (its issue is edited first: paths run in order); Backup's review is recorded (its issue is closed, with a comment first).
    repo.commit('Review backup, new owner for access', '2025-12-28', {
      '.gitlab/CODEOWNERS': '[Controlled Documents]\n/content/access.md @carol\n/content/backup.md @bob\n',
      'content/backup.md': policy('Backup', 'last_reviewed: 2025-12-28\n'),
    });
    fake.faults.status(500, { method: 'POST', path: `projects/${PROJECT_ID}/issues/*/notes`, times: Infinity });

    const run = await apply();
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('review issues not fully synced');
    expect(run.stderr).toContain(
      `Already changed in GitLab before the failure:\n  update content/access.md #${issueOf('Access')}: description (owners, last review or checklist)\n`,
    );
    expect(run.stderr).not.toContain('close content/backup.md');
  });

  it('says nothing was changed when it fails before the first change', async () => {
    fake.faults.status(500, { method: 'GET', path: 'user', times: Infinity });
    const run = await apply();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('Nothing was changed in GitLab before the failure.');
  });
});
