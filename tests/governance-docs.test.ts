/**
 * docs/governance.md is a walkthrough a new user follows from a clone of policylint: this test runs
 * every command of its ```sh blocks, in order, in one shell from the repository root, as the page
 * says, and compares what they print with the page.
 *
 * - A ```text or ```json block right after a ```sh block shows the output of that block's first
 *   command that prints something (or, for a command with `--output FILE`, that file). A line `…`
 *   stands for any number of lines.
 * - `/tmp/` is a scratch folder of the test's own, in the commands and in their output; files the
 *   page writes with `--output` go there too, not into the checkout.
 * - The fake GitLabs the page starts in the background run in this process, on the seeds the page
 *   names; `http://127.0.0.1:<port>` stands for the one started last, in commands and in output. `npm run build` is left out: the suite
 *   runs on a fresh build.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed, type SeedData } from './fake-gitlab/seed.js';
import { seedFromJson, startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { REPO_ROOT } from './support/cli.js';

const PAGE = 'docs/governance.md';
const FAKE_SERVER = /^node dist\/scripts\/fake-gitlab-server\.js (\S+) &/;
const STEP_MARK = '@@governance-docs-step';
const FAKE_URL = 'http://127.0.0.1:<port>';

interface Block {
  lang: string;
  text: string;
  line: number;
}

interface Step {
  command: string;
  /** The fake GitLab the command talked to, for its `http://127.0.0.1:<port>` in the output shown. */
  url: string | undefined;
  /** The output block shown for this sh block, with the line it starts on. */
  block: number;
}

