/**
 * docs/governance.md's audit evidence walkthrough runs on fixtures/evidence-demo/handbook.bundle
 * (the scenario history of the evidence tests, as a git bundle a reader clones) against the fake
 * GitLab seeded from fixtures/fake-gitlab/evidence.json (its merge requests and approvals). This
 * test keeps both equal to what buildScenarioHistory and scenarioSeed make; after changing those,
 * `UPDATE_EVIDENCE_DEMO=1 npx vitest run tests/evidence-demo.test.ts` rewrites them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSeed, type SeedData } from './fake-gitlab/seed.js';
import { makeTree, REPO_ROOT } from './support/cli.js';
import { buildScenarioHistory, scenarioSeed, type HistoryBuilder } from './support/evidence-history.js';
import { git } from './support/git.js';

const BUNDLE = path.join(REPO_ROOT, 'fixtures/evidence-demo/handbook.bundle');
const SEED = path.join(REPO_ROOT, 'fixtures/fake-gitlab/evidence.json');
/** The read-only token the walkthrough uses. */
const DEMO_TOKEN = 'glpat-fake-evidence-read-0000';

/** Every commit with its parents, author, dates and tree: equal lists mean equal histories. */
const history = (dir: string) => git(dir, 'log', '--format=%H %P %T %an %aI %cI', 'HEAD');

function demoSeed(repo: HistoryBuilder) {
  const seed = scenarioSeed(repo);
  return { ...seed, tokens: [{ token: DEMO_TOKEN, user_id: seed.tokens[0]!.user_id, scopes: ['read_api'] }] };
}

describe('the audit evidence demo the docs run', () => {
  let repo: HistoryBuilder;
  beforeAll(() => {
    repo = buildScenarioHistory();
    if (process.env.UPDATE_EVIDENCE_DEMO) {
      mkdirSync(path.dirname(BUNDLE), { recursive: true });
      repo.git('bundle', 'create', '-q', BUNDLE, 'HEAD', 'main');
      writeFileSync(SEED, `${JSON.stringify(demoSeed(repo), null, 2)}\n`);
    }
  });
  afterAll(() => repo.dispose());

  it('ships the scenario history as a bundle a clone checks out', () => {
    expect(existsSync(BUNDLE), 'run with UPDATE_EVIDENCE_DEMO=1 to write it').toBe(true);
    const clone = path.join(makeTree({}), 'demo');
    git(REPO_ROOT, 'clone', '-q', BUNDLE, clone);
    expect(history(clone)).toBe(history(repo.dir));
    expect(git(clone, 'status', '--porcelain')).toBe('');
  });

  it('seeds the fake GitLab with its merge requests and approvals', () => {
    const seed = JSON.parse(readFileSync(SEED, 'utf8')) as SeedData;
    expect(seed).toEqual(demoSeed(repo));
    expect(() => parseSeed(seed)).not.toThrow();
  });
});
