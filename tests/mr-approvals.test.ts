import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import ownerApproval from '../rules/owner-approval.js';
import { loadCodeowners, loadCodeownersAtRef } from '../src/codeowners/load.js';
import type { Report } from '../src/engine/types.js';
import { fetchApprovedBy, ownersFor, resolveOwnerMembers, targetCodeownersRef } from '../src/gitlab/approvals.js';
import { changedFilesFromApi, fillHunksFromGit, selectFilesToLint } from '../src/gitlab/changes.js';
import type { GitLabApi } from '../src/gitlab/client.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { createProjectContext } from '../src/project/context.js';
import type { MergeRequestInfo } from '../src/project/types.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { BOB, CAROL, client, IID, PROJECT_ID, seed } from './mr-fixtures.js';
import { ACCESS, BACKUP, createTestRepo, type TestRepo } from './mr-repo.js';

const TARGET_CODEOWNERS = [
  '[Controlled Documents][2]',
  '/content/handbook/security/access-policy.md @alice @acme/security @@maintainer',
  '[Legal]',
  '/content/handbook/security/backup-policy.md @acme',
  '',
].join('\n');
// The MR tries to make its own author the only owner: GitLab ignores CODEOWNERS edits until merged.
const FEATURE_CODEOWNERS = '[Controlled Documents]\n/content/handbook/security/*.md @dave\n';

let fake: FakeGitLab;
let repo: TestRepo;
let api: GitLabApi;