/** The page's fenced blocks, de-indented (some sit in list items). */
function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent, lang] = open;
    let end = i + 1;
    while (!/^\s*```\s*$/.test(lines[end]!)) end++;
    const body = lines.slice(i + 1, end).map((line) => (line.startsWith(indent!) ? line.slice(indent!.length) : line));
    blocks.push({ lang: lang!, text: body.join('\n'), line: i + 2 });
    i = end;
  }
  return blocks;
}

/** Whether `actual` is `expected` with each `…` line standing for any number of lines. */
function matchesWithGaps(expected: readonly string[], actual: readonly string[]): boolean {
  const [first, ...rest] = expected;
  if (first === undefined) return actual.length === 0;
  if (first.trim() === '…') return actual.some((_, skip) => matchesWithGaps(rest, actual.slice(skip))) || matchesWithGaps(rest, []);
  return actual[0] === first && matchesWithGaps(rest, actual.slice(1));
}

const lines = (text: string) =>
  text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n/g, '\n')
    .trimEnd()
    .split('\n')
    .map((line) => line.trimEnd());

let scratch: string;
/** The fake GitLabs the page starts, by seed; commands talk to the one started last. */
const fakes = new Map<string, FakeGitLab>();
const blocks = fencedBlocks(readFileSync(path.join(REPO_ROOT, PAGE), 'utf8'));
/** Each command's stdout, in page order. */
const outputs: string[] = [];
const steps: Step[] = [];
let shellErrors = '';

function runShell(script: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { cwd: REPO_ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

/** What a sh block's output block shows: its first command that prints, or the file its `--output` wrote. */
function shownOutput(block: number): string {
  const mine = steps.map((step, index) => ({ ...step, output: outputs[index] ?? '' })).filter((step) => step.block === block);
  const printing = mine.find((step) => step.output.trim() !== '');
  if (printing) return printing.output;
  const written = mine.map((step) => /--output (\S+)/.exec(step.command)?.[1]).find((file) => file !== undefined);
  return written && existsSync(written) ? readFileSync(written, 'utf8') : '';
}

describe(PAGE, () => {
  beforeAll(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'policylint-governance-docs-'));
    const script: string[] = [];
    for (const [index, block] of blocks.entries()) {
      if (block.lang !== 'sh') continue;
      for (const raw of block.text.split('\n')) {
        const command = raw.replaceAll('/tmp/', `${scratch}/`).replace(/--output (?!\/)/, `--output ${scratch}/`);
        if (command.trim() === '' || command.startsWith('#') || command.startsWith('npm run build')) continue;
        const server = FAKE_SERVER.exec(command);
        if (server) {
          // The page starts each seed's fake once and keeps it running; so does the test.
          const seed = server[1]!;
          const started = fakes.get(seed) ?? (await startFakeGitLab(await seedFromJson(path.join(REPO_ROOT, seed))));
          fakes.delete(seed);
          fakes.set(seed, started);
          continue;
        }
        const url = [...fakes.values()].at(-1)?.url;
        script.push(`echo '${STEP_MARK}'`, url ? command.replaceAll(FAKE_URL, url) : command);
        steps.push({ command, url, block: index });
      }
    }
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    for (const key of ['FORCE_COLOR', 'POLICYLINT_NOW', 'GITLAB_TOKEN', 'POLICYLINT_GITLAB_TOKEN', 'CI_SERVER_URL', 'CI_API_V4_URL', 'CI_PROJECT_ID', 'CI'])
      delete env[key];
    const { stdout, stderr } = await runShell(script.join('\n'), env);
    shellErrors = stderr;
    outputs.push(...stdout.split(`${STEP_MARK}\n`).slice(1));
  }, 120_000);

  afterAll(async () => {
    for (const fake of fakes.values()) await fake.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const shown = blocks.flatMap((block, index) =>
    index > 0 && blocks[index - 1]!.lang === 'sh' && (block.lang === 'text' || block.lang === 'json') ? [{ block, sh: index - 1 }] : [],
  );

  it('has the walkthrough this test runs', () => {
    expect(shown.length).toBeGreaterThanOrEqual(8);
    expect(steps.some((step) => step.command.includes('reviews --sync-issues --apply'))).toBe(true);
    expect(steps.some((step) => step.command.includes('GITLAB_TOKEN=') && step.command.includes(' exceptions '))).toBe(true);
  });

  // The register's and the evidence's examples show commits of policylint's own history: a copy of the tree without it (no
  // clone) cannot print them, nor can a shallow clone, which the evidence refuses. The evidence demo's commits are its bundle's.
  const shallow = spawnSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout.trim() === 'true';
  const demo = mkdtempSync(path.join(os.tmpdir(), 'policylint-evidence-demo-'));
  spawnSync('git', ['clone', '-q', path.join(REPO_ROOT, 'fixtures/evidence-demo/handbook.bundle'), demo]);
  afterAll(() => rmSync(demo, { recursive: true, force: true }));
  const known = (hash: string) => [REPO_ROOT, demo].some((cwd) => spawnSync('git', ['cat-file', '-e', `${hash}^{commit}`], { cwd }).status === 0);
  const hasCommits = (text: string) => [...text.matchAll(/\b[0-9a-f]{12}(?:[0-9a-f]{28})?\b/g)].every(([hash]) => known(hash));
  // The example handbook's evidence is read from policylint's own history.
  const readsOwnHistory = (sh: number) => shallow && blocks[sh]!.text.includes('evidence --config fixtures/handbook');
  for (const { block, sh } of shown)
    it.skipIf(!hasCommits(block.text) || readsOwnHistory(sh))(`prints what the block at line ${block.line} shows`, () => {
      const url = steps.filter((step) => step.block === sh).at(-1)?.url;
      const expected = lines(block.text.replaceAll('/tmp/', `${scratch}/`).replaceAll(FAKE_URL, url ?? FAKE_URL));
      const actual = lines(shownOutput(sh));
      expect(matchesWithGaps(expected, actual), `${shellErrors}\n${actual.join('\n')}`).toBe(true);
    });

  it('applies the review issues, then a re-run changes nothing, as the page says', () => {
    const page = readFileSync(path.join(REPO_ROOT, PAGE), 'utf8');
    const summaries = [...page.matchAll(/`(\d+ created, \d+ updated, \d+ closed, \d+ unchanged)`/g)].map((match) => match[1]);
    const applied = steps.flatMap((step, index) => (step.command.includes('reviews --sync-issues --apply') ? [lines(outputs[index] ?? '').at(-1)] : []));
    expect(applied).toEqual(['2 created, 0 updated, 0 closed, 0 unchanged', '0 created, 0 updated, 0 closed, 2 unchanged']);
    expect(summaries).toEqual(applied);
  });

  it('wrote the register as CSV and HTML where the page says', () => {
    expect(readFileSync(path.join(scratch, 'register.csv'), 'utf8').startsWith('\uFEFFID,Title,')).toBe(true);
    expect(readFileSync(path.join(scratch, 'public/register.html'), 'utf8')).toContain('Access Management Policy');
  });
});

describe('the fake GitLab seed the page runs against', () => {
  it('seeds issues numbered per project, closed ones closed', async () => {
    const seed = await seedFromJson(path.join(REPO_ROOT, 'fixtures/fake-gitlab/governance.json'));
    const server = await startFakeGitLab(seed);
    try {
      const exceptions = server.state.issues.filter((issue) => issue.project_id === 43);
      expect(exceptions.map((issue) => [issue.iid, issue.state, issue.due_date, issue.closed_at !== null])).toEqual([
        [1, 'opened', '2027-03-31', false],
        [2, 'opened', '2026-12-15', false],
        [3, 'closed', '2026-09-30', true],
        [4, 'opened', null, false],
        [5, 'opened', '2026-10-31', false],
      ]);
    } finally {
      await server.close();
    }
  });

  it('refuses an issue GitLab could not hold, naming the field', () => {
    const base = { users: [{ id: 1, username: 'alice' }], projects: [{ id: 43, path_with_namespace: 'acme/exceptions' }] };
    const issue = { project_id: 43, title: 'Exception', author_id: 1 };
    expect(() => parseSeed({ ...base, issues: [issue] })).not.toThrow();
    const cases: Array<[Partial<NonNullable<SeedData['issues']>[number]>, string]> = [
      [{ project_id: 44 }, 'issues[0].project_id'],
      [{ author_id: 2 }, 'issues[0].author_id'],
      [{ assignee_ids: [2] }, 'issues[0].assignee_ids'],
      [{ due_date: '2026-02-30' }, 'issues[0].due_date'],
      [{ due_date: '31/10/2026' }, 'issues[0].due_date'],
      [{ labels: ['exception::open', 'exception::renewed'] }, 'issues[0].labels'],
      [{ title: '' }, 'issues[0].title'],
    ];
    for (const [bad, field] of cases) expect(() => parseSeed({ ...base, issues: [{ ...issue, ...bad }] }), JSON.stringify(bad)).toThrow(field);
  });
});
