// The merge request as an attacker would write it: every way issue #9 found to switch the control
// off from inside the change it controls, each now a failing job that says whose approval is
// needed, and one legitimate merge request that passes with no findings.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MR_EXIT, runMergeRequest, type MergeRequestRunOptions } from '../src/gitlab/run.js';
import { startFakeGitLab, type FakeGitLab, type SeedDiffFile } from './fake-gitlab/server.js';
import { ALICE, BOB, CAROL, DAVE, fastRetry, IID, mergeRequestEnv, PROJECT_ID, seed, summaries } from './mr-fixtures.js';
import { ACCESS, controlledDocument } from './mr-repo.js';
import { gitWith } from './support/git.js';

vi.mock('../src/version.js', () => ({ VERSION: '0.0.0-test' }));

const PROCEDURE = 'content/handbook/security/controlled-document-procedure.md';
// dave owns the policies; bob owns the policy itself; carol owns legal pages.
const CODEOWNERS = [
  '[Controlled Documents]',
  '/content/handbook/security/*-policy.md @dave',
  '[Legal]',
  '/content/handbook/legal/ @carol',
  '[Policy]',
  '/.policylint.yml @bob',
  '/.policylint.yaml @bob',
  '/CODEOWNERS @bob',
  '/.gitlab-ci.yml @bob',
  '',
].join('\n');
const SECRET = 'SECRET-FROM-OUTSIDE-THE-REPOSITORY';

interface PushOptions {
  by?: number;
  /** Diff base of the new version (default: the scenario's base). */
  base?: string;
  /** Rewrites what the diffs API serves for the new version. */
  diffs?: (diffs: SeedDiffFile[]) => SeedDiffFile[];
}

/** A Code Quality issue of the run, with `shown`: its description and, on the next line, its details. */
interface Issue {
  check_name: string;
  description: string;
  location: { path: string };
  content?: { body: string };
  shown: string;
}

