/**
 * `policylint evidence` from git alone, on a real repository with a dated history (see
 * buildScenarioHistory): what each change shows, renames and deletions followed, CODEOWNERS as it
 * was when each change landed, nothing `met` without GitLab, a fixed number of git commands, and
 * byte-identical output. The same history against the fake GitLab is in evidence-gitlab-run.test.ts.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Evidence, EvidenceDocument } from '../src/evidence/types.js';
import { makeTree, runCli } from './support/cli.js';
import { buildScenarioHistory, DOCS, HistoryBuilder, PEOPLE, policy, type Person } from './support/evidence-history.js';

const PERIOD = ['--since', '2026-01-01', '--until', '2026-06-30', '--now', '2026-07-01T08:00:00Z'];
const NO_TOKEN = { GITLAB_TOKEN: undefined, POLICYLINT_GITLAB_TOKEN: undefined, CI_SERVER_URL: undefined, CI_PROJECT_ID: undefined };

function evidenceOf(cwd: string, args: string[] = PERIOD, env: Record<string, string | undefined> = {}): Evidence {
  const result = runCli(['evidence', ...args, '--format', 'json'], { cwd, env: { ...NO_TOKEN, ...env } });
  expect(result.stderr).not.toMatch(/Error|at .*\.js/);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Evidence;
}

const byPath = (evidence: Evidence, file: string): EvidenceDocument => {
  const doc = evidence.documents.find((d) => d.path === file);
  if (!doc) throw new Error(`${file} is not in the evidence: ${evidence.documents.map((d) => d.path).join(', ')}`);
  return doc;
};

describe('evidence from git alone', () => {
  let repo: HistoryBuilder;
  let evidence: Evidence;
  beforeAll(() => {
    repo = buildScenarioHistory();
    evidence = evidenceOf(repo.dir);
  });
  afterAll(() => repo.dispose());

  it('lists every controlled document of the period, renamed and deleted ones too, and no uncontrolled page', () => {
    expect(evidence.documents.map((d) => [d.path, d.state, d.formerPaths])).toEqual([
      [DOCS.access, 'controlled', []],
      [DOCS.backup, 'controlled', []],
      [DOCS.renamed, 'controlled', [DOCS.old]],
      [DOCS.gone, 'deleted', []],
    ]);
    expect(JSON.stringify(evidence)).not.toContain(DOCS.notes);
  });

  it('records each change with its commit, author, merge commit and the commits the branch brought', () => {
    const [first] = byPath(evidence, DOCS.access).changes;
    expect(first).toMatchObject({
      commit: repo.commits.get('approved'),
      date: '2026-01-10T10:00:00+00:00',
      author: PEOPLE.maintainer,
      action: 'modified',
      classBefore: 'controlled-document',
      classAfter: 'controlled-document',
      commits: [{ sha: repo.branchCommits.get('approved')![0], author: PEOPLE.bob, subject: 'Clarify access reviews' }],
    });
    const rename = byPath(evidence, DOCS.renamed).changes[0]!;
    expect(rename).toMatchObject({ action: 'renamed', path: DOCS.renamed, oldPath: DOCS.old, commit: repo.commits.get('rename') });
    expect(byPath(evidence, DOCS.gone).changes[0]).toMatchObject({ action: 'deleted', path: DOCS.gone, classAfter: null });
  });

  it('requires the owners of CODEOWNERS as the target branch had it just before each change', () => {
    const [before, after] = byPath(evidence, DOCS.access).changes;
    expect(before!.requiredOwners).toMatchObject({ codeownersPath: 'CODEOWNERS', asOf: repo.git('rev-parse', 'HEAD~8').trim() });
    expect(before!.requiredOwners.entries.map((e) => e.owners)).toEqual([['@alice']]);
    expect(after!.requiredOwners.asOf).toBe(repo.commits.get('codeowners'));
    expect(after!.requiredOwners.entries.map((e) => e.owners)).toEqual([['@carol']]);
    // The owners at the period's end are today's.
    expect(byPath(evidence, DOCS.access).codeOwners).toEqual(['@carol']);
  });

  it('confirms nothing: every change is unverified, with the merge request and approvals the commit message names', () => {
    expect(evidence.source).toMatchObject({ kind: 'git', gitlabUrl: null });
    expect(evidence.source.note).toMatch(/No GitLab token .*unverified/);
    const changes = evidence.documents.flatMap((d) => d.changes);
    expect(changes).toHaveLength(7);
    expect(new Set(changes.map((c) => c.verdict))).toEqual(new Set(['unverified']));
    expect(evidence.summary).toMatchObject({ documents: 4, changes: 7, met: 0, notMet: [] });
    expect(evidence.summary.unverified).toHaveLength(7);
    for (const change of changes) expect(change.unverified).toEqual(['mergeRequest', 'approvals', 'verdict']);

    const [direct, authorOnly] = byPath(evidence, DOCS.backup).changes;
    expect(direct!.mergeRequest).toBeNull();
    expect(direct!.reasons.join(' ')).toMatch(/names no merge request: it may have been pushed directly/);
    expect(authorOnly!.mergeRequest).toMatchObject({ iid: 2, source: 'git', title: null });
    expect(authorOnly!.approvals).toEqual([
      { username: null, trailer: 'Bob Author <bob@example.com>', approvedAt: null, source: 'git', counted: null, why: null },
    ]);
    for (const entry of changes.flatMap((c) => c.requiredOwners.entries)) expect(entry.approvalsCounted).toBeNull();
  });

  it('lists review events, cited exceptions, and review status and owners at the period end', () => {
    expect(byPath(evidence, DOCS.backup).reviews).toEqual([
      { date: '2026-04-01T10:00:00+00:00', commit: repo.commits.get('review'), field: 'last_reviewed', from: '2024-01-15', to: '2026-04-01', mergeRequest: 7 },
    ]);
    expect(byPath(evidence, DOCS.access).exceptions).toEqual(['#42']);
    expect(byPath(evidence, DOCS.access).review).toEqual({ lastReviewed: '2025-06-01', due: '2026-06-01', status: 'overdue' });
    expect(byPath(evidence, DOCS.backup).review.status).toBe('ok');
    expect(evidence.summary.overdue).toEqual([DOCS.access]);
    expect(evidence.summary.noOwner).toEqual([]);
  });

  it('embeds the commit range, the config digest, the version and the time of generation', () => {
    expect(evidence.range).toEqual({ ref: 'HEAD', from: repo.git('rev-parse', 'HEAD~8').trim(), to: repo.git('rev-parse', 'HEAD').trim() });
    expect(evidence.config).toEqual({
      path: '.policylint.yml',
      sha256: createHash('sha256')
        .update(readFileSync(path.join(repo.dir, '.policylint.yml')))
        .digest('hex'),
    });
    expect(evidence.generator.name).toBe('policylint');
    expect(evidence.generatedAt).toBe('2026-07-01T08:00:00.000Z');
    expect(evidence.period).toEqual({ since: '2026-01-01', until: '2026-06-30' });
  });

  it('gives byte-identical output for the same inputs, in every format, and writes every format into a folder', () => {
    for (const format of ['json', 'csv', 'markdown', 'html']) {
      const once = runCli(['evidence', ...PERIOD, '--format', format], { cwd: repo.dir, env: NO_TOKEN });
      const twice = runCli(['evidence', ...PERIOD, '--format', format], { cwd: repo.dir, env: { ...NO_TOKEN, POLICYLINT_NOW: '2030-01-01' } });
      expect(once.code).toBe(0);
      expect(twice.stdout).toBe(once.stdout);
    }
    const out = makeTree({});
    const result = runCli(['evidence', ...PERIOD, '--output', `${out}/pack/`], { cwd: repo.dir, env: NO_TOKEN });
    expect(result.code).toBe(0);
    expect(readdirSync(path.join(out, 'pack')).sort()).toEqual(['csv', 'html', 'json', 'md'].map((ext) => `evidence-2026-01-01-to-2026-06-30.${ext}`));
    const csv = readFileSync(path.join(out, 'pack', 'evidence-2026-01-01-to-2026-06-30.csv'), 'utf8');
    expect(csv.trim().split('\n')).toHaveLength(1 + 7);
  });

  it('limits the period by the dates the changes reached the branch', () => {
    const march = evidenceOf(repo.dir, ['--since', '2026-03-01', '--until', '2026-03-10', '--now', '2026-07-01']);
    expect(march.documents.flatMap((d) => d.changes.map((c) => c.commit))).toEqual([repo.commits.get('old-owner'), repo.commits.get('rename')]);
    // Documents controlled in the period but not changed in it are in scope too.
    expect(march.summary.documents).toBe(4);
    const quiet = evidenceOf(repo.dir, ['--since', '2026-05-01', '--until', '2026-05-31', '--now', '2026-07-01']);
    expect(quiet.summary).toMatchObject({ documents: 3, changes: 0 });
    expect(quiet.range.from).toBe(quiet.range.to);
  });

  it('refuses a bad period, a bad ref and a shallow clone with a clear error', () => {
    const bad = runCli(['evidence', '--since', '2026-02-30', '--until', '2026-03-01'], { cwd: repo.dir, env: NO_TOKEN });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--since takes a day as YYYY-MM-DD, not "2026-02-30"/);
    const reversed = runCli(['evidence', '--since', '2026-03-01', '--until', '2026-02-01'], { cwd: repo.dir, env: NO_TOKEN });
    expect(reversed.stderr).toMatch(/--since 2026-03-01 is after --until 2026-02-01/);
    const ref = runCli(['evidence', ...PERIOD, '--ref', 'no-such-branch'], { cwd: repo.dir, env: NO_TOKEN });
    expect(ref.code).toBe(2);
    expect(ref.stderr).toMatch(/--ref no-such-branch names no commit/);
    const clone = makeTree({});
    repo.git('clone', '-q', '--depth', '3', `file://${repo.dir}`, path.join(clone, 'shallow'));
    const shallow = runCli(['evidence', ...PERIOD], { cwd: path.join(clone, 'shallow'), env: NO_TOKEN });
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toMatch(/this clone is shallow: run `git fetch --unshallow`/);
  });
});

describe('evidence of a branch whose dates are out of order', () => {
  it("keeps a backdated direct push among the period's changes, and says its date is not when it landed", () => {
    const doc = 'content/policy.md';
    const repo = new HistoryBuilder(
      { '.policylint.yml': 'extends: gitlab-handbook\n', CODEOWNERS: '* @alice\n', [doc]: policy('Policy') },
      '2025-12-01T00:00:00Z',
    );
    try {
      repo.merge('first', 1, PEOPLE.bob, '2026-01-05T10:00:00Z', 'First', { [doc]: policy('Policy') + '\nOne.\n' });
      const pushed = repo.push('backdated', PEOPLE.bob, '2025-06-01T10:00:00Z', 'Quietly', { [doc]: policy('Policy') + '\nTwo.\n' });
      repo.merge('second', 2, PEOPLE.bob, '2026-01-20T10:00:00Z', 'Second', { [doc]: policy('Policy') + '\nThree.\n' });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-01-31', '--now', '2026-02-01']);
      expect(evidence.documents[0]!.changes.map((change) => change.commit)).toEqual([repo.commits.get('first'), pushed, repo.commits.get('second')]);
      expect(evidence.summary.misdated).toEqual([{ commit: pushed, date: '2025-06-01T10:00:00+00:00' }]);
      expect(evidence.range.from).toBe(repo.git('rev-parse', 'HEAD~3').trim());
    } finally {
      repo.dispose();
    }
  });
});

describe('evidence when the config changes in the period', () => {
  it('judges each change by the config of its day, and a config change taking documents out of control is a change of theirs', () => {
    const doc = 'content/security/policy.md';
    const repo = new HistoryBuilder(
      { '.policylint.yml': 'extends: gitlab-handbook\n', CODEOWNERS: '* @alice\n', [doc]: policy('Policy'), 'content/other.md': policy('Other') },
      '2025-12-01T00:00:00Z',
    );
    try {
      const pushed = repo.push('push', PEOPLE.bob, '2026-01-10T10:00:00Z', 'Edit the policy', { [doc]: policy('Policy') + '\nEdited.\n' });
      const excluded = repo.merge('exclude', 1, PEOPLE.bob, '2026-02-10T10:00:00Z', 'Exclude security', {
        '.policylint.yml': 'extends: gitlab-handbook\nexclude: ["content/security/**"]\n',
      });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-03-31', '--now', '2026-04-01']);
      const security = evidence.documents.find((d) => d.path === doc)!;
      expect(security.state).toBe('no longer controlled');
      expect(security.changes.map((c) => [c.commit, c.action, c.classBefore, c.classAfter])).toEqual([
        [pushed, 'modified', 'controlled-document', 'controlled-document'],
        [excluded, 'reclassified', 'controlled-document', null],
      ]);
      expect(evidence.documents.map((d) => d.path)).toEqual(['content/other.md', doc]);
      // The digest is the config in force at the period's end, as committed.
      expect(evidence.config.sha256).toBe(createHash('sha256').update('extends: gitlab-handbook\nexclude: ["content/security/**"]\n').digest('hex'));
    } finally {
      repo.dispose();
    }
  });
});

describe('evidence at the edges: misdated commits, documents entering the set, citations moving', () => {
  const config = 'extends: gitlab-handbook\n';
  const doc = 'content/policy.md';

  it('places a commit dated before the one it follows, or after all that follow it, where it sits on the branch', () => {
    const repo = new HistoryBuilder({ '.policylint.yml': config, CODEOWNERS: '* @alice\n', [doc]: policy('Policy') }, '2025-12-01T00:00:00Z');
    try {
      repo.merge('jan', 1, PEOPLE.bob, '2026-01-10T10:00:00Z', 'January', { [doc]: `${policy('Policy')}\nJanuary.\n` });
      const back = repo.push('back', PEOPLE.bob, '2020-01-01T00:00:00Z', 'Backdated', { [doc]: `${policy('Policy')}\nBack.\n` });
      repo.merge('feb', 2, PEOPLE.bob, '2026-02-10T10:00:00Z', 'February', { [doc]: `${policy('Policy')}\nFebruary.\n` });
      const ahead = repo.push('ahead', PEOPLE.bob, '2030-01-01T00:00:00Z', 'Dated ahead', { [doc]: `${policy('Policy')}\nAhead.\n` });
      repo.merge('mar', 3, PEOPLE.bob, '2026-03-10T10:00:00Z', 'March', { [doc]: `${policy('Policy')}\nMarch.\n` });
      repo.merge('mar2', 4, PEOPLE.bob, '2026-03-20T10:00:00Z', 'March again', { [doc]: `${policy('Policy')}\nMarch again.\n` });
      const month = (since: string, until: string) => evidenceOf(repo.dir, ['--since', since, '--until', until, '--now', '2026-04-01']);
      const january = month('2026-01-01', '2026-01-31');
      expect(january.documents[0]!.changes.map((c) => c.commit)).toEqual([repo.commits.get('jan'), back]);
      expect(january.summary.misdated.map((c) => c.commit)).toEqual([back]);
      const february = month('2026-02-01', '2026-02-28');
      expect(february.documents[0]!.changes.map((c) => c.commit)).toEqual([repo.commits.get('feb'), ahead]);
      expect(february.summary.misdated.map((c) => c.commit)).toEqual([ahead]);
      expect(month('2026-03-01', '2026-03-31').documents[0]!.changes.map((c) => c.commit)).toEqual([repo.commits.get('mar'), repo.commits.get('mar2')]);
    } finally {
      repo.dispose();
    }
  });

  it('dates the review of a document a config change brings into the set by its last edit, not by that change', () => {
    const repo = new HistoryBuilder(
      { '.policylint.yml': `${config}exclude: ["content/drafts/**"]\n`, CODEOWNERS: '* @alice\n', 'content/drafts/old.md': policy('Old') },
      '2024-01-01T00:00:00Z',
    );
    try {
      const included = repo.merge('include', 1, PEOPLE.bob, '2026-01-15T10:00:00Z', 'Include drafts', { '.policylint.yml': config });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-03-31', '--now', '2026-04-01']);
      const old = evidence.documents.find((d) => d.path === 'content/drafts/old.md')!;
      expect(old.changes.map((c) => [c.commit, c.action, c.classBefore, c.classAfter])).toEqual([[included, 'reclassified', null, 'controlled-document']]);
      expect(old.review).toEqual({ lastReviewed: '2024-01-01', due: '2024-12-31', status: 'overdue' });
      expect(evidence.summary.overdue).toContain('content/drafts/old.md');
    } finally {
      repo.dispose();
    }
  });

  it('reads both sides of a change that moves a file into the set: no review event it did not make', () => {
    const page = policy('Moved', 'last_reviewed: 2025-11-01\n');
    const repo = new HistoryBuilder(
      { '.policylint.yml': `${config}exclude: ["drafts/**"]\n`, CODEOWNERS: '* @alice\n', 'drafts/moved.md': page },
      '2025-12-01T00:00:00Z',
    );
    try {
      repo.merge('move', 1, PEOPLE.bob, '2026-01-15T10:00:00Z', 'Publish', { 'content/moved.md': { renameFrom: 'drafts/moved.md' } });
      repo.merge('edit', 2, PEOPLE.bob, '2026-01-20T10:00:00Z', 'Edit', { 'content/moved.md': `${page}\nEdited.\n` });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-01-31', '--now', '2026-02-01']);
      const moved = evidence.documents.find((d) => d.path === 'content/moved.md')!;
      expect(moved.changes.map((c) => [c.action, c.oldPath, c.classBefore, c.classAfter])).toEqual([
        ['renamed', 'drafts/moved.md', null, 'controlled-document'],
        ['modified', null, 'controlled-document', 'controlled-document'],
      ]);
      expect(moved.reviews).toEqual([]);
    } finally {
      repo.dispose();
    }
  });

  it('lists an exception cited once a paragraph moves into the Exceptions section', () => {
    const body = (scope: string, exceptions: string) => `${policy('Policy')}\n## Scope\n\n${scope}\n\n## Exceptions\n\n${exceptions}\n`;
    const repo = new HistoryBuilder({ '.policylint.yml': config, [doc]: body('Background in #42.', 'None.') }, '2025-12-01T00:00:00Z');
    try {
      repo.merge('move', 1, PEOPLE.bob, '2026-01-15T10:00:00Z', 'Move', { [doc]: body('All systems.', 'Background in #42.') });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-01-31', '--now', '2026-02-01']);
      expect(evidence.documents[0]!.exceptions).toEqual(['#42']);
    } finally {
      repo.dispose();
    }
  });
});

describe('evidence of documents too large to read', () => {
  it('counts a page over maxFileBytes as the controlled document its path may be', () => {
    const doc = 'content/huge.md';
    const big = (n: number) => `# Huge\n\n${'x'.repeat(5000)}\n${n}\n`;
    const repo = new HistoryBuilder({ '.policylint.yml': 'extends: gitlab-handbook\nmaxFileBytes: 2000\n', [doc]: big(0) }, '2025-12-01T00:00:00Z');
    try {
      repo.merge('edit', 1, PEOPLE.bob, '2026-01-05T10:00:00Z', 'Edit', { [doc]: big(1) });
      const evidence = evidenceOf(repo.dir, ['--since', '2026-01-01', '--until', '2026-01-31', '--now', '2026-02-01']);
      expect(evidence.documents.map((d) => [d.path, d.class, d.changes.length])).toEqual([[doc, 'controlled-document', 1]]);
    } finally {
      repo.dispose();
    }
  });
});

describe('evidence reads git a fixed number of times', () => {
  /** How many git commands one export runs, through a `git` on PATH that counts itself. */
  function gitCommands(cwd: string): number {
    const bin = makeTree({});
    const log = path.join(bin, 'calls.log');
    const realGit = ['/usr/bin/git', '/usr/local/bin/git'].find((candidate) => existsSync(candidate))!;
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho "$1" >> '${log}'\nexec ${realGit} "$@"\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    expect(runCli(['evidence', ...PERIOD, '--format', 'json'], { cwd, env: { ...NO_TOKEN, PATH: `${bin}:${process.env.PATH}` } }).code).toBe(0);
    return readFileSync(log, 'utf8').trim().split('\n').length;
  }

  function historyOf(merges: number): HistoryBuilder {
    const files: Record<string, string> = { '.policylint.yml': 'extends: gitlab-handbook\n', CODEOWNERS: '* @alice\n' };
    for (let i = 0; i < 20; i++) files[`content/p${i}.md`] = policy(`Policy ${i}`, 'last_reviewed: 2025-12-01\n');
    const repo = new HistoryBuilder(files, '2025-12-01T00:00:00Z');
    const people: Person[] = [PEOPLE.alice, PEOPLE.bob, PEOPLE.carol];
    for (let i = 0; i < merges; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      const month = String(1 + Math.floor(i / 28)).padStart(2, '0');
      repo.merge(`m${i}`, i + 1, people[i % 3]!, `2026-${month}-${day}T10:00:00Z`, `Edit ${i}`, {
        [`content/p${i % 20}.md`]: policy(`Policy ${i % 20}`, 'last_reviewed: 2025-12-01\n') + `\nEdit ${i}.\n`,
      });
    }
    return repo;
  }

  it('runs no more git commands for 40 merges than for 4', () => {
    const small = historyOf(4);
    const large = historyOf(40);
    try {
      const few = gitCommands(small.dir);
      expect(few).toBeLessThanOrEqual(10);
      expect(gitCommands(large.dir)).toBeLessThanOrEqual(few);
    } finally {
      small.dispose();
      large.dispose();
    }
  });
});
