// --shard: the shards of a run, together, report exactly what the unsharded run reports. Real
// files, real git repositories, the real engine; the CLI for the option and GitLab's variables.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFindings } from '../src/engine/findings.js';
import { lint, type LintResult, type RunOptions } from '../src/engine/run.js';
import { inShard, parseShard, shardFromEnvironment } from '../src/select/shard.js';
import { controlledDocument, makeTree, REPO_ROOT, runCli } from './support/cli.js';
import { gitWith } from './support/git.js';

const NOW = new Date('2026-11-27');

/** Every shard of a `total`-way split, run one after the other as GitLab's parallel jobs would. */
async function lintShards(options: RunOptions, total: number): Promise<LintResult[]> {
  const results: LintResult[] = [];
  for (let index = 1; index <= total; index++) results.push(await lint({ ...options, shard: { index, total } }));
  return results;
}

/** The shards' findings and linted files, merged as GitLab merges their reports. */
function merged(shards: readonly LintResult[]) {
  return {
    findings: shards.flatMap((result) => result.findings).sort(compareFindings),
    filesLinted: shards.flatMap((result) => result.filesLinted).sort(),
  };
}

async function expectShardsToAddUp(options: RunOptions): Promise<LintResult> {
  const whole = await lint(options);
  for (let total = 1; total <= 4; total++) {
    const shards = await lintShards(options, total);
    // Same findings, fingerprints included; a finding reported by two shards would appear twice here.
    expect(merged(shards), `${total} shards`).toEqual({ findings: whole.findings, filesLinted: whole.filesLinted });
    for (const shard of shards) expect(shard.rules).toEqual(whole.rules);
  }
  return whole;
}

describe('the union of the shards is the unsharded run', () => {
  it('on the example handbook', async () => {
    const whole = await expectShardsToAddUp({ cwd: REPO_ROOT, configPath: 'fixtures/handbook/.policylint.yml', patterns: ['fixtures/handbook'], now: NOW });
    expect(whole.filesLinted.length).toBeGreaterThan(3);
  });

  it('on a handbook whose project-wide findings, directives and file errors fall in every shard', async () => {
    const root = generatedHandbook();
    const whole = await expectShardsToAddUp({ cwd: root, now: NOW });
    const byRule = (ruleId: string, messageId?: string) =>
      whole.findings.filter((f) => f.ruleId === ruleId && (messageId === undefined || f.messageId === messageId));

    // What makes the comparison worth something: project-wide findings on documents and on CODEOWNERS,
    for (const messageId of ['noEntry', 'staleEntry', 'uncontrolledFile']) expect(byRule('codeowners-coverage', messageId), messageId).not.toEqual([]);
    expect(byRule('review-date').length).toBeGreaterThan(10);
    // a comment that suppressed a project-wide finding (so it is not reported as unused), another that suppressed nothing,
    const suppressed = (file: string) => !whole.findings.some((f) => f.path === file && f.ruleId === 'review-date');
    expect(['content/policies/waived-1.md', 'content/policies/waived-2.md', 'content/policies/waived-3.md'].every(suppressed)).toBe(true);
    expect(byRule('directives').map((f) => f.path)).toEqual(['content/policies/unused-comment.md']);
    // and files that cannot be parsed.
    expect(byRule('file-error').map((f) => f.path)).toEqual(['content/policies/binary.md', 'content/policies/nested.md']);

    // Each of two shards parses some of the documents, and each reports project-wide findings on its own.
    const two = await lintShards({ cwd: root, now: NOW }, 2);
    for (const shard of two) {
      expect(shard.filesLinted.length).toBeGreaterThan(5);
      expect(shard.findings.some((f) => f.ruleId === 'review-date')).toBe(true);
    }
  });
});

