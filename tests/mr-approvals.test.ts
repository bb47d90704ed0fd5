import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { judgeSubject } from '../src/approvals/judge.js';
import type { ApprovalFacts } from '../src/approvals/types.js';
import { loadCodeowners } from '../src/codeowners/load.js';
import { parseCodeowners } from '../src/codeowners/parse.js';
import { gatherApprovalEvidence, type EvidenceOptions } from '../src/gitlab/approvals.js';
import { changedFilesFromApi, fillHunksFromGit, selectFilesToLint } from '../src/gitlab/changes.js';
import type { GitLabApi } from '../src/gitlab/client.js';
import { resolveTrustedInputs, TrustError, type TrustOptions } from '../src/gitlab/trusted.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { ALICE, BOB, CAROL, client, DAVE, IID, PROJECT_ID, seed } from './mr-fixtures.js';
import { ACCESS, BACKUP, controlledDocument, createTestRepo, type TestRepo } from './mr-repo.js';
import { documentSubject } from './support/approval-table.js';

const TARGET_CODEOWNERS = [
  '[Controlled Documents][2]',
  '/content/handbook/security/access-policy.md @alice @acme/security @@maintainer @dave',
  '[Legal]',
  '/content/handbook/security/backup-policy.md @acme @ghost',
  '',
].join('\n');
// The MR tries to make its own author the only owner: the policy in force ignores it until merged.
const FEATURE_CODEOWNERS = '[Controlled Documents]\n/content/handbook/security/*.md @dave\n';

let fake: FakeGitLab;
let repo: TestRepo;
let api: GitLabApi;

beforeEach(async () => {
  repo = createTestRepo({ targetCodeowners: TARGET_CODEOWNERS, featureCodeowners: FEATURE_CODEOWNERS });
  fake = await startFakeGitLab(seed({ diff_refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: repo.headSha }, diffs: repo.apiDiffs() }));
  api = client(fake);
});
afterEach(async () => {
  await fake.close();
  rmSync(repo.dir, { recursive: true, force: true });
});

const OWNERS = parseCodeowners(TARGET_CODEOWNERS, 'CODEOWNERS');

function evidenceOptions(overrides: Partial<EvidenceOptions> = {}): EvidenceOptions {
  return {
    api,
    projectId: String(PROJECT_ID),
    iid: IID,
    gitRoot: repo.dir,
    author: { id: ALICE, username: 'alice' },
    paths: [ACCESS, BACKUP],
    owners: OWNERS.sections.flatMap((s) => s.entries.flatMap((e) => e.owners)),
    ...overrides,
  };
}

async function facts(overrides: Partial<EvidenceOptions> = {}): Promise<ApprovalFacts> {
  const evidence = await gatherApprovalEvidence(evidenceOptions(overrides));
  if (!evidence.verified) throw new Error(`not verified: ${evidence.reason}`);
  return evidence.facts;
}

const mr = () => fake.state.mergeRequest(PROJECT_ID, IID)!;
const document = (path: string) => documentSubject(path, { line: 1 });

