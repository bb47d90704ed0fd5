import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { didYouMean, editDistance, NAME_IN_COMMENT } from '../src/util/suggest.js';
import { lint } from '../src/engine/run.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { controlledDocument, makeTree } from './support/cli.js';

// Inline policylint-disable/enable comments through the engine: which findings they hide, and
// that a mistyped keyword or rule id is reported instead of silently doing nothing (or too much).
// What the directives rule itself reports, option by option, is in tests/rules/directives.test.ts.

const NOW = new Date('2026-11-27T00:00:00Z');

/** The preset with links on (its findings sit on the link's line) and the rules that need git history or CODEOWNERS off. */
function config(directives?: string): string {
  return `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
      codeowners-coverage: "off"
      review-date: "off"
      exception-reference: "off"
${directives ? `      directives: ${directives}\n` : ''}`;
}

/** A controlled document whose Policy section ends with `body`, and the line `body` starts on. */
function documentWith(body: string): { text: string; firstLine: number } {
  const text = controlledDocument('Directives', `\n\n${body}`);
  return { text, firstLine: text.slice(0, text.indexOf(body)).split('\n').length };
}

/** Findings as `line severity ruleId message`, with lines counted from the start of `body` (its first line is 1). */
async function findingsFor(body: string, directives?: string): Promise<string[]> {
  const { text, firstLine } = documentWith(body);
  const root = makeTree({
    '.policylint.yml': config(directives),
    'content/policy.md': text,
    // The standard document's own links resolve, so only the body's are reported.
    'content/handbook/security/controlled-document-procedure.md': '# Controlled Document Procedure\n\n## Exceptions\n\nAsk.\n',
  });
  const result = await lint({ cwd: root, now: NOW });
  return result.findings.map((f) => `${f.line - firstLine + 1} ${f.severity} ${f.ruleId} ${f.message}`);
}

const broken = (name: string) => `links Link target "/handbook/${name}/" leads to no page or file`;

describe('policylint-disable-line', () => {
  it('suppresses only the findings on its own line', async () => {
    expect(
      await findingsFor(
        ['See [a](/handbook/a/).', 'See [b](/handbook/b/). <!-- policylint-disable-line links -- moves in !4321 -->', 'See [c](/handbook/c/).'].join('\n'),
      ),
    ).toEqual([`1 warn ${broken('a')}`, `3 warn ${broken('c')}`]);
  });

  it('is no longer read as a disable of rules "-line" and links for the rest of the file', async () => {
    // The ESLint habit: the old parser took this for <!-- policylint-disable -line links -->.
    const body = ['<!-- policylint-disable-line links -- an ESLint habit -->', '', 'See [later](/handbook/later/).'].join('\n');
    expect(await findingsFor(body)).toEqual(['1 error directives policylint-disable-line links suppresses nothing', `3 warn ${broken('later')}`]);
  });

  it('covers every line of a comment that spans several', async () => {
    const body = [
      'See [a](/handbook/a/). <!-- policylint-disable-line links --',
      'pages move in !4321 --> and [b](/handbook/b/).',
      'See [c](/handbook/c/).',
    ].join('\n');
    expect(await findingsFor(body)).toEqual([`3 warn ${broken('c')}`]);
  });
});

describe('rule id lists', () => {
  it('accept commas, spaces or both between rule ids', async () => {
    const body = [
      'See [a](/handbook/a/). <!-- policylint-disable-line required-sections,links -- moves in !1 -->',
      'See [b](/handbook/b/). <!-- policylint-disable-line required-sections, links -- moves in !2 -->',
      'See [c](/handbook/c/). <!-- policylint-disable-line required-sections links -- moves in !3 -->',
      'See [d](/handbook/d/).',
    ].join('\n');
    expect(await findingsFor(body)).toEqual([`4 warn ${broken('d')}`]);
  });

  it('end at the reason, which may follow the keyword straight away', () => {
    const doc = parseDocumentModel({
      path: 'a.md',
      absPath: '/a.md',
      documentClass: 'policy',
      source:
        '<!-- policylint-disable-line links,required-sections -- a -- b -->\n\n<!-- policylint-disable-- everything, for now -->\n\n<!-- policylint-enable-->\n',
    });
    expect(doc.directives.map((d) => [d.kind, d.ruleIds, d.reason, d.line])).toEqual([
      ['disable-line', ['links', 'required-sections'], 'a -- b', 1],
      ['disable', [], 'everything, for now', 3],
      ['enable', [], undefined, 5],
    ]);
  });
});