beforeEach(async () => {
  repo = createTestRepo({ targetCodeowners: TARGET_CODEOWNERS, featureCodeowners: FEATURE_CODEOWNERS });
  fake = await startFakeGitLab(seed({ diff_refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: repo.headSha }, diffs: repo.apiDiffs() }));
  fake.state.projects[0]!.files = { main: { CODEOWNERS: TARGET_CODEOWNERS } };
  api = client(fake);
});
afterEach(async () => {
  await fake.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

/** Runs the rule the way the engine does, with CODEOWNERS read from `ref`. */
async function ownerFindings(ref: string, approvedBy: string[]): Promise<Report[]> {
  const codeowners = await loadCodeownersAtRef(repo.dir, ref);
  const changedPaths = [ACCESS, BACKUP, 'CODEOWNERS'];
  const mergeRequest: MergeRequestInfo = {
    projectId: String(PROJECT_ID),
    iid: IID,
    targetBranch: 'main',
    approvedBy,
    ownerMembers: await resolveOwnerMembers(api, PROJECT_ID, ownersFor(codeowners!, changedPaths)),
    changedPaths,
  };
  const project = createProjectContext({ root: repo.dir, now: new Date(), codeownersRef: ref, mergeRequest });
  const reports: Report[] = [];
  for (const path of [ACCESS, BACKUP]) {
    const source = readFileSync(join(repo.dir, path), 'utf8');
    const doc = parseDocumentModel({ path, absPath: join(repo.dir, path), source, classes: ['controlled-document'] });
    await ownerApproval.check!(doc, { options: {}, project, report: (r) => reports.push({ ...r, path }) });
  }
  return reports;
}

describe('owner-approval', () => {
  it('resolves group and role owners through the API; a plain @user stays a user', async () => {
    const codeowners = await loadCodeownersAtRef(repo.dir, 'refs/remotes/origin/main');
    const members = await resolveOwnerMembers(api, PROJECT_ID, ownersFor(codeowners!, [ACCESS, BACKUP]));
    expect(Object.fromEntries(members)).toEqual({ '@acme/security': ['carol'], '@@maintainer': ['bob'], '@acme': ['alice'] });
  });

  it('needs the approvals the target branch CODEOWNERS requires, whatever the MR branch says', async () => {
    const none = await ownerFindings('refs/remotes/origin/main', []);
    expect(none.map((r) => [r.path, r.key])).toEqual([
      [ACCESS, 'section:controlled documents'],
      [BACKUP, 'section:legal'],
    ]);
    expect(none[0]!.message).toContain('needs 2 more code-owner approvals from [Controlled Documents]');

    // dave owns everything only on the MR branch; carol counts through @acme/security.
    const owners = await ownerFindings('refs/remotes/origin/main', ['dave', 'carol', 'alice']);
    expect(owners).toEqual([]);
    const daveOnly = await ownerFindings('refs/remotes/origin/main', ['dave']);
    expect(daveOnly).toHaveLength(2);
    const roleAndUser = await ownerFindings('refs/remotes/origin/main', ['Bob', 'carol']);
    expect(roleAndUser.map((r) => r.path)).toEqual([BACKUP]);
    expect(roleAndUser[0]!.message).toContain('@acme');
  });

  it('reads approvals from the API', async () => {
    const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
    fake.state.approve(mr, BOB);
    fake.state.approve(mr, CAROL);
    expect(await fetchApprovedBy(api, PROJECT_ID, IID)).toEqual(['bob', 'carol']);
  });

  it('takes CODEOWNERS from the API when the target branch is not fetched', async () => {
    repo.git('update-ref', '-d', 'refs/remotes/origin/main');
    const source = await targetCodeownersRef({ gitRoot: repo.dir, targetBranch: 'main', api, projectId: PROJECT_ID, baseSha: repo.baseSha });
    expect(source?.description).toBe('main (read through the API)');
    const fromApi = await loadCodeownersAtRef(repo.dir, source!.ref);
    expect(fromApi?.sections.map((s) => s.name)).toEqual(['codeowners', 'Controlled Documents', 'Legal']);
    expect(await ownerFindings(source!.ref, ['bob', 'carol', 'alice'])).toEqual([]);
    // Without API access, the merge base is the best local stand-in.
    const offline = await targetCodeownersRef({ gitRoot: repo.dir, targetBranch: 'main', api: null, projectId: PROJECT_ID, baseSha: repo.baseSha });
    expect(offline?.ref).toBe(repo.baseSha);
  });
});

describe('changed files', () => {
  it('follows every page of a 150-file diff', async () => {
    const diffs = Array.from({ length: 150 }, (_, i) => ({ new_path: `content/doc-${i}.md`, new_file: true, diff: '@@ -0,0 +1 @@\n+x\n' }));
    fake.state.pushVersion(fake.state.mergeRequest(PROJECT_ID, IID)!, { base_sha: 'b', start_sha: 'b', head_sha: 'h' }, diffs);
    const files = await changedFilesFromApi(api, PROJECT_ID, IID);
    expect(files).toHaveLength(150);
    expect(files[149]).toEqual({ oldPath: 'content/doc-149.md', newPath: 'content/doc-149.md', status: 'added', diff: '@@ -0,0 +1 @@\n+x\n' });
    expect(fake.requests.filter((r) => r.path.endsWith('/diffs')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  it('fills collapsed and too-large diffs from git', async () => {
    const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
    const collapsed = repo.apiDiffs().map((d) => ({ ...d, diff: '', collapsed: true }));
    fake.state.pushVersion(mr, mr.diff_refs!, collapsed);
    const fromApi = await changedFilesFromApi(api, PROJECT_ID, IID);
    expect(fromApi.every((f) => f.diff === null)).toBe(true);
    const filled = await fillHunksFromGit({ gitRoot: repo.dir, base: repo.baseSha, head: repo.headSha }, fromApi);
    expect(filled.map((f) => f.diff)).toEqual(repo.apiDiffs().map((d) => d.diff));
  });

  it('adds the documents whose owners a CODEOWNERS change affects, and everything when the config changes', async () => {
    const targetCodeowners = await loadCodeownersAtRef(repo.dir, 'refs/remotes/origin/main');
    const codeownersOnly = [{ oldPath: 'CODEOWNERS', newPath: 'CODEOWNERS', status: 'modified' as const, diff: null }];
    const selection = await selectFilesToLint({ gitRoot: repo.dir, changes: codeownersOnly, configFile: '.policylint.yml', targetCodeowners });
    // The MR branch gives @dave every *.md, so the (uncontrolled) procedure page's owners change too.
    expect(selection.files).toEqual([ACCESS, BACKUP, 'content/handbook/security/controlled-document-procedure.md']);
    expect(selection.reasons).toEqual(['CODEOWNERS changed: also linting 3 document(s) whose owners change']);
    const unchanged = await selectFilesToLint({ gitRoot: repo.dir, changes: codeownersOnly, configFile: '.policylint.yml', targetCodeowners: loadCodeowners(repo.dir) });
    expect(unchanged.files).toEqual([]);
    const config = [{ oldPath: '.policylint.yml', newPath: '.policylint.yml', status: 'modified' as const, diff: null }];
    expect((await selectFilesToLint({ gitRoot: repo.dir, changes: config, configFile: '.policylint.yml', targetCodeowners })).files).toBe('all');
  });
});