describe('approval evidence from GitLab', () => {
  it('tells eligible owners from members of the wrong role, non-members and blocked users', async () => {
    // carol is in @acme/security but not a member of the project; bob is a maintainer; dave a developer.
    for (const id of [CAROL, BOB, DAVE]) fake.state.approve(mr(), id);
    const found = await facts();
    expect(found.approvals.map((a) => [a.username, typeof a.approvedAt])).toEqual([
      ['carol', 'string'],
      ['bob', 'string'],
      ['dave', 'string'],
    ]);
    expect(Object.fromEntries(found.ineligible)).toEqual({ [CAROL]: 'not a member of the project' });
    const owner = (text: string) => OWNERS.sections.flatMap((s) => s.entries.flatMap((e) => e.owners)).find((o) => o.text === text)!;
    expect(found.membership(owner('@acme/security'), CAROL)).toBe('yes');
    expect(found.membership(owner('@@maintainer'), BOB)).toBe('yes');
    expect(found.membership(owner('@@maintainer'), DAVE)).toBe('no');
    expect(Object.fromEntries(found.unresolvedOwners)).toEqual({ '@ghost': 'names no user and no group the token can see' });
    // bob (maintainer) and dave (named) count; carol does not: two of two.
    expect(judgeSubject(document(ACCESS), OWNERS, { verified: true, facts: found }, { committersMayApprove: false }, []).status).toBe('approved');

    fake.state.users.find((u) => u.id === DAVE)!.state = 'blocked';
    const blocked = await facts();
    expect(blocked.ineligible.get(DAVE)).toBe('account is blocked');
  });

  it('knows who pushed or committed: the pusher of every version, private commit emails and public emails', async () => {
    fake.state.users.find((u) => u.id === CAROL)!.public_email = 'Carol@Example.com';
    fake.state.push(mr(), {
      refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: repo.headSha },
      diffs: repo.apiDiffs(),
      by: BOB,
      commits: [
        { id: 'c'.repeat(40), message: 'Fix', author_email: `${DAVE}-dave@users.noreply.gitlab.example.com` },
        { id: 'd'.repeat(40), message: 'Tweak', author_email: 'someone@example.com', committer_email: 'carol@example.com' },
      ],
    });
    fake.state.approve(mr(), CAROL);
    // alice opened it with a push of her own (the seed's "added 1 commit").
    expect([...(await facts()).committerIds].sort()).toEqual([ALICE, BOB, CAROL, DAVE].sort());
  });

  it("dates each file's last change from the merge request's versions, by git blob or, without the commits, by the API's diffs", async () => {
    const firstVersion = mr().versions[0]!.created_at;
    repo.write(BACKUP, controlledDocument('Backup Policy', { extra: '\nMore.\n' }));
    const second = repo.commit('edit backup only');
    const { version } = fake.state.push(mr(), {
      refs: { base_sha: repo.baseSha, start_sha: repo.baseSha, head_sha: second },
      diffs: repo.apiDiffs(),
      by: ALICE,
      commits: [{ id: second, message: 'edit backup only' }],
    });
    const fromGit = await facts();
    expect(Object.fromEntries(fromGit.lastChangedAt)).toEqual({ [ACCESS]: firstVersion, [BACKUP]: version.created_at });

    // Force-pushed history the clone does not have: the versions' diffs decide.
    for (const v of mr().versions) v.head_commit_sha = `${v.id}`.padStart(40, 'f');
    const fromApi = await facts();
    expect(Object.fromEntries(fromApi.lastChangedAt)).toEqual({ [ACCESS]: firstVersion, [BACKUP]: version.created_at });
  });

  it('fails closed when GitLab cannot be asked, naming what and how to fix it', async () => {
    fake.faults.status(403, { path: '**/approvals', times: Infinity });
    const evidence = await gatherApprovalEvidence(evidenceOptions());
    expect(evidence).toMatchObject({ verified: false, reason: expect.stringMatching(/^GitLab could not be asked for the approvals \(GitLab API GET .*403/) });
    expect(!evidence.verified && evidence.fix).toContain('read_api');
  });

  it('cannot verify a member of a private group the token cannot see', async () => {
    fake.state.groups.find((g) => g.full_path === 'acme/security')!.visibility = 'private';
    fake.state.projects[0]!.members.push({ user_id: CAROL, access_level: 30 });
    fake.state.approve(mr(), CAROL);
    const found = await facts();
    const verdict = judgeSubject(document(ACCESS), OWNERS, { verified: true, facts: found }, { committersMayApprove: false }, []);
    expect(verdict.status).toBe('not-verified');
    expect(verdict.requirements[0]!.unverified).toEqual([
      "@acme/security is not a group the token can see (a private group the token's user is not a member of, or deleted)",
    ]);
  });
});

