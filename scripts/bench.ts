/**
 * policylint's benchmark on a full-size handbook (the Japanese GitLab Handbook, 4,561 pages).
 *
 *   npm run bench                      # 3 runs each, markdownlint-cli2 once
 *   npm run bench -- --quick           # 1 run each
 *   npm run bench -- --runs 5 --no-markdownlint --check
 *
 * Runs side by side, interleaved round by round, each as its own child process:
 *   (a) policylint with the gitlab-handbook preset (selects the controlled documents);
 *   (b) policylint with a class selecting every page and every registered rule;
 *   (c) a bare unified + remark-parse + remark-frontmatter parse of every page (the floor);
 *   (d) markdownlint-cli2 with the GitLab Handbook's own .markdownlint-cli2.jsonc;
 *   (e) `policylint evidence` over a year of history (5,000 first-parent commits, 4,500 corpus
 *       pages, all controlled) against the fake GitLab serving its merge requests and approvals
 *       (scripts/bench/evidence-history.ts), as JSON each round and once as HTML, its output checked.
 * and prints a Markdown table of median wall time, CPU time, peak RSS and the ratio to (c).
 *
 * Corpus: $POLICYLINT_BENCH_CORPUS (a .tar.gz, or a directory holding content/), else
 * ../shared/corpus/handbook-ja.tar.gz next to the repository; unpacked once into
 * $POLICYLINT_BENCH_DIR (default /tmp/policylint-bench/handbook-ja) and reused.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitlabHandbook } from '../src/config/presets/gitlab-handbook.js';
import type { Evidence } from '../src/evidence/types.js';
import { rules } from '../rules/index.js';
import type { FakeGitLab } from '../tests/fake-gitlab/server.js';
import { DEFAULT_EVIDENCE_PARAMS, evidenceSeed, prepareEvidenceHistory, PROJECT_ID, TOKEN, type EvidenceHistory } from './bench/evidence-history.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/scripts/bench.js → the repository root. */
const repoRoot = path.resolve(here, '..', '..');
const sharedCorpus = path.resolve(repoRoot, '..', 'shared', 'corpus');

/** Rules left out of the select-everything run by default: they need a git history the unpacked corpus does not have. */
const DEFAULT_EXCLUDED_RULES = ['review-date'];

interface Options {
  runs: number;
  markdownlintRuns: number;
  check: boolean;
  nodeOptions: string[];
  excludeRules: string[];
  only: Set<string> | undefined;
  json: string | undefined;
  keepOutput: boolean;
  evidencePages: number;
  evidenceCommits: number;
}

/** The evidence export must finish this large a history in under a minute (issue #15). */
const EVIDENCE_LIMIT_MS = 60_000;