/** 30 controlled documents in a git repository last changed in 2020, with owners for some of them only. */
function generatedHandbook(): string {
  const policies = Array.from({ length: 24 }, (_, i) => `content/policies/policy-${String(i + 1).padStart(2, '0')}.md`);
  const files: Record<string, string | Buffer> = {
    '.policylint.yml': 'extends: gitlab-handbook\n',
    '.gitlab/CODEOWNERS': [
      '[Controlled Documents]',
      ...policies.slice(0, 12).map((file) => `/${file} @ciso`),
      '/content/policies/retired.md @ciso',
      '/content/notes/ @ciso',
      '',
    ].join('\n'),
    'content/notes/meeting.md': '# Meeting notes\n',
    'content/policies/binary.md': Buffer.from('---\ncontrolled_document: true\n---\n\0\0'),
    'content/policies/nested.md': `---\ncontrolled_document: true\ntitle: Nested\n---\n\n${'>'.repeat(5000)} deep\n`,
    'content/policies/unused-comment.md': controlledDocument(
      'Unused comment',
      '\n\n<!-- policylint-disable-next-line links -- nothing to hide -->\nPlain text.',
    ),
  };
  for (const file of policies) files[file] = controlledDocument(path.basename(file, '.md'));
  for (let i = 1; i <= 3; i++)
    files[`content/policies/waived-${i}.md`] = `<!-- policylint-disable review-date -- reviewed on paper -->\n${controlledDocument(`Waived ${i}`)}`;
  const root = makeTree(files, 'policylint-shard-');
  const git = (...args: string[]) => gitWith({ GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' })(root, ...args);
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('-c', 'user.name=T', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'handbook');
  return root;
}

describe('shard specs', () => {
  it('reads INDEX/TOTAL, 1-based', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, total: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, total: 1 });
  });

  it.each(['0/2', '3/2', '1/0', '2', '1/2/3', 'a/b', '-1/2', '1.5/2', ''])('rejects %j', (spec) => {
    expect(() => parseShard(spec)).toThrow(/--shard expects INDEX\/TOTAL with 1 ≤ INDEX ≤ TOTAL/);
  });

  it("takes GitLab's CI_NODE_INDEX/CI_NODE_TOTAL only in a parallel: job", () => {
    expect(shardFromEnvironment({ CI_NODE_INDEX: '3', CI_NODE_TOTAL: '5' })).toEqual({ index: 3, total: 5 });
    // GitLab sets CI_NODE_TOTAL=1 in every job that is not parallel.
    expect(shardFromEnvironment({ CI_NODE_TOTAL: '1' })).toBeUndefined();
    expect(() => shardFromEnvironment({ CI_NODE_INDEX: '2' })).toThrow(/CI_NODE_INDEX\/CI_NODE_TOTAL expects INDEX\/TOTAL .* got "2\/"/);
  });

  it('puts every path in exactly one shard, evenly', () => {
    const paths = Array.from({ length: 400 }, (_, i) => `content/handbook/page-${i}.md`);
    for (let total = 1; total <= 4; total++) {
      const counts = Array.from({ length: total }, (_, i) => paths.filter((file) => inShard({ index: i + 1, total }, file)).length);
      expect(counts.reduce((a, b) => a + b)).toBe(paths.length);
      // Balanced within 25% of an even split.
      for (const count of counts) expect(Math.abs(count - paths.length / total)).toBeLessThan(paths.length / total / 4);
    }
  });
});

describe('policylint --shard', () => {
  const args = ['--config', 'fixtures/handbook/.policylint.yml', '--format', 'json', 'fixtures/handbook'];
  const findings = (stdout: string) => JSON.parse(stdout) as Array<{ fingerprint: string }>;
  const fingerprints = (stdout: string) => findings(stdout).map((f) => f.fingerprint);

  it('lints one shard; CI_NODE_INDEX/CI_NODE_TOTAL choose it in a parallel: job, and the option wins over them', () => {
    const whole = runCli(args, { cwd: REPO_ROOT });
    expect(whole.code).toBe(1);
    const byOption = [1, 2].map((index) => runCli([...args, '--shard', `${index}/2`], { cwd: REPO_ROOT }));
    const byVariables = [1, 2].map((index) => runCli(args, { cwd: REPO_ROOT, env: { CI_NODE_INDEX: String(index), CI_NODE_TOTAL: '2' } }));
    for (const [index, run] of byOption.entries()) expect(fingerprints(byVariables[index]!.stdout)).toEqual(fingerprints(run.stdout));
    expect(byOption.flatMap((run) => fingerprints(run.stdout)).sort()).toEqual(fingerprints(whole.stdout).sort());
    expect(byOption.every((run) => findings(run.stdout).length < findings(whole.stdout).length)).toBe(true);

    const overridden = runCli([...args, '--shard', '1/1'], { cwd: REPO_ROOT, env: { CI_NODE_INDEX: '9', CI_NODE_TOTAL: '2' } });
    expect(overridden.stderr).toBe('');
    expect(fingerprints(overridden.stdout)).toEqual(fingerprints(whole.stdout));
  });

  it.each([
    [['--shard', '3/2'], {}, '--shard expects INDEX/TOTAL with 1 ≤ INDEX ≤ TOTAL (e.g. 2/4), got "3/2"'],
    [['--shard', 'half'], {}, 'got "half"'],
    [[], { CI_NODE_INDEX: '0', CI_NODE_TOTAL: '2' }, 'CI_NODE_INDEX/CI_NODE_TOTAL expects INDEX/TOTAL with 1 ≤ INDEX ≤ TOTAL (e.g. 2/4), got "0/2"'],
  ])('rejects %j %j with exit code 2', (extra, env, message) => {
    const run = runCli([...args, ...extra], { cwd: REPO_ROOT, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