interface Scenario {
  dir: string;
  outside: string;
  baseSha: string;
  fake: FakeGitLab;
  git(...args: string[]): string;
  write(path: string, content: string): void;
  /** `git mv`, creating the target's folder. */
  move(from: string, to: string): void;
  /** Commits the work tree on the feature branch and tells the fake GitLab about the new version. */
  push(options?: PushOptions): string;
  run(
    options?: Partial<MergeRequestRunOptions> & { env?: NodeJS.ProcessEnv },
  ): Promise<{ code: number; stdout: string; stderr: string; codequality: string; issues: Issue[] }>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const datedGit = gitWith({ GIT_AUTHOR_DATE: '2026-11-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-11-01T00:00:00Z' });

/** main holds the policy (config, CODEOWNERS) and one controlled document; `feature` is the merge request's branch, its changes made by `change`. */
async function scenario(options: {
  config?: string;
  configPath?: string;
  codeowners?: string;
  main?: Record<string, string>;
  change: (s: Scenario) => void;
  push?: PushOptions;
}): Promise<Scenario> {
  const dir = mkdtempSync(join(tmpdir(), 'policylint-sec-'));
  const outside = mkdtempSync(join(tmpdir(), 'policylint-outside-'));
  const git = (...args: string[]) => datedGit(dir, ...args);
  const write = (path: string, content: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  };
  git('init', '-q', '-b', 'main');
  write(options.configPath ?? '.policylint.yml', options.config ?? 'extends: gitlab-handbook\n');
  write('CODEOWNERS', options.codeowners ?? CODEOWNERS);
  write(ACCESS, controlledDocument('Access Management Policy'));
  write(PROCEDURE, '---\ntitle: Controlled Document Procedure\n---\n\n## Exceptions\n\nHow to ask for one.\n');
  for (const [path, content] of Object.entries(options.main ?? {})) write(path, content);
  git('add', '-A');
  git('commit', '-q', '-m', 'main');
  const baseSha = git('rev-parse', 'HEAD').trim();
  git('update-ref', 'refs/remotes/origin/main', baseSha);
  git('checkout', '-q', '-b', 'feature');

  // What GitLab's diffs API serves: one entry per changed file (bulk/ files get a stand-in hunk, to stay fast).
  const apiDiffs = (base: string): SeedDiffFile[] => {
    const fields = git('diff', '--name-status', '-M', '-z', `${base}...HEAD`).split('\0').filter(Boolean);
    const rows: string[][] = [];
    for (const field of fields) {
      const last = rows.at(-1);
      if (last && (last.length < 2 || (last[0]!.startsWith('R') && last.length < 3))) last.push(field);
      else rows.push([field]);
    }
    return rows.map(([status, oldPath, newPath]) => {
      const path = newPath ?? oldPath!;
      let diff = '@@ -0,0 +1 @@\n+x\n';
      if (!path.startsWith('bulk/')) {
        const patch = git('diff', '-U3', '-M', `${base}...HEAD`, '--', ...(newPath ? [oldPath!, newPath] : [oldPath!]));
        diff = patch.includes('@@') ? patch.slice(patch.indexOf('@@')) : '';
      }
      return { old_path: oldPath!, new_path: path, new_file: status === 'A', deleted_file: status === 'D', renamed_file: status!.startsWith('R'), diff };
    });
  };

  const fake = await startFakeGitLab(seed({ diff_refs: null, diffs: [] }));
  // Approvals stay recorded across pushes in GitLab unless the project resets them: policylint must not rely on that.
  fake.state.project(PROJECT_ID)!.approval_settings.reset_approvals_on_push = false;
  fake.state.projects[0]!.members.push({ user_id: CAROL, access_level: 30 });
  const mr = fake.state.mergeRequest(PROJECT_ID, IID)!;
  let pushes = 0;
  const s: Scenario = {
    dir,
    outside,
    baseSha,
    fake,
    git,
    write,
    move: (from, to) => {
      mkdirSync(dirname(join(dir, to)), { recursive: true });
      git('mv', from, to);
    },
    push: ({ by = ALICE, base = baseSha, diffs = (d: SeedDiffFile[]) => d }: PushOptions = {}) => {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', `change ${++pushes}`);
      const head = git('rev-parse', 'HEAD').trim();
      fake.state.push(mr, {
        refs: { base_sha: base, start_sha: base, head_sha: head },
        diffs: diffs(apiDiffs(base)),
        by,
        commits: [{ id: head, message: `change ${pushes}` }],
      });
      return head;
    },
    run: async (runOptions = {}) => {
      let stdout = '';
      let stderr = '';
      const { env, ...rest } = runOptions;
      const code = await runMergeRequest({
        cwd: dir,
        env: mergeRequestEnv(fake.url, { baseSha, headSha: git('rev-parse', 'HEAD').trim() }, env),
        now: new Date('2026-11-27T00:00:00Z'),
        reports: [{ format: 'codequality', file: 'gl-code-quality-report.json' }],
        format: 'json',
        retry: fastRetry(),
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        ...rest,
      });
      const report = join(dir, 'gl-code-quality-report.json');
      const codequality = existsSync(report) ? readFileSync(report, 'utf8') : '';
      const issues = codequality ? (JSON.parse(codequality) as Array<Omit<Issue, 'shown'>>) : [];
      return {
        code,
        stdout,
        stderr,
        codequality,
        issues: issues.map((issue) => ({ ...issue, shown: issue.content ? `${issue.description}\n${issue.content.body}` : issue.description })),
      };
    },
  };
  options.change(s);
  s.push(options.push);
  cleanups.push(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  return s;
}

const approve = (s: Scenario, userId: number) => s.fake.state.approve(s.fake.state.mergeRequest(PROJECT_ID, IID)!, userId);
const checks = (result: { issues: Array<{ check_name: string; location: { path: string } }> }) =>
  result.issues.map((i) => `${i.check_name} ${i.location.path}`).sort();
const editAccess = (s: Scenario, extra = '\nOne more sentence.\n') => s.write(ACCESS, controlledDocument('Access Management Policy', { extra }));
const lastSummary = (s: Scenario) => summaries(s.fake).at(-1)?.body ?? '';

describe('a legitimate merge request', () => {
  it('passes with no findings once an owner other than the author approves after the last push', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    const unapproved = await s.run();
    expect(unapproved.code).toBe(MR_EXIT.findings);
    expect(checks(unapproved)).toEqual([`owner-approval ${ACCESS}`]);
    expect(unapproved.issues[0]!.shown).toContain(
      'needs 1 more code-owner approval from [Controlled Documents]\nCODEOWNERS entry: CODEOWNERS:2 /content/handbook/security/*-policy.md: @dave.',
    );

    approve(s, DAVE);
    const approved = await s.run();
    expect(approved.code).toBe(MR_EXIT.ok);
    expect(approved.issues).toEqual([]);
    const summary = lastSummary(s);
    expect(summary).toContain('### policylint: no findings');
    expect(summary).toContain('| content/handbook/security/access-policy.md | \\[\u200BControlled Documents\\] 1 of @\u200Bdave | ✔ @\u200Bdave | approved |');
  });
});

describe('the policy comes from the target branch', () => {
  it('ignores a config the merge request weakens, and asks its owners to approve the change', async () => {
    const s = await scenario({
      change: (s) => {
        s.write(
          '.policylint.yml',
          'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    excludePaths: ["**"]\n    when: [{ contains: "never there" }]\n    rules:\n      required-sections: "off"\n      owner-approval: "off"\n',
        );
        s.write(ACCESS, controlledDocument('Access Management Policy', { omit: 'Scope' }));
      },
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toEqual([`governance-files .policylint.yml`, `owner-approval ${ACCESS}`, `required-sections ${ACCESS}`]);
    expect(result.issues.find((i) => i.check_name === 'governance-files')!.shown).toContain(
      'needs 1 more code-owner approval from [Policy]\nCODEOWNERS entry: CODEOWNERS:6 /.policylint.yml: @bob.',
    );
    expect(result.stderr).toContain(`policy and CODEOWNERS from main at `);
  });

  it('reports an invalid config the merge request brings, without using it', async () => {
    const s = await scenario({ change: (s) => s.write('.policylint.yml', 'extends: gitlab-handbook\nmaxFileBytes: lots\n') });
    approve(s, BOB);
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toEqual(['governance-files .policylint.yml']);
    expect(result.issues[0]!.description).toContain('The policylint config as this merge request changes it is invalid');
  });

  it('takes who must approve from the target branch CODEOWNERS, and a CODEOWNERS change needs its own owners', async () => {
    const s = await scenario({
      change: (s) => {
        s.write('CODEOWNERS', CODEOWNERS.replace('*-policy.md @dave', '*-policy.md @alice'));
        editAccess(s);
      },
    });
    approve(s, ALICE);
    const result = await s.run();
    expect(checks(result)).toEqual(['governance-files CODEOWNERS', `owner-approval ${ACCESS}`]);
  });

  it('fails closed when the target branch cannot be read: no fallback to the merge request copy', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    // A shallow clone without the target commit, and GitLab failing to serve the file.
    const missing = 'a'.repeat(40);
    const mr = s.fake.state.mergeRequest(PROJECT_ID, IID)!;
    mr.diff_refs = { ...mr.diff_refs!, start_sha: missing };
    s.fake.faults.status(500, { path: '**/repository/files/**', times: Infinity });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.stderr).toMatch(/nothing was checked: cannot read the policy in force: cannot read \.policylint\.yml at aaaaaaaa through the API/);
  });
});

describe('documents leaving the controlled set', () => {
  const leaving = async (change: (s: Scenario) => void, path: string, detail: string) => {
    const s = await scenario({ change });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    const finding = result.issues.find((i) => i.check_name === 'codeowners-coverage' && i.location.path === path);
    expect(finding?.shown).toBe(
      `${path} leaves the controlled set (${detail}), so it needs 1 more code-owner approval from [Controlled Documents]\nCODEOWNERS entry: CODEOWNERS:2 /content/handbook/security/*-policy.md: @dave.`,
    );
    approve(s, DAVE);
    expect((await s.run()).issues.filter((i) => i.check_name === 'codeowners-coverage')).toEqual([]);
  };

  it('when the flag is removed', () =>
    leaving(
      (s) => s.write(ACCESS, controlledDocument('Access Management Policy').replace('controlled_document: true\n', '')),
      ACCESS,
      'no longer selected as a controlled document: its front matter or text no longer matches',
    ));

  it('when it is deleted', () => leaving((s) => s.git('rm', '-q', ACCESS), ACCESS, 'deleted'));

  it('when it is renamed to .markdown', () =>
    leaving(
      (s) => s.move(ACCESS, ACCESS.replace(/\.md$/, '.markdown')),
      ACCESS.replace(/\.md$/, '.markdown'),
      `renamed to ${ACCESS.replace(/\.md$/, '.markdown')}, which the policy does not select`,
    ));

  it("when it moves out of its class's paths", async () => {
    const archived = 'content/archive/access-policy.md';
    const s = await scenario({
      config: 'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    paths: ["content/handbook/**/*.md"]\n',
      change: (s) => s.move(ACCESS, archived),
    });
    const result = await s.run();
    expect(result.issues.find((i) => i.check_name === 'codeowners-coverage')?.shown).toBe(
      `${archived} leaves the controlled set (renamed to ${archived}, which the policy does not select), so it needs 1 more code-owner approval from [Controlled Documents]\nCODEOWNERS entry: CODEOWNERS:2 /content/handbook/security/*-policy.md: @dave.`,
    );
  });

  it('stays controlled in a folder named like ..x, and a move needs the old path owners too', async () => {
    const odd = 'content/..x/access-policy.md';
    const s = await scenario({ change: (s) => s.move(ACCESS, odd) });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.issues.find((i) => i.check_name === 'owner-approval')?.shown).toBe(
      `${odd} (renamed from ${ACCESS}) needs 1 more code-owner approval from [Controlled Documents]\nCODEOWNERS entry: CODEOWNERS:2 /content/handbook/security/*-policy.md: @dave.`,
    );
  });

  it('a move between owners needs the owners of the old and the new path', async () => {
    const legal = 'content/handbook/legal/access-policy.md';
    const s = await scenario({
      codeowners: CODEOWNERS.replace('[Legal]', '/content/handbook/legal/*-policy.md @carol\n[Legal]'),
      // Other documents keep both entries in use.
      main: {
        'content/handbook/legal/privacy-policy.md': controlledDocument('Privacy Policy'),
        'content/handbook/security/backup-policy.md': controlledDocument('Backup Policy'),
      },
      change: (s) => s.move(ACCESS, legal),
    });
    approve(s, CAROL);
    const result = await s.run();
    expect(result.issues.filter((i) => i.check_name === 'owner-approval').map((i) => i.shown)).toEqual([
      `${legal} (renamed from ${ACCESS}) needs 1 more code-owner approval from [Controlled Documents]\nCODEOWNERS entry: CODEOWNERS:2 /content/handbook/security/*-policy.md: @dave.\nNot counted: @carol (not a code owner of this entry).`,
    ]);
    approve(s, DAVE);
    const both = await s.run();
    expect(both.issues).toEqual([]);
    expect(both.code).toBe(MR_EXIT.ok);
  });
});

