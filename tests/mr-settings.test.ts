import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkProjectSettings } from '../src/gitlab/project-settings.js';
import { MR_EXIT, runMergeRequest } from '../src/gitlab/run.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { client, fastRetry, mergeRequestEnv, PROJECT_ID, seed, summaries } from './mr-fixtures.js';
import { createTestRepo, type TestRepo } from './mr-repo.js';

vi.mock('../src/version.js', () => ({ VERSION: '0.0.0-test' }));

let fake: FakeGitLab;
let repo: TestRepo;

beforeEach(async () => {
  repo = createTestRepo();
  fake = await startFakeGitLab(seed({ diff_refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: repo.headSha }, diffs: repo.apiDiffs() }));
});
afterEach(async () => {
  await fake.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

/** A project set up as docs/gitlab-ci.md "Making the control hold" says. */
function holdTheControl(): void {
  const project = fake.state.project(PROJECT_ID)!;
  Object.assign(project.approval_settings, {
    merge_requests_author_approval: false,
    merge_requests_disable_committers_approval: true,
    reset_approvals_on_push: true,
  });
  project.only_allow_merge_if_pipeline_succeeds = true;
  project.allow_merge_on_skipped_pipeline = false;
  project.ci_config_path = '.gitlab-ci.yml@acme/ci-config';
  project.protected_branches = [
    { id: 101, name: 'ma*', code_owner_approval_required: true, allow_force_push: false, push_access_levels: [], merge_access_levels: [] },
  ];
}

const states = async () => Object.fromEntries((await checkProjectSettings(client(fake), String(PROJECT_ID), 'main')).map((c) => [c.setting, c.ok]));

describe('checkProjectSettings', () => {
  it('finds every setting on in a project set up to hold the control', async () => {
    holdTheControl();
    expect(Object.values(await states()).every((ok) => ok === true)).toBe(true);
  });

  it("reports GitLab's defaults as off, each with where to change it", async () => {
    const checks = await checkProjectSettings(client(fake), String(PROJECT_ID), 'main');
    expect(Object.fromEntries(checks.map((c) => [c.setting, c.ok]))).toEqual({
      'Prevent approval by merge request author': true,
      'Prevent approvals by users who add commits': false,
      'Remove all approvals when commits are added to the source branch': true,
      'Require approval from code owners on main': false,
      'Pipelines must succeed': false,
      'Skipped pipelines are considered successful': true,
      'CI/CD configuration file outside the merge request': false,
    });
    expect(checks.find((c) => c.setting === 'Require approval from code owners on main')!.detail).toContain('main is not a protected branch');
    expect(checks.find((c) => c.setting === 'CI/CD configuration file outside the merge request')!.detail).toContain('path@group/project');
  });

  it('says "unknown", never "fine", when a setting cannot be read', async () => {
    holdTheControl();
    fake.state.project(PROJECT_ID)!.approval_settings_endpoint = 'forbidden';
    const result = await states();
    expect(result['Prevent approval by merge request author']).toBeUndefined();
    expect(result['Prevent approvals by users who add commits']).toBeUndefined();
    expect(result['Pipelines must succeed']).toBe(true);
  });
});

describe('policylint mr and the settings', () => {
  const env = () => mergeRequestEnv(fake.url, repo);
  const run = async (checkSettings: boolean) => {
    let stdout = '';
    let stderr = '';
    const code = await runMergeRequest({
      cwd: repo.dir,
      env: env(),
      now: new Date('2026-11-27T00:00:00Z'),
      reports: [],
      format: 'json',
      checkSettings,
      retry: fastRetry(),
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    return { code, stdout, stderr };
  };

  it('--check-settings prints one line per setting and exits 1 while one is off', async () => {
    const off = await run(true);
    expect(off.code).toBe(MR_EXIT.findings);
    expect(off.stdout).toContain('OFF     Pipelines must succeed: a merge request can be merged while policylint fails');
    expect(summaries(fake)).toHaveLength(0);
    holdTheControl();
    const on = await run(true);
    expect(on.code).toBe(MR_EXIT.ok);
    expect(
      on.stdout
        .split('\n')
        .filter(Boolean)
        .every((line) => line.startsWith('ok')),
    ).toBe(true);
  });

  it('lists the settings that are off in the summary, once, as warnings that do not fail the job', async () => {
    await run(false);
    const body = summaries(fake)[0]!.body;
    expect(body.match(/GitLab settings this control relies on/g)).toHaveLength(1);
    expect(body).toContain('- off: Pipelines must succeed');
    holdTheControl();
    await run(false);
    expect(summaries(fake)[0]!.body).not.toContain('GitLab settings this control relies on');
  });
});
