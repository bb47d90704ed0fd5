import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MR_EXIT, runMergeRequest, type MergeRequestRunOptions } from '../src/gitlab/run.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { ALICE, BOB, botThreads, CAROL, DAVE, fastRetry, IID, mergeRequestEnv, PROJECT_ID, seed, summaries, TOKEN, writes } from './mr-fixtures.js';
import { ACCESS, BACKUP, createTestRepo, type TestRepo } from './mr-repo.js';

// version.ts resolves package.json from dist/; from the sources it would look one level too high.
vi.mock('../src/version.js', () => ({ VERSION: '0.0.0-test' }));

let fake: FakeGitLab;
let repo: TestRepo;

/** A fresh repository (its config and CODEOWNERS committed on main: the policy in force) and a fake GitLab serving its merge request. */
async function useRepo(options: Parameters<typeof createTestRepo>[0] = {}): Promise<void> {
  repo = createTestRepo(options);
  fake = await startFakeGitLab(seed({ diff_refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: repo.headSha }, diffs: repo.apiDiffs() }));
}

beforeEach(() => useRepo());
afterEach(async () => {
  await fake.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

async function replaceRepo(options: Parameters<typeof createTestRepo>[0]): Promise<void> {
  await fake.close();
  rmSync(repo.dir, { recursive: true, force: true });
  await useRepo(options);
}

function ciEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return mergeRequestEnv(fake.url, repo, overrides);
}

async function run(options: Partial<MergeRequestRunOptions> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runMergeRequest({
    cwd: repo.dir,
    env: ciEnv(),
    now: new Date('2026-11-27T00:00:00Z'),
    reports: [
      { format: 'codequality', file: 'gl-code-quality-report.json' },
      { format: 'junit', file: 'policylint-junit.xml' },
    ],
    format: 'stylish',
    retry: fastRetry(),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    ...options,
  });
  const report = (name: string) => (existsSync(join(repo.dir, name)) ? readFileSync(join(repo.dir, name), 'utf8') : '');
  return { code, stdout, stderr, codequality: report('gl-code-quality-report.json'), junit: report('policylint-junit.xml') };
}

describe('policylint mr', () => {
  it('lints the changed documents, writes reports, publishes once, and a re-run writes nothing', async () => {
    const first = await run();
    expect(first.code).toBe(MR_EXIT.findings);
    const issues = JSON.parse(first.codequality) as Array<{ location: { path: string } }>;
    expect(new Set(issues.map((i) => i.location.path))).toEqual(new Set([ACCESS, BACKUP]));
    expect(first.junit).toContain('<testsuites');
    expect(summaries(fake)).toHaveLength(1);
    expect(botThreads(fake).length + (summaries(fake)[0]!.body.match(/^- \*\*/gm)?.length ?? 0)).toBe(issues.length);
    expect(fake.state.textEffects).toEqual([]);

    const before = writes(fake).length;
    const second = await run();
    expect(second.code).toBe(MR_EXIT.findings);
    expect(writes(fake)).toHaveLength(before);
  });

  it('resolves the threads once the documents are fixed', async () => {
    await run();
    expect(botThreads(fake).length).toBeGreaterThan(0);
    repo.write(ACCESS, readFileSync(join(repo.dir, ACCESS), 'utf8') + '\n## Scope\n\nBack again.\n');
    repo.git('rm', '-q', BACKUP);
    const head = repo.commit('fix');
    const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
    fake.state.pushVersion(mr, { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: head }, repo.apiDiffs());
    const fixed = await run({ env: ciEnv({ CI_COMMIT_SHA: head }) });
    expect(fixed.code).toBe(MR_EXIT.ok);
    expect(botThreads(fake).every((t) => t.notes[0]!.resolved)).toBe(true);
    expect(summaries(fake)[0]!.body).toContain('no findings');
  });

  it('writes the reports and only warns when publishing fails; exit code follows the findings', async () => {
    fake.faults.status(503, { method: 'POST', times: Infinity });
    const result = await run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.codequality).toContain(ACCESS);
    expect(result.stderr).toMatch(/warning: could not publish to the merge request: GitLab API POST .* 503/);
    expect(summaries(fake)).toHaveLength(0);
  });

  it('fails with exit 3 on a publishing error when the target branch sets mergeRequest.failOnPublishError', async () => {
    await replaceRepo({
      config:
        'extends: gitlab-handbook\nmergeRequest:\n  failOnPublishError: true\nclasses:\n  controlled-document:\n    rules:\n      owner-approval: "off"\n',
    });
    fake.faults.status(500, { method: 'POST', times: Infinity });
    expect((await run()).code).toBe(MR_EXIT.publishFailed);
  });

  it('falls back to git for the changes when the API cannot be reached, warning once', async () => {
    fake.faults.reset({ times: Infinity });
    const result = await run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.stderr.match(/GitLab could not be asked for the merge request/g)).toHaveLength(1);
    expect(result.codequality).toContain(BACKUP);
  });

  it('publishes nothing for a fork merge request, and for a job without a token, saying why', async () => {
    const fork = await run({ env: ciEnv({ CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '99' }) });
    expect(fork.stderr).toContain('fork merge request');
    expect(fork.codequality).toContain(ACCESS);
    expect(writes(fake)).toHaveLength(0);
    const before = fake.requests.length;
    const noToken = await run({ env: ciEnv({ GITLAB_TOKEN: undefined }) });
    expect(noToken.stderr).toContain('no GitLab token (GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set)');
    expect(noToken.code).toBe(MR_EXIT.findings);
    expect(fake.requests).toHaveLength(before);
  });

  it('names the missing variable and flag in a one-line usage error', async () => {
    await expect(run({ env: ciEnv({ CI_MERGE_REQUEST_IID: undefined }) })).rejects.toThrow(
      /^mr needs the merge request IID: set CI_MERGE_REQUEST_IID or pass --mr$/,
    );
    await expect(run({ env: ciEnv({ CI_SERVER_URL: 'gitlab.example.com' }) })).rejects.toThrow(/^mr got an invalid value for the GitLab URL .*--server-url$/);
    await expect(run({ env: ciEnv({ CI_SERVER_URL: undefined, CI_API_V4_URL: `${fake.url}/api/v4` }) })).resolves.toMatchObject({ code: MR_EXIT.findings });
  });

  it('prints the plan in a dry run and writes nothing', async () => {
    const result = await run({ dryRun: true });
    expect(writes(fake)).toHaveLength(0);
    expect(result.stderr).toContain('dry run, nothing published');
    expect(result.stdout).toContain('<!-- policylint:summary -->');
  });

  it('never lets the token reach stdout, stderr, reports or errors', async () => {
    fake.faults.status(401, { body: { message: `401 Unauthorized token=${TOKEN}` }, times: Infinity });
    const failing = await run();
    const ok = await run({ env: ciEnv({ GITLAB_TOKEN: undefined, POLICYLINT_GITLAB_TOKEN: TOKEN }) });
    for (const output of [failing, ok]) {
      for (const text of [output.stdout, output.stderr, output.codequality, output.junit]) expect(text).not.toContain(TOKEN);
    }
    expect(failing.stderr).toContain('[REDACTED]');
  });
});