describe('approvals that cannot be verified fail closed', () => {
  const unverified = (result: { code: number; issues: Issue[] }, reason: RegExp) => {
    expect(result.code).toBe(MR_EXIT.findings);
    const finding = result.issues.find((i) => i.check_name === 'owner-approval');
    expect(finding?.shown).toMatch(reason);
  };

  it('without a token', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    unverified(
      await s.run({ env: { GITLAB_TOKEN: undefined } }),
      /^Code-owner approval of .* was not verified: there is no GitLab token \(GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set\)\nAdd a project access token/,
    );
  });

  it('in a fork merge request without the project token', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    unverified(
      await s.run({ env: { GITLAB_TOKEN: undefined, CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '99' } }),
      /this is a fork merge request, and its pipeline has no GitLab token\nA maintainer runs the pipeline in the parent project/,
    );
  });

  it('when the approvals API keeps failing, and the summary never says "no findings"', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    s.fake.faults.status(502, { method: 'GET', path: '**/merge_requests/*/approvals', times: Infinity });
    unverified(await s.run(), /was not verified: GitLab could not be asked for the approvals \(GitLab API GET .* failed after 4 attempts: 502/);
    expect(lastSummary(s)).not.toContain('no findings');
    expect(lastSummary(s)).toContain('**not verified**');
  });

  it('when the owning group is private to the token', async () => {
    const s = await scenario({ codeowners: CODEOWNERS.replace('*-policy.md @dave', '*-policy.md @acme/security'), change: (s) => editAccess(s) });
    s.fake.state.groups.find((g) => g.full_path === 'acme/security')!.visibility = 'private';
    approve(s, CAROL);
    unverified(await s.run(), /approvals that might count could not be verified\n.*Not verified: @acme\/security is not a group the token can see/s);
  });
});

