/**
 * Differential test of the `links` rule against real Hugo on the real GitLab handbook corpus
 * (issue #13): fixtures/gitlab-handbook's 26 pages, built by Hugo with fixtures/hugo-corpus (the
 * handbook's Goldmark settings, minimal layouts, a stub for each shortcode the corpus uses:
 * alert, details, note, panel). What Hugo cannot serve is mapped back to the source
 * (tests/support/hugo.ts) and compared with policylint's `links` findings on the same copy.
 *
 * The corpus is 26 pages of a much larger handbook, so a link to any other handbook page cannot
 * be judged here. The rule: a target is **outside the corpus** when Hugo, building the corpus
 * alone, finds no page for it at all: a ref it logs as `REF_NOT_FOUND: page not found`, or a
 * plain link to a path where it published nothing (`… is not published`). Their verdicts are
 * compared on neither side. Every other target is: links and refs into corpus pages (their
 * `#anchors`, alias redirects that drop an anchor), ambiguous refs, and anything policylint
 * reports about a link Hugo serves. Only this holds for outside targets: policylint, reading the
 * same 26 pages, must not find a page for one either (it reports each), or it resolves a link to
 * a page Hugo does not have.
 *
 * Skipped when `hugo` is not installed, failed instead with POLICYLINT_REQUIRE_ORACLES=1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import {
  buildOracle,
  cleanupOracle,
  findingTarget,
  findHugo,
  disagreements,
  NO_DISAGREEMENT,
  policylintLinks,
  type HugoOracle,
  type LinkFinding,
  type SourceTarget,
} from './support/hugo.js';
import { oracleMissing } from './support/oracles.js';

const CORPUS = path.join(REPO_ROOT, 'fixtures/gitlab-handbook/content');
const SITE = path.join(REPO_ROOT, 'fixtures/hugo-corpus');
const hugo = findHugo();

const at = (page: string, target: SourceTarget) => `${page}:${target.line}:${target.column}`;

/** Where the corpus's targets lead nowhere in this 26-page site: `page:line:column` of each (see the rule above). */
function outsideTheCorpus(oracle: HugoOracle): Set<string> {
  const nowhere = (reason: string) => reason === 'REF_NOT_FOUND: page not found' || reason.endsWith(' is not published');
  return new Set(oracle.unservable.filter((u) => nowhere(u.reason)).map((u) => `${u.page}:${u.line}:${u.column}`));
}

describe.skipIf(!hugo)(`links agrees with Hugo ${hugo?.version ?? ''} on the GitLab handbook corpus`, () => {
  let oracle: HugoOracle;
  beforeAll(() => {
    // The site is fixtures/hugo-corpus with the corpus's content/ beside its config.
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'policylint-hugo-corpus-'));
    try {
      fs.cpSync(SITE, site, { recursive: true });
      fs.cpSync(CORPUS, path.join(site, 'content'), { recursive: true });
      oracle = buildOracle(site, hugo!);
    } finally {
      fs.rmSync(site, { recursive: true, force: true });
    }
  });
  afterAll(() => {
    if (oracle) cleanupOracle(oracle);
  });

  it('Hugo publishes every corpus page and each of its refs and broken links maps back to the source', () => {
    const corpusPages = fs
      .readdirSync(CORPUS, { recursive: true })
      .map(String)
      .filter((f) => f.endsWith('.md'));
    expect(corpusPages).toHaveLength(26);
    expect([...oracle.pages.keys()].sort()).toEqual(corpusPages.map((f) => `content/${f.split(path.sep).join('/')}`).sort());
    const refs = [...oracle.targets.values()].flat().filter((t) => t.kind === 'ref');
    expect(refs.length).toBeGreaterThanOrEqual(187);
    // Refs nested in `{{% details %}}` and friends are placed although Hugo logs them at 1:1.
    expect(oracle.unservable.some((u) => u.line !== 1 && oracle.refNotFound.some((w) => w.page === u.page && w.line === 1 && w.ref === u.target))).toBe(true);
  });

  let findings: LinkFinding[];
  let outside: Set<string>;
  beforeAll(async () => {
    findings = await policylintLinks(oracle.siteRoot);
    outside = outsideTheCorpus(oracle);
  });

  it('policylint reports exactly the links into the corpus that Hugo cannot serve', () => {
    const judged = oracle.unservable.filter((u) => !outside.has(`${u.page}:${u.line}:${u.column}`));
    const expected = judged.map((u): [string, string] => [`${u.page}:${u.line}:${u.column} ${u.target} (${u.severity})`, u.reason]);

    const actual: Array<[string, string]> = [];
    for (const finding of findings) {
      const target = findingTarget(oracle, finding);
      if (target && outside.has(at(finding.page, target))) continue;
      const severity = finding.severity === 'warning' ? 'warn' : finding.severity;
      const key = target
        ? `${at(finding.page, target)} ${target.target} (${severity})`
        : `${finding.page}:${finding.line}:${finding.column} <no single target in the finding's span> (${severity})`;
      actual.push([key, finding.message]);
    }

    expect(judged.length).toBeGreaterThan(0);
    expect(disagreements(expected, actual)).toEqual(NO_DISAGREEMENT);
  });

  it('policylint finds no page for any target outside the corpus either', () => {
    const reported = new Set(findings.map((f) => findingTarget(oracle, f)).flatMap((t, i) => (t ? [at(findings[i]!.page, t)] : [])));
    expect(outside.size).toBeGreaterThan(100);
    expect([...outside].filter((o) => !reported.has(o))).toEqual([]);
  });
});

if (!hugo) {
  describe('links agrees with Hugo on the GitLab handbook corpus', () => oracleMissing('hugo is not installed (apt-get install -y hugo, or set $HUGO)'));
}