describe('policylint mr with owner-approval', () => {
  beforeEach(async () => {
    await replaceRepo({
      config: 'extends: gitlab-handbook\n',
      targetCodeowners:
        '[Controlled Documents][2]\n/content/handbook/security/*-policy.md @alice @@maintainer @carol\n[Policy]\n/CODEOWNERS @bob\n/.policylint.yml @bob\n',
      featureCodeowners: '[Controlled Documents]\n/content/handbook/security/*-policy.md @dave\n',
    });
    fake.state.projects[0]!.members.push({ user_id: CAROL, access_level: 30 });
  });

  it('reports missing approvals from target-branch owners, and --check-approvals re-checks them without publishing', async () => {
    const first = await run();
    const issues = JSON.parse(first.codequality) as Array<{ check_name: string; location: { path: string } }>;
    expect(
      issues
        .filter((i) => i.check_name === 'owner-approval')
        .map((i) => i.location.path)
        .sort(),
    ).toEqual([ACCESS, BACKUP]);
    expect(issues.filter((i) => i.check_name === 'governance-files').map((i) => i.location.path)).toEqual(['CODEOWNERS']);
    expect(summaries(fake)[0]!.body).toContain('approving a merge request starts no pipeline');

    const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
    fake.state.approve(mr, DAVE); // an owner only on the merge request's branch
    fake.state.approve(mr, ALICE); // an owner, but the author
    fake.state.approve(mr, BOB); // a maintainer, and the owner of CODEOWNERS
    const stillMissing = await run({ checkApprovals: true });
    expect(stillMissing.code).toBe(MR_EXIT.findings);
    // Details are wrapped to the terminal's width.
    const shown = stillMissing.stdout.replace(/\s+/g, ' ');
    expect(shown).toContain('@alice (author of the merge request)');
    expect(shown).toContain('@dave (not a code owner of this entry)');
    fake.state.approve(mr, CAROL);
    const before = writes(fake).length;
    const approved = await run({ checkApprovals: true });
    expect(approved.code).toBe(MR_EXIT.ok);
    expect(approved.codequality).toBe('[]\n');
    expect(writes(fake)).toHaveLength(before);
  });
});
