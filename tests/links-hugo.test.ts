/**
 * Differential test of the `links` rule against real Hugo (issue #13, point 4).
 *
 * fixtures/hugo-site is a small Hugo site whose pages cover every case of issue #13 (heading
 * ids, HTML anchors, ref resolution, refs outside link targets, aliases, plain links). Hugo
 * builds it once (tests/support/hugo.ts); what Hugo cannot serve is the specification:
 * - every ref Hugo logs as REF_NOT_FOUND (refLinksErrorLevel = "WARNING" in the site config);
 * - every `<a href>` on a rendered page that stays on the site and whose target is not
 *   published, or whose `#fragment` is no id on the target page (error);
 * - every link to an alias URL with a `#fragment`: the alias is an HTML redirect that drops the
 *   fragment (warning).
 * Each is mapped back to the source target it came from (see tests/support/hugo.ts), and
 * policylint, run over the same copy of the site with only `links` on, must report exactly those
 * (page, line, target, severity): nothing more, nothing less.
 *
 * The fixture labels each link `ok`, `bad` or `warn` (link text, `"title"` or `(bad)` on its
 * line); the first test checks those labels against Hugo, so the fixture documents what Hugo
 * 0.111.3 does and a Hugo release that behaves differently shows up there first.
 *
 * Skipped, with its reason, when `hugo` is not installed (`apt-get install -y hugo`); failed instead where
 * POLICYLINT_REQUIRE_ORACLES=1 (CI).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support/cli.js';
import {
  buildOracle,
  cleanupOracle,
  findHugo,
  findingTarget,
  disagreements,
  NO_DISAGREEMENT,
  policylintLinks,
  type HugoOracle,
  type LinkFinding,
  type SourceTarget,
} from './support/hugo.js';
import { oracleMissing } from './support/oracles.js';

const SITE = path.join(REPO_ROOT, 'fixtures/hugo-site');
const hugo = findHugo();
const TESTED_HUGO = '0.111.3';

const SEVERITY: Record<string, string> = { error: 'error', warn: 'warn', warning: 'warn' };

/** `page:line target (severity)`: how both sides are compared. */
function key(page: string, line: number, target: string, severity: string): string {
  return `${page}:${line} ${target} (${SEVERITY[severity] ?? severity})`;
}

/** The target a finding is about, as written, or its span when no single target is inside it (the comparison then fails, showing it). */
function targetOf(oracle: HugoOracle, finding: LinkFinding): string {
  return findingTarget(oracle, finding)?.target ?? `<span ${finding.page}:${finding.line}:${finding.column}-${finding.endLine}:${finding.endColumn}>`;
}

/** The label the fixture gives a target: `ok` (default), `bad` or `warn`, from the target's line. */
function label(source: string[], target: SourceTarget): string {
  const text = source[target.line - 1] ?? '';
  const labels = new Set(
    [...text.matchAll(/\[(ok|bad|warn)\]|>(ok|bad|warn)<|\((ok|bad|warn)\)|"(ok|bad|warn)"\s*$/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!),
  );
  // A line mixing labels cannot say which of its targets is which: the fixture must not have one.
  return labels.size > 1 ? `ambiguous (${[...labels].join(', ')} on one line)` : ([...labels][0] ?? 'ok');
}

describe.skipIf(!hugo)(`links agrees with Hugo ${hugo?.version ?? ''}`, () => {
  let oracle: HugoOracle;
  beforeAll(() => {
    oracle = buildOracle(SITE, hugo!);
  });
  afterAll(() => {
    if (oracle) cleanupOracle(oracle);
  });

  it('the fixture labels what Hugo serves (ok), cannot serve (bad) and serves without the anchor (warn)', () => {
    if (hugo!.version !== TESTED_HUGO) console.warn(`fixtures/hugo-site was written against Hugo ${TESTED_HUGO}; this is ${hugo!.version}`);
    const byHugo = new Map(oracle.unservable.map((u) => [`${u.page}:${u.line}:${u.column}`, u.severity === 'warn' ? 'warn' : 'bad']));
    const disagreements: string[] = [];
    let count = 0;
    for (const [page, targets] of oracle.targets) {
      const source = fs.readFileSync(path.join(oracle.siteRoot, page), 'utf8').split('\n');
      for (const target of targets) {
        count++;
        const want = label(source, target);
        const got = byHugo.get(`${page}:${target.line}:${target.column}`) ?? 'ok';
        if (want !== got) disagreements.push(`${page}:${target.line}:${target.column} ${target.target}: labelled ${want}, Hugo says ${got}`);
      }
    }
    expect(count).toBeGreaterThan(100);
    expect(disagreements).toEqual([]);
    expect(oracle.refNotFound.length).toBeGreaterThan(0);
    expect(oracle.durationMs).toBeLessThan(10_000);
  });

  it('policylint reports exactly the links Hugo cannot serve', async () => {
    const expected = oracle.unservable.map((u): [string, string] => [key(u.page, u.line, u.target, u.severity), u.reason]);
    const findings = await policylintLinks(oracle.siteRoot);
    const actual = findings.map((f): [string, string] => [key(f.page, f.line, targetOf(oracle, f), f.severity), f.message]);
    expect(disagreements(expected, actual)).toEqual(NO_DISAGREEMENT);
  });
});

if (!hugo) {
  describe('links agrees with Hugo', () => oracleMissing('hugo is not installed (apt-get install -y hugo, or set $HUGO)'));
}