describe('unknown rule ids', () => {
  it('are errors with a did-you-mean, and disable nothing', async () => {
    const body = ['<!-- policylint-disable link owner-aproval -- moving pages -->', '', 'See [a](/handbook/a/).'].join('\n');
    expect(await findingsFor(body)).toEqual([
      '1 error directives Unknown rule id "link" in policylint-disable: did you mean "links"?',
      '1 error directives Unknown rule id "owner-aproval" in policylint-disable: did you mean "owner-approval"?',
      `3 warn ${broken('a')}`,
    ]);
  });

  it('are errors even when the directives rule only warns, and never fall back to every rule', async () => {
    const body = ['See [a](/handbook/a/). <!-- policylint-disable-line Links, zzz -- moving pages -->', 'See [b](/handbook/b/).'].join('\n');
    expect(await findingsFor(body, 'warn')).toEqual([
      `1 warn ${broken('a')}`,
      '1 error directives Unknown rule id "Links" in policylint-disable-line: did you mean "links"?',
      '1 error directives Unknown rule id "zzz" in policylint-disable-line',
      `2 warn ${broken('b')}`,
    ]);
  });

  it('still let the known ids of the same comment act', async () => {
    const body = 'See [a](/handbook/a/). <!-- policylint-disable-line links,requried-sections -- moving pages -->';
    expect(await findingsFor(body)).toEqual([
      '1 error directives Unknown rule id "requried-sections" in policylint-disable-line: did you mean "required-sections"?',
    ]);
  });

  it('in an enable are reported, and close nothing', async () => {
    const body = [
      '<!-- policylint-disable links -- moving pages -->',
      'See [a](/handbook/a/).',
      '<!-- policylint-enable link -->',
      '',
      'See [b](/handbook/b/).',
    ].join('\n');
    expect(await findingsFor(body)).toEqual(['3 error directives Unknown rule id "link" in policylint-enable: did you mean "links"?']);
  });
});

describe('unknown directive keywords', () => {
  it('are reported by the directives rule and do nothing', async () => {
    const body = [
      'See [a](/handbook/a/). <!-- policylint-disable-lines links -- moving pages -->',
      'See [b](/handbook/b/). <!-- policylint-disablex links -- moving pages -->',
      '<!-- policylint-ignore -->',
    ].join('\n');
    expect(await findingsFor(body, 'warn')).toEqual([
      `1 warn ${broken('a')}`,
      '1 warn directives Unknown directive policylint-disable-lines: did you mean policylint-disable-line?',
      `2 warn ${broken('b')}`,
      '2 warn directives Unknown directive policylint-disablex: did you mean policylint-disable?',
      '3 warn directives Unknown directive policylint-ignore',
    ]);
  });

  it('are reported inside a disable of every rule: findings about comments are never suppressed', async () => {
    const body = ['<!-- policylint-disable -- legacy page -->', '', '<!-- policylint-enabel -->', '', 'See [a](/handbook/a/).'].join('\n');
    expect(await findingsFor(body)).toEqual(['3 error directives Unknown directive policylint-enabel: did you mean policylint-enable?']);
  });
});

describe('comments that cannot act', () => {
  it('are errors when they name a control rule or the directives rule, on any kind of disable', async () => {
    const body = [
      'See [a](/handbook/a/). <!-- policylint-disable-line owner-approval links -- trust me -->',
      '<!-- policylint-disable-next-line directives -- quiet please -->',
      'See [b](/handbook/b/).',
    ].join('\n');
    expect(await findingsFor(body)).toEqual([
      '1 error directives policylint-disable-line owner-approval has no effect: owner-approval is part of the control',
      '2 error directives policylint-disable-next-line directives has no effect',
      `3 warn ${broken('b')}`,
    ]);
  });
});

describe('ranges', () => {
  it('disable from the comment to the matching enable, beside line comments', async () => {
    const body = [
      '<!-- policylint-disable links -- pages move in !4321 -->', // 1
      'See [a](/handbook/a/).',
      '<!-- policylint-enable links -->',
      '',
      'See [b](/handbook/b/). <!-- policylint-disable-line links -- moves in !1 -->', // 5
      '<!-- policylint-disable-next-line links -- moves in !2 -->',
      'See [c](/handbook/c/).',
      'See [d](/handbook/d/).',
      '',
      '<!-- policylint-disable-line links -->', // 10: suppresses nothing, and gives no reason
    ].join('\n');
    expect(await findingsFor(body)).toEqual([
      `8 warn ${broken('d')}`,
      '10 error directives policylint-disable-line links gives no reason',
      '10 error directives policylint-disable-line links suppresses nothing',
    ]);
  });
});

describe('did you mean', () => {
  const ids = [...rules.map((rule) => rule.meta.id), 'file-error'];

  it('counts single-character edits', () => {
    expect(editDistance('link', 'links')).toBe(1);
    expect(editDistance('owner-aproval', 'owner-approval')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests a registered id within two edits or sharing a prefix, and nothing otherwise', () => {
    expect(didYouMean('link', ids, NAME_IN_COMMENT)).toBe('links');
    expect(didYouMean('owner-aproval', ids, NAME_IN_COMMENT)).toBe('owner-approval');
    expect(didYouMean('FrontMatter', ids, NAME_IN_COMMENT)).toBe('frontmatter');
    expect(didYouMean('required', ids, NAME_IN_COMMENT)).toBe('required-sections');
    expect(didYouMean('reviewdate', ids, NAME_IN_COMMENT)).toBe('review-date');
    expect(didYouMean('zzz', ids, NAME_IN_COMMENT)).toBeUndefined();
    expect(didYouMean('', ids, NAME_IN_COMMENT)).toBeUndefined();
  });
});