describe('trusted inputs', () => {
  const options = (overrides: Partial<TrustOptions> = {}): TrustOptions => ({
    gitRoot: repo.dir,
    cwd: repo.dir,
    configFlag: undefined,
    api: null,
    projectId: String(PROJECT_ID),
    targetBranch: 'main',
    policySha: repo.baseSha,
    baseSha: repo.baseSha,
    basePaths: [ACCESS],
    ...overrides,
  });

  it('reads the config and CODEOWNERS from the target commit, never the work tree', async () => {
    repo.write('.policylint.yml', 'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    excludePaths: ["**"]\n');
    const trusted = await resolveTrustedInputs(options());
    expect(trusted.source).toBe(`main at ${repo.baseSha.slice(0, 8)} (read from git)`);
    expect(trusted.config.classes[0]!.excludePaths).toEqual([]);
    expect(trusted.config.classes[0]!.rules['owner-approval']!.severity).toBe('off'); // as main has it
    expect(trusted.codeowners?.sections.map((s) => s.name)).toEqual(['codeowners', 'Controlled Documents', 'Legal']);
    expect(loadCodeowners(repo.dir)?.sections.map((s) => s.name)).toEqual(['codeowners', 'Controlled Documents']); // the work tree differs
    expect(Object.fromEntries(trusted.baseClasses)).toEqual({ [ACCESS]: 'controlled-document' });
  });

  it('reads them through the API at that SHA when the clone lacks the commit, and fails closed without either', async () => {
    const missing = 'e'.repeat(40);
    fake.state.projects[0]!.files = {
      [missing]: { '.policylint.yml': 'extends: gitlab-handbook\n', 'docs/CODEOWNERS': '* @bob\n', [ACCESS]: '---\ntitle: x\n---\n' },
    };
    const viaApi = await resolveTrustedInputs(options({ api, policySha: missing, baseSha: missing }));
    expect(viaApi.source).toBe('main at eeeeeeee (read from the API)');
    expect(viaApi.codeowners?.path).toBe('docs/CODEOWNERS');
    expect(Object.fromEntries(viaApi.baseClasses)).toEqual({ [ACCESS]: undefined }); // not flagged there
    await expect(resolveTrustedInputs(options({ policySha: missing }))).rejects.toThrow(TrustError);
    await expect(resolveTrustedInputs(options({ policySha: missing }))).rejects.toThrow(/is not in this clone .* no GitLab API access/);
  });

  it('fails closed when the target branch has no config or an invalid one', async () => {
    repo.git('checkout', '-q', 'main');
    repo.git('rm', '-q', '.policylint.yml');
    const noConfig = repo.commit('drop config');
    await expect(resolveTrustedInputs(options({ policySha: noConfig }))).rejects.toThrow(/has no policylint config .*merge the config first/);
    repo.write('.policylint.yml', 'extends: gitlab-handbook\nmaxFileBytes: lots\n');
    const invalid = repo.commit('bad config');
    await expect(resolveTrustedInputs(options({ policySha: invalid }))).rejects.toThrow(/config on the target branch is invalid/);
  });
});

describe('changed files', () => {
  it('follows every page of a 150-file diff', async () => {
    const diffs = Array.from({ length: 150 }, (_, i) => ({ new_path: `content/doc-${i}.md`, new_file: true, diff: '@@ -0,0 +1 @@\n+x\n' }));
    fake.state.pushVersion(mr(), { base_sha: 'b', start_sha: 'b', head_sha: 'h' }, diffs);
    const files = await changedFilesFromApi(api, PROJECT_ID, IID);
    expect(files).toHaveLength(150);
    expect(files[149]).toEqual({ oldPath: 'content/doc-149.md', newPath: 'content/doc-149.md', status: 'added', diff: '@@ -0,0 +1 @@\n+x\n' });
    expect(fake.requests.filter((r) => r.path.endsWith('/diffs')).map((r) => r.query.page ?? '1')).toEqual(['1', '2']);
  });

  it('fills collapsed and too-large diffs from git', async () => {
    const collapsed = repo.apiDiffs().map((d) => ({ ...d, diff: '', collapsed: true }));
    fake.state.pushVersion(mr(), mr().diff_refs!, collapsed);
    const fromApi = await changedFilesFromApi(api, PROJECT_ID, IID);
    expect(fromApi.every((f) => f.diff === null)).toBe(true);
    const filled = await fillHunksFromGit({ gitRoot: repo.dir, base: repo.baseSha, head: repo.headSha }, fromApi);
    expect(filled.map((f) => f.diff)).toEqual(repo.apiDiffs().map((d) => d.diff));
  });

  it('adds the documents whose owners a CODEOWNERS change affects; a config change adds nothing', async () => {
    const targetCodeowners = parseCodeowners(TARGET_CODEOWNERS, 'CODEOWNERS');
    const codeownersOnly = [{ oldPath: 'CODEOWNERS', newPath: 'CODEOWNERS', status: 'modified' as const, diff: null }];
    const selection = await selectFilesToLint({ gitRoot: repo.dir, changes: codeownersOnly, targetCodeowners });
    // The MR branch gives @dave every *.md, so the (uncontrolled) procedure page's owners change too.
    expect(selection.files).toEqual(['CODEOWNERS', ACCESS, BACKUP, 'content/handbook/security/controlled-document-procedure.md']);
    expect(selection.reasons).toEqual(['CODEOWNERS changed: also linting 3 document(s) whose owners change']);
    const config = [{ oldPath: '.policylint.yml', newPath: '.policylint.yml', status: 'modified' as const, diff: null }];
    expect((await selectFilesToLint({ gitRoot: repo.dir, changes: config, targetCodeowners })).files).toEqual(['.policylint.yml']);
  });
});