describe('comments cannot switch the control off', () => {
  it('a disable comment on line 1 of a banner-selected document hides no approval, and naming the rule is itself an error', async () => {
    const banner = 'content/handbook/security/banner-policy.md';
    const body = controlledDocument('Banner Policy').replace('controlled_document: true\n', '');
    const s = await scenario({
      main: { [banner]: `${body}\nThis is a Controlled Document.\n` },
      change: (s) =>
        s.write(
          banner,
          `<!-- policylint-disable -- nothing to see -->\n<!-- policylint-disable owner-approval codeowners-coverage -- trust me -->\n${body}\nThis is a Controlled Document.\nEdited.\n`,
        ),
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toEqual([`directives ${banner}`, `directives ${banner}`, `owner-approval ${banner}`]);
    expect(
      result.issues
        .filter((i) => i.check_name === 'directives')
        .map((i) => i.description)
        .sort(),
    ).toEqual([
      'policylint-disable codeowners-coverage has no effect: codeowners-coverage is part of the control',
      'policylint-disable owner-approval has no effect: owner-approval is part of the control',
    ]);
  });
});

describe('separation of duties', () => {
  it("never counts the author's own approval", async () => {
    const s = await scenario({ codeowners: CODEOWNERS.replace('*-policy.md @dave', '*-policy.md @alice'), change: (s) => editAccess(s) });
    approve(s, ALICE);
    const result = await s.run();
    expect(result.issues.map((i) => i.shown)).toEqual([expect.stringContaining('Not counted: @alice (author of the merge request)')]);
  });

  it('never counts an approval given before a later push changed the document', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    expect((await s.run()).code).toBe(MR_EXIT.ok);
    editAccess(s, '\nA change after the approval.\n');
    s.push();
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.issues[0]!.shown).toContain(`Not counted: @dave (approved before the last change to ${ACCESS})`);
  });

  it('keeps an approval when later pushes change only other files', async () => {
    const s = await scenario({ change: (s) => editAccess(s) });
    approve(s, DAVE);
    s.write('content/handbook/notes.md', '# Notes\n');
    s.push();
    expect((await s.run()).code).toBe(MR_EXIT.ok);
  });

  it('does not count a named owner who is not an eligible project member, nor people who pushed commits', async () => {
    const s = await scenario({ codeowners: CODEOWNERS.replace('*-policy.md @dave', '*-policy.md @dave @bob @erin'), change: (s) => editAccess(s) });
    s.fake.state.users.push({ id: 6, username: 'erin', state: 'active', bot: false, public_email: '' });
    s.fake.state.projects[0]!.members.push({ user_id: 6, access_level: 20 });
    editAccess(s, '\nBob pushes too.\n');
    s.push({ by: BOB });
    approve(s, 6);
    approve(s, BOB);
    const result = await s.run();
    expect(result.issues[0]!.shown).toContain('Not counted: @bob (pushed or authored commits of the merge request), @erin (project role below Developer)');
  });
});