function usage(): never {
  process.stdout.write(`usage: npm run bench -- [options]
  --runs N                 runs of each policylint/bare-parse command (default 3; median reported)
  --quick                  one run of everything
  --with-markdownlint[=N]  runs of markdownlint-cli2 (default 1; it takes ~30 s a run)
  --no-markdownlint        skip markdownlint-cli2
  --only a,b,c,d           run only these: preset, all, bare, markdownlint, evidence
  --evidence-pages N       pages in the evidence history (default ${DEFAULT_EVIDENCE_PARAMS.pages})
  --evidence-commits N     first-parent commits in its year (default ${DEFAULT_EVIDENCE_PARAMS.commits})
  --exclude-rules x,y      rules to leave out of the select-everything config (default: ${DEFAULT_EXCLUDED_RULES.join(', ')})
  --node-options "..."     extra node flags for every child (e.g. --max-semi-space-size=64)
  --check                  exit 1 when a target is missed
  --json FILE              also write the raw measurements as JSON
env: POLICYLINT_BENCH_CORPUS (tarball or directory with content/), POLICYLINT_BENCH_DIR (work directory)
`);
  process.exit(0);
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    runs: 3,
    markdownlintRuns: 1,
    check: false,
    nodeOptions: [],
    excludeRules: DEFAULT_EXCLUDED_RULES,
    only: undefined,
    json: undefined,
    keepOutput: false,
    evidencePages: DEFAULT_EVIDENCE_PARAMS.pages,
    evidenceCommits: DEFAULT_EVIDENCE_PARAMS.commits,
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`${flag} needs a value`);
    return v;
  };
  const count = (text: string, flag: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} expects a whole number, got "${text}"`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.split(/=(.*)/s, 2) as [string, string | undefined];
    const take = () => inline ?? value(i++, flag);
    switch (flag) {
      case '--runs':
        options.runs = Math.max(1, count(take(), flag));
        break;
      case '--quick':
        options.runs = 1;
        options.markdownlintRuns = Math.min(options.markdownlintRuns, 1);
        break;
      case '--with-markdownlint':
        options.markdownlintRuns = inline === undefined ? Math.max(options.markdownlintRuns, 1) : count(inline, flag);
        break;
      case '--markdownlint-runs':
        options.markdownlintRuns = count(take(), flag);
        break;
      case '--no-markdownlint':
        options.markdownlintRuns = 0;
        break;
      case '--only':
        options.only = new Set(take().split(',').filter(Boolean));
        break;
      case '--exclude-rules':
        options.excludeRules = take().split(',').filter(Boolean);
        break;
      case '--node-options':
        options.nodeOptions = take().split(/\s+/).filter(Boolean);
        break;
      case '--check':
        options.check = true;
        break;
      case '--json':
        options.json = path.resolve(take());
        break;
      case '--keep-output':
        options.keepOutput = true;
        break;
      case '--evidence-pages':
        options.evidencePages = Math.max(1, count(take(), flag));
        break;
      case '--evidence-commits':
        options.evidenceCommits = Math.max(1, count(take(), flag));
        break;
      case '-h':
      case '--help':
        return usage();
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  return options;
}

// ---------------------------------------------------------------------------------------------
// Corpus

interface Corpus {
  dir: string;
  source: string;
}

function corpusSource(): string {
  const fromEnv = process.env.POLICYLINT_BENCH_CORPUS;
  const source = fromEnv ? path.resolve(fromEnv) : path.join(sharedCorpus, 'handbook-ja.tar.gz');
  if (!existsSync(source)) {
    throw new Error(`corpus not found at ${source}: set POLICYLINT_BENCH_CORPUS to the handbook-ja tarball or a directory holding content/`);
  }
  return source;
}

/** Unpacks (or copies) the corpus once; a stamp file records what it came from so a changed source is unpacked again. */
function prepareCorpus(): Corpus {
  const source = corpusSource();
  const stat = statSync(source);
  if (stat.isDirectory() && existsSync(path.join(source, 'content')) && !process.env.POLICYLINT_BENCH_DIR) {
    // A directory is used in place, except that the configs are written next to content/.
    return { dir: source, source };
  }
  const dir = path.resolve(process.env.POLICYLINT_BENCH_DIR ?? path.join('/tmp', 'policylint-bench', 'handbook-ja'));
  const stampFile = path.join(dir, '.bench-source.json');
  const stamp = JSON.stringify({ source, size: stat.size, mtimeMs: stat.mtimeMs, layout: LAYOUT });
  if (existsSync(path.join(dir, 'content')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return { dir, source };
  log(`unpacking ${source} into ${dir}`);
  rmSync(path.join(dir, 'content'), { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (stat.isDirectory()) cpSync(path.join(source, 'content'), path.join(dir, 'content'), { recursive: true });
  else execFileSync('tar', ['-xzf', source, '-C', dir], { stdio: 'inherit' });
  if (!existsSync(path.join(dir, 'content'))) throw new Error(`${source} holds no content/ directory`);
  makeRepository(dir);
  writeFileSync(stampFile, stamp);
  return { dir, source };
}

/** Bumped when the work directory's layout changes, so an old one is rebuilt. */
const LAYOUT = 2;

/**
 * Like the real handbook, the corpus becomes a git repository with the GitLab Handbook's own
 * CODEOWNERS: the preset's review-date rule then reads the history (one commit, dated the day
 * the corpus was taken) and codeowners-coverage the owners, as they do in CI.
 */
function makeRepository(dir: string): void {
  const codeowners = path.join(sharedCorpus, 'gitlab-handbook', '.gitlab', 'CODEOWNERS');
  if (existsSync(codeowners)) {
    mkdirSync(path.join(dir, '.gitlab'), { recursive: true });
    cpSync(codeowners, path.join(dir, '.gitlab', 'CODEOWNERS'));
  }
  rmSync(path.join(dir, '.git'), { recursive: true, force: true });
  const date = '2026-08-01T12:00:00Z';
  const env = {
    ...process.env,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  };
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    git('init', '-q');
    git('add', '-A', 'content', ...(existsSync(path.join(dir, '.gitlab')) ? ['.gitlab'] : []));
    git('commit', '-q', '-m', 'handbook-ja corpus');
  } catch (error) {
    log(`no git repository for the corpus (${(error as Error).message.split('\n', 1)[0]}): review-date will report that instead of reading history`);
  }
}

/** The GitLab Handbook's own markdownlint-cli2 config; its output formatters are swapped for the default one when they are not installed. */
function markdownlintConfig(): { text: string; note: string | undefined } {
  const candidates = [
    path.join(sharedCorpus, 'gitlab-handbook', '.markdownlint-cli2.jsonc'),
    path.join(repoRoot, 'scripts', 'bench', 'gitlab-handbook.markdownlint-cli2.jsonc'),
  ];
  const file = candidates.find((f) => existsSync(f));
  if (!file) throw new Error(`no markdownlint-cli2 config found (looked at ${candidates.join(', ')})`);
  const text = readFileSync(file, 'utf8');
  const formatters = [...text.matchAll(/"(markdownlint-cli2-formatter-[\w-]+)"/g)].map((m) => m[1]!);
  const missing = formatters.filter((name) => !existsSync(path.join(repoRoot, 'node_modules', name)));
  if (missing.length === 0) return { text, note: undefined };
  // Without them markdownlint-cli2 stops at start-up; the default formatter prints the same findings.
  const stripped = text.replace(/"outputFormatters"\s*:\s*\[[\s\S]*?\]\s*\]\s*,?/, '');
  return { text: stripped, note: `outputFormatters (${missing.join(', ')}) not installed: default formatter used` };
}

/** The select-everything config: one class over every page with every registered rule (the preset's options where it sets them). */
function everythingConfig(excluded: readonly string[]): { config: object; ruleIds: string[] } {
  const presetRules = (gitlabHandbook.classes?.['controlled-document']?.rules ?? {}) as Record<string, unknown>;
  // Always-on rules are not configured per class.
  const ruleIds = rules
    .filter((rule) => !rule.meta.alwaysOn)
    .map((rule) => rule.meta.id)
    .filter((id) => !excluded.includes(id));
  const classRules = Object.fromEntries(ruleIds.map((id) => [id, presetRules[id] ?? 'error']));
  // The preset's top-level settings (include, exclude, ...), with one class of its own.
  const { classes: _classes, ...topLevel } = gitlabHandbook;
  return {
    ruleIds,
    config: { ...topLevel, classes: { 'every-page': { description: 'Benchmark: every page, every rule', paths: ['**/*.md'], rules: classRules } } },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring a child process

interface Sample {
  round: number;
  wallMs: number;
  cpuMs: number;
  peakRssKb: number;
  exitCode: number;
}

interface Tool {
  key: string;
  label: string;
  command: string[];
  /** Exit codes that mean "ran to completion" (1 is a linter's "found problems"). */
  okExitCodes: number[];
  runs: number;
  files: (stdout: string, stderr: string) => string;
  /** What `--only` selects it by, when not its key. */
  group?: string;
  /** Working directory and environment, when not the corpus's and the bench's own. */
  cwd?: string;
  env?: Record<string, string>;
  /** Called just before each run, and after it: a message fails the benchmark (wrong output). */
  before?: () => void;
  after?: (sample: Sample & { stdout: string; stderr: string }) => string | undefined;
  /** Left out of the ratio to the bare parse (it does other work). */
  noRatio?: boolean;
}

const GNU_TIME = '/usr/bin/time';

function gnuTimeWorks(): boolean {
  try {
    execFileSync(GNU_TIME, ['-f', '%e %U %S %M', 'true'], { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Without GNU time, a preloaded module writes the child's own resource usage at exit (user+sys
 * CPU and max RSS of the whole process, every thread included): node children only.
 */
const USAGE_PRELOAD = `import { writeFileSync } from 'node:fs';
process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(process.env.POLICYLINT_BENCH_USAGE, \`\${u.userCPUTime + u.systemCPUTime} \${u.maxRSS}\`); });
`;

async function measure(tool: Tool, cwd: string, scratch: string, useGnuTime: boolean, run: number): Promise<Sample & { stdout: string; stderr: string }> {
  const base = path.join(scratch, `${tool.key}-${run}`);
  const statsFile = `${base}.usage`;
  rmSync(statsFile, { force: true });
  const [executable, ...args] = tool.command as [string, ...string[]];
  let command: string;
  let commandArgs: string[];
  const env = { ...process.env, ...tool.env, FORCE_COLOR: '0', NO_COLOR: '1', POLICYLINT_BENCH_USAGE: statsFile };
  if (useGnuTime) {
    command = GNU_TIME;
    commandArgs = ['-f', '%e %U %S %M', '-o', statsFile, executable, ...args];
  } else {
    const preload = path.join(scratch, 'usage-preload.mjs');
    if (!existsSync(preload)) writeFileSync(preload, USAGE_PRELOAD);
    command = executable;
    commandArgs = executable === process.execPath ? ['--import', preload, ...args] : args;
  }
  const stdoutFile = `${base}.stdout`;
  const stderrFile = `${base}.stderr`;
  const out = createWriteStream(stdoutFile);
  const err = createWriteStream(stderrFile);
  await Promise.all([new Promise((r) => out.on('open', r)), new Promise((r) => err.on('open', r))]);
  const started = process.hrtime.bigint();
  const exitCode = await new Promise<number>((resolve, reject) => {
    const child = spawn(command, commandArgs, { cwd: tool.cwd ?? cwd, env, stdio: ['ignore', out, err] });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  await Promise.all([new Promise((r) => out.end(r)), new Promise((r) => err.end(r))]);
  const stdout = readFileSync(stdoutFile, 'utf8');
  const stderr = readFileSync(stderrFile, 'utf8');
  let cpuMs = NaN;
  let peakRssKb = NaN;
  if (existsSync(statsFile)) {
    const text = readFileSync(statsFile, 'utf8').trim().split('\n').pop()!;
    if (useGnuTime) {
      const [, user, sys, rss] = text.split(/\s+/).map(Number) as [number, number, number, number];
      cpuMs = (user + sys) * 1000;
      peakRssKb = rss;
    } else {
      const [cpuUs, rss] = text.split(/\s+/).map(Number) as [number, number];
      cpuMs = cpuUs / 1000;
      peakRssKb = rss;
    }
  }
  return { round: run, wallMs, cpuMs, peakRssKb, exitCode, stdout, stderr };
}

// ---------------------------------------------------------------------------------------------
// Reporting

function median(values: number[]): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (ms: number) => (Number.isNaN(ms) ? 'n/a' : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`);
const mib = (kb: number) => (Number.isNaN(kb) ? 'n/a' : `${Math.round(kb / 1024)} MiB`);
const times = (value: number) => (Number.isNaN(value) ? '–' : `${value.toFixed(2)}×`);

/**
 * Ratio to the reference as the median of per-round ratios: each round runs both back to back,
 * so a slow spell on a shared machine affects both sides of a ratio, not one median.
 */
function pairedRatio(samples: readonly Sample[], reference: readonly Sample[], pick: (s: Sample) => number): number {
  const byRound = new Map(reference.map((s) => [s.round, s]));
  return median(samples.flatMap((s) => (byRound.has(s.round) ? [pick(s) / pick(byRound.get(s.round)!)] : [])));
}

function log(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

function machine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu.length} × ${model}, ${Math.round(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}, ${process.platform}`;
}

// ---------------------------------------------------------------------------------------------
// The audit evidence export on a large history

interface EvidenceRun {
  round: number;
  format: 'json' | 'html';
  /** Requests the fake GitLab served during the run, in all and by route. */
  requests: number;
  byRoute: Record<string, number>;
  maxInFlight: number;
  /** CPU the bench process (the fake GitLab) spent during the run: not in the child's figures. */
  fakeCpuMs: number;
  outputBytes: number;
  met: number | null;
  notMet: number | null;
  directPushes: number | null;
}

interface EvidenceBench {
  history: EvidenceHistory;
  fake: FakeGitLab;
  tools: Tool[];
  runs: EvidenceRun[];
}

/** Closed whatever way main() ends. */
const cleanUps: Array<() => Promise<void>> = [];

function routeOf(requestPath: string): string {
  if (/\/repository\/commits\//.test(requestPath)) return 'commit lookups';
  if (/\/merge_requests$/.test(requestPath)) return 'merge request list pages';
  if (/\/approvals$/.test(requestPath)) return 'approvals';
  if (/\/merge_requests\/\d+\/(?:notes|commits)$/.test(requestPath)) return 'notes and commits (who pushed and wrote)';
  return 'users, groups, members';
}

/** What the JSON must show: every generated page change, each brought by a merge request GitLab knows or a direct push (not met), nothing unverified. */
function checkEvidence(evidence: Evidence, history: EvidenceHistory, run: EvidenceRun): string | undefined {
  const problems: string[] = [];
  const iids = new Set(history.mergeRequests.map((mr) => mr.iid));
  const changes = evidence.documents.flatMap((doc) => doc.changes);
  let direct = 0;
  for (const change of changes) {
    const where = `${change.path} at ${change.commit.slice(0, 8)}`;
    if (change.mergeRequest) {
      if (change.mergeRequest.source !== 'gitlab' || !iids.has(change.mergeRequest.iid))
        problems.push(`${where}: merge request !${change.mergeRequest.iid} from ${change.mergeRequest.source}`);
    } else if (change.verdict === 'not-met' && change.reasons[0]?.startsWith('Pushed directly')) direct += 1;
    else problems.push(`${where}: no merge request and not a direct push (${change.verdict}: ${change.reasons[0] ?? 'no reason'})`);
  }
  const expect = (what: string, actual: number, expected: number) => {
    if (actual !== expected) problems.unshift(`${what}: ${actual}, expected ${expected}`);
  };
  expect('summary.changes', evidence.summary.changes, history.pageChanges);
  expect('changes listed', changes.length, history.pageChanges);
  expect('unverified', evidence.summary.unverified.length, 0);
  expect('changes by direct push', direct, history.directChanges);
  expect('met (merge requests approved by every required owner)', evidence.summary.met, history.expectedMet);
  expect('renames', changes.filter((change) => change.action === 'renamed').length, history.actions.renamed);
  expect('deletions', changes.filter((change) => change.action === 'deleted').length, history.actions.deleted);
  expect(
    'review events',
    evidence.documents.reduce((sum, doc) => sum + doc.reviews.length, 0),
    history.reviewEvents,
  );
  if (evidence.source.kind !== 'gitlab' || evidence.source.note) problems.unshift(`source ${evidence.source.kind}: ${evidence.source.note ?? ''}`);
  run.met = evidence.summary.met;
  run.notMet = evidence.summary.notMet.length;
  run.directPushes = direct;
  return problems.length === 0 ? undefined : `${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`;
}

/** Generates (or reuses) the history, starts the fake GitLab seeded with its merge requests, and returns the JSON and HTML runs. */
async function evidenceBench(corpusDir: string, options: Options, policylint: readonly string[], scratch: string): Promise<EvidenceBench> {
  const params = { ...DEFAULT_EVIDENCE_PARAMS, pages: options.evidencePages, commits: options.evidenceCommits };
  const history = await prepareEvidenceHistory(corpusDir, params, log);
  log(
    `evidence history ${history.dir}: ${history.commits} commits, ${history.pageChanges} page changes, ${history.cached ? 'cached' : 'generated'} (generating took ${seconds(history.generateMs)})`,
  );
  const { startFakeGitLab } = await import('../tests/fake-gitlab/server.js');
  const fake = await startFakeGitLab(evidenceSeed(history));
  cleanUps.push(() => fake.close());
  const runs: EvidenceRun[] = [];
  const env = { GITLAB_TOKEN: TOKEN, CI_SERVER_URL: fake.url, CI_PROJECT_ID: String(PROJECT_ID) };
  let requestsBefore = 0;
  let cpuBefore = process.cpuUsage();
  const tool = (format: 'json' | 'html'): Tool => {
    const output = path.join(scratch, `evidence.${format}`);
    return {
      key: format === 'json' ? 'evidence' : 'evidence-html',
      group: 'evidence',
      label: `policylint evidence, ${history.commits.toLocaleString('en-US')} commits × ${history.pages.toLocaleString('en-US')} pages, ${format.toUpperCase()}`,
      command: [
        ...policylint,
        'evidence',
        ...['--since', history.since, '--until', history.until, '--now', `${params.year + 1}-01-01T00:00:00Z`],
        ...['--branch', 'main', '--format', format, '--output', output],
      ],
      okExitCodes: [0],
      runs: format === 'json' ? options.runs : 1,
      files: () => String(history.pages),
      cwd: history.dir,
      env,
      noRatio: true,
      before: () => {
        rmSync(output, { force: true });
        requestsBefore = fake.requests.length;
        fake.maxInFlight = 0;
        cpuBefore = process.cpuUsage();
      },
      after: (sample) => {
        const cpu = process.cpuUsage(cpuBefore);
        const requests = fake.requests.slice(requestsBefore);
        const byRoute: Record<string, number> = {};
        for (const request of requests) byRoute[routeOf(request.path)] = (byRoute[routeOf(request.path)] ?? 0) + 1;
        const run: EvidenceRun = {
          round: sample.round,
          format,
          requests: requests.length,
          byRoute,
          maxInFlight: fake.maxInFlight,
          fakeCpuMs: (cpu.user + cpu.system) / 1000,
          outputBytes: 0,
          met: null,
          notMet: null,
          directPushes: null,
        };
        runs.push(run);
        if (!existsSync(output)) return `no ${output} was written`;
        const text = readFileSync(output, 'utf8');
        run.outputBytes = Buffer.byteLength(text);
        log(
          `  ${requests.length} GitLab requests (at most ${run.maxInFlight} at once), fake GitLab CPU ${seconds(run.fakeCpuMs)}, ${mib(run.outputBytes / 1024)} ${format}`,
        );
        if (format === 'html') return /<\/html>\s*$/.test(text) ? undefined : 'the HTML output does not end with </html>';
        return checkEvidence(JSON.parse(text) as Evidence, history, run);
      },
    };
  };
  return { history, fake, tools: [tool('json'), tool('html')], runs };
}

/** What the evidence runs asked GitLab and found, under the table. */
function evidenceLines({ history, runs }: EvidenceBench): string[] {
  const n = (value: number) => value.toLocaleString('en-US');
  const json = runs.filter((run) => run.format === 'json');
  const last = json.at(-1) ?? runs.at(-1)!;
  const a = history.actions;
  const routes = Object.entries(last.byRoute)
    .map(([route, count]) => `${n(count)} ${route}`)
    .join(', ');
  return [
    `Evidence history: ${n(history.pages)} handbook-ja pages, every one a controlled document, and ${n(history.commits)} first-parent commits on main in ${history.params.year} ` +
      `(${n(history.mergeRequests.length)} merge requests merged with a merge commit, ${n(history.directPushes.length)} direct pushes): ${n(history.pageChanges)} page changes ` +
      `(${n(a.modified)} edits, ${n(a.review)} review-date changes, ${n(a.renamed)} renames, ${n(a.deleted)} deletions); made by one git fast-import in ${seconds(history.generateMs)}` +
      `${history.cached ? ' (cached from an earlier run)' : ''}, pack ${mib(history.packBytes / 1024)}.`,
    `Evidence GitLab requests per run: ${json.map((run) => n(run.requests)).join(', ')} (${routes}; at most ${last.maxInFlight} at once); ` +
      `the fake GitLab's own CPU ${runs.map((run) => seconds(run.fakeCpuMs)).join(', ')} (bench process, not in the table).`,
    ...(last.met === null
      ? []
      : [
          `Evidence output checked: ${n(history.pageChanges)} changes, ${n(last.met)} met, ${n(last.notMet ?? 0)} not met (${n(last.directPushes ?? 0)} direct pushes), none unverified, ` +
            `${n(history.actions.renamed)} renames, ${n(history.actions.deleted)} deletions, ${n(history.reviewEvents)} review events; JSON ${mib(last.outputBytes / 1024)}` +
            `${runs.some((run) => run.format === 'html') ? `, HTML ${mib(runs.find((run) => run.format === 'html')!.outputBytes / 1024)}` : ''}.`,
        ]),
  ];
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const corpus = prepareCorpus();
  const cwd = corpus.dir;
  const scratch = mkdtempSync(path.join(tmpdir(), 'policylint-bench-'));

  writeFileSync(path.join(cwd, '.policylint.yml'), 'extends: gitlab-handbook\n');
  const everything = everythingConfig(options.excludeRules);
  writeFileSync(path.join(cwd, 'policylint-all.yml'), `${JSON.stringify(everything.config, null, 2)}\n`);
  const mdl = markdownlintConfig();
  writeFileSync(path.join(cwd, '.markdownlint-cli2.jsonc'), mdl.text);

  const node = [process.execPath, ...options.nodeOptions];
  const policylint = [...node, path.join(repoRoot, 'bin', 'policylint.js')];
  const now = ['--now', '2026-11-27'];
  const markdownlintBin = path.join(repoRoot, 'node_modules', 'markdownlint-cli2', 'markdownlint-cli2-bin.mjs');
  const bareFiles = (stdout: string) => String((JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { files?: number }).files ?? '?');
  let discovered = '?';
  const allTools: Tool[] = [
    {
      key: 'bare',
      label: 'bare parse (unified + remark-parse + remark-frontmatter)',
      command: [...node, path.join(repoRoot, 'dist', 'scripts', 'bench', 'bare-parse.js'), 'content'],
      okExitCodes: [0],
      runs: options.runs,
      files: bareFiles,
    },
    {
      key: 'preset',
      label: 'policylint, gitlab-handbook preset',
      command: [...policylint, '--config', '.policylint.yml', ...now],
      okExitCodes: [0, 1],
      runs: options.runs,
      files: () => discovered,
    },
    {
      key: 'all',
      label: `policylint, every page (${everything.ruleIds.join(', ')})`,
      command: [...policylint, '--config', 'policylint-all.yml', ...now],
      okExitCodes: [0, 1],
      runs: options.runs,
      files: () => discovered,
    },
    {
      key: 'markdownlint',
      label: 'markdownlint-cli2 0.18.1, handbook config',
      command: [...node, markdownlintBin, 'content/**/*.md'],
      okExitCodes: [0, 1],
      runs: options.markdownlintRuns,
      files: (stdout, stderr) => /Linting: (\d+) file/.exec(stdout + stderr)?.[1] ?? '?',
    },
  ];
  const evidence = !options.only || options.only.has('evidence') ? await evidenceBench(cwd, options, policylint, scratch) : undefined;
  allTools.push(...(evidence?.tools ?? []));
  const tools = allTools.filter((tool) => tool.runs > 0 && (!options.only || options.only.has(tool.group ?? tool.key)));

  const useGnuTime = gnuTimeWorks();
  log(`corpus ${cwd} (from ${corpus.source})`);
  log(
    `measuring with ${useGnuTime ? GNU_TIME : 'a resource-usage preload'}; ${machine()}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  // Warm the page cache and count what policylint will consider (same discovery as the bare parse).
  execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'scripts', 'bench', 'bare-parse.js'), 'content', '--read-only'], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
    .toString()
    .replace(/"files":(\d+)/, (_, n: string) => (discovered = n));

  const samples = new Map<string, Sample[]>(tools.map((t) => [t.key, []]));
  const files = new Map<string, string>();
  const rounds = Math.max(...tools.map((t) => t.runs));
  for (let round = 0; round < rounds; round++) {
    // Rotate the order each round so no tool always runs first after a cold spell.
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!).filter((t) => round < t.runs);
    for (const tool of order) {
      tool.before?.();
      const sample = await measure(tool, cwd, scratch, useGnuTime, round);
      if (!tool.okExitCodes.includes(sample.exitCode)) {
        process.stderr.write(`${sample.stderr.slice(-4000)}\n`);
        log(`${tool.label} exited ${sample.exitCode} (expected ${tool.okExitCodes.join(' or ')}): failing the benchmark`);
        log(`command: (cd ${tool.cwd ?? cwd} && ${tool.command.join(' ')})`);
        return 2;
      }
      samples.get(tool.key)!.push(sample);
      files.set(tool.key, tool.files(sample.stdout, sample.stderr));
      log(
        `round ${round + 1}/${rounds} ${tool.key}: ${seconds(sample.wallMs)} wall, ${seconds(sample.cpuMs)} CPU, ${mib(sample.peakRssKb)} peak RSS, exit ${sample.exitCode}`,
      );
      const wrong = tool.after?.(sample);
      if (wrong) {
        log(`${tool.label}: wrong output: ${wrong}; failing the benchmark`);
        log(`command: (cd ${tool.cwd ?? cwd} && ${tool.command.join(' ')})`);
        return 2;
      }
    }
  }

  const summary = tools.map((tool) => {
    const list = samples.get(tool.key)!;
    return {
      key: tool.key,
      label: tool.label,
      noRatio: tool.noRatio ?? false,
      runs: list.length,
      files: files.get(tool.key) ?? '?',
      wallMs: median(list.map((s) => s.wallMs)),
      cpuMs: median(list.map((s) => s.cpuMs)),
      peakRssKb: Math.max(...list.map((s) => s.peakRssKb)),
      samples: list,
    };
  });
  const bare = summary.find((s) => s.key === 'bare');
  const ratios = new Map(
    summary.map((s) => [
      s.key,
      bare && !s.noRatio
        ? { wall: pairedRatio(s.samples, bare.samples, (x) => x.wallMs), cpu: pairedRatio(s.samples, bare.samples, (x) => x.cpuMs) }
        : undefined,
    ]),
  );
  const rows = summary.map((s) => {
    const r = ratios.get(s.key);
    return `| ${s.label} | ${Number(s.files).toLocaleString('en-US')} | ${seconds(s.wallMs)} (n=${s.runs}) | ${seconds(s.cpuMs)} | ${mib(s.peakRssKb)} | ${r ? `${times(r.wall)} wall, ${times(r.cpu)} CPU` : '–'} |`;
  });
  const table = [
    '| Run | Files | Wall (median) | CPU user+sys (median) | Peak RSS (max) | vs bare parse (median of per-round ratios) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');

  const targets: Array<{ name: string; ok: boolean; detail: string }> = [];
  const preset = summary.find((s) => s.key === 'preset');
  const all = summary.find((s) => s.key === 'all');
  if (preset) targets.push({ name: 'preset run under 1.5 s wall', ok: preset.wallMs < 1500, detail: seconds(preset.wallMs) });
  const allRatio = ratios.get('all')?.wall ?? NaN;
  if (all && bare) targets.push({ name: 'every-page run at most 1.15× the bare parse (wall, paired)', ok: allRatio <= 1.15, detail: times(allRatio) });
  if (all)
    targets.push({ name: 'every-page run peak RSS under 300 MB', ok: all.peakRssKb * 1024 < 300e6, detail: `${((all.peakRssKb * 1024) / 1e6).toFixed(0)} MB` });
  const evidenceJson = summary.find((s) => s.key === 'evidence');
  if (evidence && evidenceJson) {
    const slowest = Math.max(...evidenceJson.samples.map((s) => s.wallMs));
    targets.push({
      name: `evidence export of ${evidence.history.commits.toLocaleString('en-US')} commits × ${evidence.history.pages.toLocaleString('en-US')} pages under ${EVIDENCE_LIMIT_MS / 1000} s wall (slowest run)`,
      ok: slowest < EVIDENCE_LIMIT_MS,
      detail: `${seconds(slowest)} (median ${seconds(evidenceJson.wallMs)})`,
    });
  }

  const argsShown = process.argv.slice(2).join(' ');
  process.stdout.write(
    [
      '',
      table,
      '',
      `Machine: ${machine()}; load average at the end ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}.`,
      `Corpus: ${discovered} Markdown pages under content/ of the Japanese GitLab Handbook (${path.basename(corpus.source)}).`,
      `Measured with ${useGnuTime ? 'GNU time (CPU = user+sys, peak = max RSS)' : 'process.resourceUsage() in each child'}; wall from spawn to exit.`,
      ...(options.nodeOptions.length ? [`Node flags for every child: ${options.nodeOptions.join(' ')}`] : []),
      ...(mdl.note ? [`markdownlint-cli2: ${mdl.note}.`] : []),
      ...(evidence && evidence.runs.length > 0 ? evidenceLines(evidence) : []),
      `Reproduce: npm run bench${argsShown ? ` -- ${argsShown}` : ''}`,
      '',
      ...targets.map((t) => `${t.ok ? 'PASS' : 'MISS'}  ${t.name}: ${t.detail}`),
      '',
    ].join('\n'),
  );
  const evidenceJsonOut = evidence && {
    history: { ...evidence.history, mergeRequests: evidence.history.mergeRequests.length, directPushes: evidence.history.directPushes.length },
    runs: evidence.runs,
  };
  if (options.json)
    writeFileSync(options.json, `${JSON.stringify({ machine: machine(), corpus: corpus.source, summary, targets, evidence: evidenceJsonOut }, null, 2)}\n`);
  if (!options.keepOutput) rmSync(scratch, { recursive: true, force: true });
  else log(`outputs kept in ${scratch}`);
  return options.check && targets.some((t) => !t.ok) ? 1 : 0;
}

async function cleanUp(): Promise<void> {
  for (const close of cleanUps.splice(0)) await close().catch((error: Error) => log(`cleaning up: ${error.message}`));
}

main().then(
  async (code) => {
    await cleanUp();
    process.exitCode = code;
  },
  async (error: Error) => {
    log(error.message);
    await cleanUp();
    process.exitCode = 2;
  },
);
