// `policylint mr` on real git repositories against the fake GitLab on 127.0.0.1, for the fixes of
// the GitLab review: merged-results pipelines (#1), documents no target-branch entry owns (#2), and
// a clone git cannot diff when GitLab cannot list the versions either (#3), and a remote CI/CD
// configuration file (#4).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkProjectSettings } from '../src/gitlab/project-settings.js';
import { MR_EXIT, runMergeRequest } from '../src/gitlab/run.js';
import { startFakeGitLab, type FakeGitLab, type SeedDiffFile } from './fake-gitlab/server.js';
import { ALICE, client, fastRetry, IID, mergeRequestEnv, PROJECT_ID, seed } from './mr-fixtures.js';
import { ACCESS, BACKUP, controlledDocument } from './mr-repo.js';
import { makeTree } from './support/cli.js';
import { gitWith } from './support/git.js';

vi.mock('../src/version.js', () => ({ VERSION: '0.0.0-test' }));

const PROCEDURE = 'content/handbook/security/controlled-document-procedure.md';
const CONFIG = 'extends: gitlab-handbook\n';
const CODEOWNERS = '[Controlled Documents]\n/content/handbook/security/*-policy.md @dave\n[Policy]\n/.policylint.yml @dave\n/CODEOWNERS @dave\n';
const git = gitWith({ GIT_AUTHOR_DATE: '2026-11-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T00:00:00Z' });

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** `main` with the policy and one controlled document; `feature` branched from it (checked out). */
function repository() {
  const dir = makeTree({}, 'policylint-mrfix-');
  const write = (files: Record<string, string>) => {
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  const commit = (files: Record<string, string>) => {
    write(files);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'change');
    return git(dir, 'rev-parse', 'HEAD').trim();
  };
  git(dir, 'init', '-q', '-b', 'main');
  const baseSha = commit({
    '.policylint.yml': CONFIG,
    CODEOWNERS,
    [ACCESS]: controlledDocument('Access Management Policy'),
    [PROCEDURE]: '---\ntitle: Controlled Document Procedure\n---\n\n## Exceptions\n\nHow to ask for one.\n',
  });
  git(dir, 'checkout', '-q', '-b', 'feature');
  /** Moves `main` (and origin/main, as a CI clone fetches it) on by one commit, leaving `feature` checked out. */
  const advanceMain = (files: Record<string, string>) => {
    git(dir, 'checkout', '-q', 'main');
    const sha = commit(files);
    git(dir, 'update-ref', 'refs/remotes/origin/main', sha);
    git(dir, 'checkout', '-q', 'feature');
    return sha;
  };
  git(dir, 'update-ref', 'refs/remotes/origin/main', baseSha);
  /** What GitLab's diffs API serves for base...head. */
  const apiDiffs = (head: string): SeedDiffFile[] =>
    git(dir, 'diff', '--name-status', `${baseSha}...${head}`)
      .trim()
      .split('\n')
      .map((line) => {
        const [status, path] = line.split('\t') as [string, string];
        const patch = git(dir, 'diff', '-U3', `${baseSha}...${head}`, '--', path);
        return { new_path: path, new_file: status === 'A', diff: patch.slice(patch.indexOf('@@')) };
      });
  return { dir, baseSha, commit, advanceMain, apiDiffs };
}

/** The fake GitLab with merge request !7 at one version: base...head, its target branch at `start`. */
async function gitlab(refs: { base: string; start: string; head: string }, diffs: SeedDiffFile[]): Promise<FakeGitLab> {
  const fake = await startFakeGitLab(seed({ diff_refs: null, diffs: [] }));
  cleanups.push(() => fake.close());
  const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
  fake.state.push(mr, {
    refs: { base_sha: refs.base, start_sha: refs.start, head_sha: refs.head },
    diffs,
    by: ALICE,
    commits: [{ id: refs.head, message: 'change' }],
  });
  return fake;
}

async function run(dir: string, fake: FakeGitLab, commits: { baseSha: string; headSha: string }, env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const report = join(dir, 'gl-code-quality-report.json');
  const code = await runMergeRequest({
    cwd: dir,
    env: mergeRequestEnv(fake.url, commits, env),
    now: new Date('2026-11-27T00:00:00Z'),
    reports: [{ format: 'codequality', file: report }],
    format: 'json',
    retry: fastRetry(),
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
  });
  // The json format: an array of findings; nothing on stdout when nothing was checked.
  const findings = JSON.parse(stdout || '[]') as Array<{ ruleId: string; path: string; message: string }>;
  return { code, stderr, findings, checks: findings.map((f) => `${f.ruleId} ${f.path}`).sort(), reported: existsSync(report) };
}