describe('symbolic links and sizes', () => {
  it('never writes a report through a committed symlink', async () => {
    const s = await scenario({ change: () => undefined });
    writeFileSync(join(s.outside, 'profile'), 'original\n');
    symlinkSync(join(s.outside, 'profile'), join(s.dir, 'gl-code-quality-report.json'));
    await s.run();
    expect(readFileSync(join(s.outside, 'profile'), 'utf8')).toBe('original\n');
  });

  it('never reads a document through a symlink leaving the repository, nor quotes it', async () => {
    const s = await scenario({
      change: (s) => {
        writeFileSync(join(s.outside, 'secret.md'), `---\ntitle: "${SECRET}"\ncontrolled_document: true\n---\n\n## ${SECRET}\n`);
        rmSync(join(s.dir, ACCESS));
        symlinkSync(join(s.outside, 'secret.md'), join(s.dir, ACCESS));
      },
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toContain(`file-error ${ACCESS}`);
    expect(checks(result)).toContain(`owner-approval ${ACCESS}`);
    for (const text of [result.stdout, result.stderr, result.codequality, lastSummary(s)]) expect(text).not.toContain(SECRET);
  });

  it('never quotes a CODEOWNERS the merge request links to a file outside, and asks its owners', async () => {
    const s = await scenario({
      change: (s) => {
        writeFileSync(join(s.outside, 'passwd'), `root:${SECRET}:0:0\n`);
        rmSync(join(s.dir, 'CODEOWNERS'));
        symlinkSync(join(s.outside, 'passwd'), join(s.dir, 'CODEOWNERS'));
      },
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toContain('governance-files CODEOWNERS');
    for (const text of [result.stdout, result.stderr, result.codequality, lastSummary(s)]) expect(text).not.toContain(SECRET);
  });

  it('reads linked pages bounded: a link to /dev/zero does not hang the run', async () => {
    const s = await scenario({
      change: (s) => {
        symlinkSync('/dev/zero', join(s.dir, 'content/handbook/security/zero.md'));
        editAccess(s, '\nSee [zero](zero.md#anchor).\n');
      },
    });
    approve(s, DAVE);
    const started = Date.now();
    await s.run();
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('changes GitLab does not list', () => {
  it('a controlled document changed beyond GitLab diff limits (more than 1000 files: the diffs API lists the first 1000) still needs its owners', async () => {
    const s = await scenario({
      change: (s) => {
        for (let i = 0; i < 1000; i++) s.write(`bulk/${String(i).padStart(4, '0')}.txt`, `${i}\n`);
        editAccess(s, '\nEveryone may grant themselves admin access.\n');
      },
      // GitLab stores at most diff_max_files (1000) files of an overflowing diff: the rest are not served.
      push: { diffs: (diffs) => diffs.slice(0, 1000) },
    });
    const mr = s.fake.state.mergeRequest(PROJECT_ID, IID)!;
    mr.versions[0]!.state = 'overflow';
    expect(mr.diffs.some((d) => d.new_path === ACCESS)).toBe(false);
    const result = await s.run();
    expect(checks(result)).toContain(`owner-approval ${ACCESS}`);
    expect(result.code).toBe(MR_EXIT.findings);
  }, 60_000);
});

describe('changes GitLab has not computed yet', () => {
  it('a pipeline that runs before GitLab computed the diff (diff_refs null, no versions, empty diffs) does not pass vacuously', async () => {
    const s = await scenario({ change: (s) => editAccess(s, '\nEveryone may grant themselves admin access.\n') });
    const mr = s.fake.state.mergeRequest(PROJECT_ID, IID)!;
    // As publish.ts says: "Null right after the MR was created, until GitLab computes the diff".
    mr.diff_refs = null;
    mr.diffs = [];
    mr.versions = [];
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toContain(`owner-approval ${ACCESS}`);
  });
});

describe('the policy in force can be replaced without its owners', () => {
  it('adding .policylint.yml next to the target branch .policylint.yaml (it takes precedence once merged) is a governance change', async () => {
    const s = await scenario({
      configPath: '.policylint.yaml',
      change: (s) =>
        s.write(
          '.policylint.yml',
          'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      owner-approval: "off"\n      codeowners-coverage: "off"\n',
        ),
    });
    const result = await s.run();
    expect(result.stderr).toContain('policy and CODEOWNERS from main');
    expect(checks(result)).toContain('governance-files .policylint.yml');
    expect(result.code).toBe(MR_EXIT.findings);
  });
});

describe('files outside the repository', () => {
  it('never reads or quotes a file outside the repository through a symlinked .policylint.yml', async () => {
    const s = await scenario({
      change: (s) => {
        writeFileSync(join(s.outside, 'token.txt'), `${SECRET}\n`);
        rmSync(join(s.dir, '.policylint.yml'));
        symlinkSync(join(s.outside, 'token.txt'), join(s.dir, '.policylint.yml'));
      },
    });
    approve(s, BOB);
    const result = await s.run();
    const posted = s.fake.state
      .notesOf(s.fake.state.mergeRequest(PROJECT_ID, IID)!)
      .map((n) => n.body)
      .join('\n');
    expect(posted).not.toContain(SECRET);
    for (const text of [result.stdout, result.stderr, result.codequality]) expect(text).not.toContain(SECRET);
    // The symlinked policy is still a governance change that needs its owner's approval, not a silent pass.
    expect(result.code).toBe(MR_EXIT.findings);
    expect(checks(result)).toContain('governance-files .policylint.yml');
  });
});

describe('documents leaving the controlled set', () => {
  it('unflagging a document into a second class that has no owner-approval still needs the old owners', async () => {
    const s = await scenario({
      // A common setup: every handbook page is linted for links; controlled documents get the whole procedure.
      config: 'extends: gitlab-handbook\nclasses:\n  handbook-page:\n    paths: ["content/**/*.md"]\n    rules:\n      links: warn\n',
      change: (s) =>
        s.write(
          ACCESS,
          controlledDocument('Access Management Policy', { extra: '\nEveryone may grant themselves admin access.\n' }).replace(
            'controlled_document: true\n',
            '',
          ),
        ),
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.issues.some((i) => i.location.path === ACCESS && (i.check_name === 'codeowners-coverage' || i.check_name === 'owner-approval'))).toBe(true);
  });

  it('deleting a controlled document needs its owners even when the codeowners-coverage lint is switched off', async () => {
    const s = await scenario({
      config: 'extends: gitlab-handbook\nclasses:\n  controlled-document:\n    rules:\n      codeowners-coverage: "off"\n',
      change: (s) => s.git('rm', '-q', ACCESS),
    });
    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.issues.map((i) => i.location.path)).toContain(ACCESS);
  });
});

describe('stale approvals', () => {
  it('an approval given before a merge from the target branch that reverts a controlled document does not count', async () => {
    // v1 touches only notes; dave approves it.
    const s = await scenario({ change: (s) => s.write('content/handbook/notes.md', '# Notes\n') });
    approve(s, DAVE);
    // The target branch then gets a reviewed change to the policy...
    s.git('checkout', '-q', 'main');
    editAccess(s, '\nMFA is mandatory.\n');
    s.git('commit', '-q', '-am', 'reviewed policy change');
    const newMain = s.git('rev-parse', 'HEAD').trim();
    s.git('update-ref', 'refs/remotes/origin/main', newMain);
    s.git('checkout', '-q', 'feature');
    // ...and the author merges it, but keeps the old text: the merge request now reverts the policy.
    s.git('merge', '-q', '--no-commit', 'main');
    s.git('checkout', s.baseSha, '--', ACCESS);
    s.push({ base: newMain });
    expect(s.fake.state.mergeRequest(PROJECT_ID, IID)!.diffs.map((d) => d.new_path)).toContain(ACCESS);

    const result = await s.run();
    expect(result.code).toBe(MR_EXIT.findings);
    expect(result.issues.find((i) => i.check_name === 'owner-approval' && i.location.path === ACCESS)?.shown).toContain(
      'Not counted: @dave (approved before the last change',
    );
  });
});

describe('legitimate merge requests', () => {
  it('passes with the config in a subdirectory (--config handbook/.policylint.yml) once the owner approves', async () => {
    const doc = 'handbook/content/handbook/security/access-policy.md';
    const s = await scenario({
      configPath: 'handbook/.policylint.yml',
      codeowners: '[Controlled Documents]\n/handbook/content/handbook/security/*-policy.md @dave\n[Policy]\n/handbook/.policylint.yml @bob\n/CODEOWNERS @bob\n',
      main: {
        [doc]: controlledDocument('Access Management Policy'),
        'handbook/content/handbook/security/controlled-document-procedure.md':
          '---\ntitle: Controlled Document Procedure\n---\n\n## Exceptions\n\nHow to ask for one.\n',
      },
      change: (s) => s.write(doc, controlledDocument('Access Management Policy', { extra: '\nOne more sentence.\n' })),
    });
    const unapproved = await s.run({ configPath: 'handbook/.policylint.yml' });
    expect(unapproved.issues.find((i) => i.check_name === 'owner-approval')?.description).toContain(
      'needs 1 more code-owner approval from [Controlled Documents]',
    );
    approve(s, DAVE);
    const approved = await s.run({ configPath: 'handbook/.policylint.yml' });
    // CODEOWNERS is read at the top of the repository, and matches repository paths.
    expect(approved.issues.map((i) => `${i.check_name}: ${i.description}`)).toEqual([]);
    expect(approved.code).toBe(MR_EXIT.ok);
  });
});