describe('a merged-results pipeline (HEAD is GitLab merge commit)', () => {
  /** main changes ACCESS after the branch; the merge request adds BACKUP (missing a section); HEAD merges it into main. Nobody approved. */
  async function mergedResults() {
    const repo = repository();
    const sourceSha = repo.commit({ [BACKUP]: controlledDocument('Backup Policy', { omit: 'Scope' }) });
    const targetSha = repo.advanceMain({ [ACCESS]: controlledDocument('Access Management Policy', { extra: '\nA change made on main.\n' }) });
    git(repo.dir, 'checkout', '-q', '--detach', targetSha);
    git(repo.dir, 'merge', '-q', '--no-ff', '-m', 'merge', sourceSha);
    const mergeSha = git(repo.dir, 'rev-parse', 'HEAD').trim();
    const fake = await gitlab({ base: repo.baseSha, start: targetSha, head: sourceSha }, repo.apiDiffs(sourceSha));
    return { ...repo, sourceSha, mergeSha, fake };
  }

  it('judges the merge request range (CI_MERGE_REQUEST_SOURCE_BRANCH_SHA), not the target branch changes, and lints the work tree', async () => {
    const s = await mergedResults();
    const result = await run(s.dir, s.fake, { baseSha: s.baseSha, headSha: s.mergeSha }, { CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: s.sourceSha });
    expect(result.checks.filter((check) => check.endsWith(ACCESS))).toEqual([]);
    expect(result.checks).toContain(`owner-approval ${BACKUP}`);
    expect(result.findings.filter((f) => f.path === BACKUP).map((f) => f.message)).toContainEqual(expect.stringContaining('Scope'));
  });

  it("falls back to the API's diff_refs.head_sha when the variable is not set", async () => {
    const s = await mergedResults();
    const result = await run(s.dir, s.fake, { baseSha: s.baseSha, headSha: s.mergeSha });
    expect(result.checks.filter((check) => check.endsWith(ACCESS))).toEqual([]);
    expect(result.checks).toContain(`required-sections ${BACKUP}`);
  });
});

describe('a changed controlled document no target-branch CODEOWNERS entry owns', () => {
  it('gets owner-approval noOwners even though the merge request CODEOWNERS still owns it', async () => {
    const repo = repository();
    const head = repo.commit({ [ACCESS]: controlledDocument('Access Management Policy', { extra: '\nEveryone may grant themselves admin access.\n' }) });
    // After the branch, the target branch stops owning the policies; the merge request's CODEOWNERS still does.
    const start = repo.advanceMain({ CODEOWNERS: '[Policy]\n/.policylint.yml @dave\n/CODEOWNERS @dave\n' });
    const fake = await gitlab({ base: repo.baseSha, start, head }, repo.apiDiffs(head));
    const result = await run(repo.dir, fake, { baseSha: repo.baseSha, headSha: head });
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.checks).toEqual([`owner-approval ${ACCESS}`]);
    expect(result.findings[0]!.message).toBe(`${ACCESS} needs a code owner's approval, but no CODEOWNERS entry on the target branch owns it`);
  });
});

describe('a clone that lacks the base commit (git cannot diff)', () => {
  /** A depth-1 clone of the feature branch; the policy is served by the repository files API at the base. */
  async function shallow() {
    const repo = repository();
    const head = repo.commit({ [ACCESS]: controlledDocument('Access Management Policy', { extra: '\nEveryone may grant themselves admin access.\n' }) });
    const clone = join(makeTree({}, 'policylint-shallow-'), 'clone');
    git(repo.dir, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${repo.dir}`, clone);
    const fake = await gitlab({ base: repo.baseSha, start: repo.baseSha, head }, repo.apiDiffs(head));
    fake.state.project(PROJECT_ID)!.files[repo.baseSha] = { '.policylint.yml': CONFIG, CODEOWNERS, [ACCESS]: controlledDocument('Access Management Policy') };
    return { clone, fake, commits: { baseSha: repo.baseSha, headSha: head } };
  }

  it('fails closed (exit 1, nothing checked) when GitLab cannot list the versions either', async () => {
    const s = await shallow();
    s.fake.faults.status(500, { method: 'GET', path: `projects/${PROJECT_ID}/merge_requests/${IID}/versions`, times: Infinity });
    const result = await run(s.clone, s.fake, s.commits);
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.stderr).toContain('git cannot diff');
    expect(result.stderr).toMatch(/nothing was checked: .*GitLab cannot list its versions/);
    expect(result.stderr).not.toContain('internal error');
    expect(result.reported).toBe(false);
  });

  it.each([
    ['over its diff limits', (versions: Array<{ state: string }>) => void (versions[0]!.state = 'overflow'), "over GitLab's diff limits"],
    ['not computed yet', (versions: Array<{ state: string }>) => void versions.splice(0), 'has not computed'],
  ])('fails closed when GitLab lists a diff %s', async (_, breakVersions, said) => {
    const s = await shallow();
    breakVersions(s.fake.state.mergeRequest(PROJECT_ID, IID)!.versions);
    const result = await run(s.clone, s.fake, s.commits);
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.stderr).toContain(`nothing was checked: cannot read the policy in force: `);
    expect(result.stderr).toContain(said);
  });

  it('checks the change from GitLab list alone when the versions are fine', async () => {
    const s = await shallow();
    const result = await run(s.clone, s.fake, s.commits);
    expect(result.stderr).toContain("only GitLab's list of changes is used");
    expect(result.checks).toContain(`owner-approval ${ACCESS}`);
  });
});

describe('the CI/CD configuration file setting', () => {
  it.each([
    ['https://ci.example.com/handbook.yml', true],
    ['HTTP://ci.example.com/generate?project=handbook', true],
    ['.gitlab-ci.yml@acme/ci-config', true],
    ['ci/handbook.yml', false],
    ['https-ci.yml', false],
  ])('counts %s as outside the merge request: %s', async (ciConfigPath, outside) => {
    const fake = await startFakeGitLab(seed());
    cleanups.push(() => fake.close());
    fake.state.project(PROJECT_ID)!.ci_config_path = ciConfigPath;
    const checks = await checkProjectSettings(client(fake), String(PROJECT_ID), 'main');
    expect(checks.find((check) => check.setting === 'CI/CD configuration file outside the merge request')!.ok).toBe(outside);
  });
});
