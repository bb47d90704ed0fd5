import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import exceptionReference from '../rules/exception-reference.js';
import { lint } from '../src/engine/run.js';
import type { Report } from '../src/engine/types.js';
import { documentAnchors, pageAnchors } from '../src/links/anchors.js';
import { normalizeTarget } from '../src/links/target.js';
import { parseFrontMatter } from '../src/model/frontmatter.js';
import { normalizeHeading, parseDocumentModel, parseMarkdown } from '../src/model/parse.js';
import type { DocumentModel } from '../src/model/types.js';
import { createProjectContext } from '../src/project/context.js';
import { makeTree } from './support/cli.js';

// Every scan over document text is linear: a hostile or generated 1 MB page is linted in well under a second of CPU.
// Each timing is compared with the same work on 100 KB, ten times less, so that a slow or loaded machine does not
// fail it: linear work takes about 10 times as long on 1 MB, quadratic work 100 times.

const SMALL = 100_000;
const LARGE = 1_000_000;

/** `unit` repeated to `size` characters. */
function repeated(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** As many whole copies of `unit` as fit in `size` characters. */
function wholeCopies(unit: string, size: number): string {
  return unit.repeat(Math.floor(size / unit.length));
}

/**
 * CPU time (user + system) of this test process for `work`, in milliseconds: unlike wall time, it
 * does not grow when other processes load the machine (vitest runs each test file in a process of
 * its own), so the budgets below hold on a busy CI runner.
 */
async function millisecondsFor(work: () => unknown): Promise<number> {
  const start = process.cpuUsage();
  await work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/** Times `work` on the inputs `build` makes for 100 KB and 1 MB, built before timing starts. */
async function expectLinearTime<T>(build: (size: number) => T, work: (input: T) => unknown): Promise<void> {
  // Once on 10 KB first, so that the 100 KB baseline is not mostly compilation.
  await work(build(10_000));
  const small = build(SMALL);
  const large = build(LARGE);
  const smallTime = await millisecondsFor(() => work(small));
  // Quadratic code takes seconds here already: failing now spares the minutes it would take on 1 MB.
  expect(smallTime, '100 KB').toBeLessThan(250);
  const largeTime = await millisecondsFor(() => work(large));
  expect(largeTime, '1 MB').toBeLessThan(1000);
  // Below 25 ms, timer resolution and garbage collection would make the baseline mostly noise.
  expect(largeTime, `1 MB against ${smallTime.toFixed(1)} ms for 100 KB`).toBeLessThan(20 * Math.max(smallTime, 25));
}

function parse(source: string): DocumentModel {
  return parseDocumentModel({ path: 'policy.md', absPath: '/policy.md', source, documentClass: 'controlled-document' });
}

/** What the exception-reference rule reports on sentences that grant an exception without citing one. */
async function grantReports(doc: DocumentModel): Promise<Report[]> {
  const reports: Report[] = [];
  await exceptionReference.check!(doc, {
    options: exceptionReference.meta.options.parse({}),
    project: createProjectContext({ root: os.tmpdir(), now: new Date('2026-01-01') }),
    settingOf: () => undefined,
    report: (report) => reports.push(report),
  });
  return reports.filter((report) => report.messageId === 'untrackedGrant');
}

describe('the default tracked-exception patterns', () => {
  const [citesIssue, citesIssueUrl] = exceptionReference.meta.options.parse({}).trackedExceptionPatterns.map((pattern) => (text: string) => pattern.test(text));

  it.each([
    ['a path', 'svc-a.b-c/'],
    ['dashes', '-'],
  ])('find no issue reference in a word of %s without `#` in linear time', async (_, unit) => {
    await expectLinearTime(
      (size) => repeated(unit, size),
      (text) => expect(citesIssue!(text)).toBe(false),
    );
  });

  it('find no issue URL in a word of `http://`s in linear time', async () => {
    await expectLinearTime(
      (size) => repeated('http://', size),
      (text) => expect(citesIssueUrl!(text)).toBe(false),
    );
  });
});

describe('heading normalisation', () => {
  it.each(['<', '<a '])('keeps a run of unclosed %j in linear time', async (unit) => {
    await expectLinearTime(
      (size) => repeated(unit, size),
      (text) => expect(normalizeHeading(text)).toBe(text.trim().toLowerCase()),
    );
  });
});

describe('HTML blocks', () => {
  it.each(['<a href ', '<a href='])('find no link in a run of %j in linear time', async (unit) => {
    await expectLinearTime(
      (size) => `<div>\n${repeated(unit, size)}\n</div>\n`,
      (source) => expect(parse(source).links).toEqual([]),
    );
  });

  /** A `<div>` block of `size` characters: lines of `perLine` copies of `element`, each copy followed by a space. */
  function blockOf(element: string, perLine: number, size: number): string {
    return `<div>\n${wholeCopies(`${`${element} `.repeat(perLine)}\n`, size)}</div>\n`;
  }

  it('place each of many links in one block in linear time', async () => {
    const link = '<a href="x">';
    await expectLinearTime(
      (size) => blockOf(link, 10, size),
      (source) => {
        const links = parse(source).links;
        expect(links.at(-1)).toMatchObject({ url: 'x', line: links.length / 10 + 1, column: 9 * (link.length + 1) + 1 });
      },
    );
  });

  it('find no directive in an unclosed comment of many in linear time', async () => {
    await expectLinearTime(
      (size) => `<!--\n${repeated('<!-- policylint-disable links ', size)}\n`,
      (source) => expect(parse(source).directives).toEqual([]),
    );
  });

  it('place each of many directives in one block in linear time', async () => {
    const directive = '<!-- policylint-enable -->';
    await expectLinearTime(
      (size) => blockOf(directive, 10, size),
      (source) => {
        const directives = parse(source).directives;
        expect(directives.at(-1)).toMatchObject({ kind: 'enable', line: directives.length / 10 + 1, column: 9 * (directive.length + 1) + 1 });
      },
    );
  });
});

describe('heading anchors', () => {
  const heading = (size: number) => `# a${' '.repeat(size)}b\n`;
  const id = (size: number) => `a${'-'.repeat(size)}b`;

  it('of a parsed heading with a long run of spaces are found in linear time', async () => {
    await expectLinearTime(
      (size) => ({ size, tree: parseMarkdown(heading(size)) }),
      ({ size, tree }) => expect(documentAnchors(tree, heading(size))).toEqual(new Set([id(size)])),
    );
  });

  it('of a scanned heading with a long run of spaces are found in linear time', async () => {
    await expectLinearTime(
      (size) => ({ size, source: heading(size) }),
      ({ size, source }) => expect(pageAnchors(source)).toEqual(new Set([id(size)])),
    );
  });

  it('of many headings of the same text are numbered in linear time', async () => {
    await expectLinearTime(
      (size) => repeated('# a\n', size),
      (source) => {
        const anchors = pageAnchors(source)!;
        expect(anchors.has(`a-${anchors.size - 1}`)).toBe(true);
      },
    );
  });
});

describe('link targets and front matter', () => {
  it('normalizes a target with a long run of slashes in linear time', async () => {
    await expectLinearTime(
      (size) => `a${'/'.repeat(size)}b`,
      (target) => expect(normalizeTarget(target)).toBe(target),
    );
  });

  it('reads a front matter value with a long run of spaces in linear time', async () => {
    await expectLinearTime(
      (size) => `a${' '.repeat(size)}b`,
      (title) => expect(parseFrontMatter(`---\ntitle: ${title}\n---\n`).data).toEqual({ title }),
    );
  });
});

describe('the exception-reference rule', () => {
  it.each([
    ['in one run of text', 'An exception was granted. '],
    ['split by inline HTML', 'An exception was granted to <b>svc</b>. '],
  ])('locates every granting sentence of a long paragraph %s in linear time', async (_, sentence) => {
    await expectLinearTime(
      (size) => parse(wholeCopies(sentence, size)),
      async (doc) => {
        const grants = await grantReports(doc);
        expect(grants.at(-1)!.column).toBe(doc.source.length - sentence.length + 1);
      },
    );
  });

  it("finds each granting paragraph's reference links in linear time among many links", async () => {
    const grant = 'An exception was granted [here][r].\n\n';
    await expectLinearTime(
      (size) => ({
        doc: parse(`${wholeCopies(grant, size / 4)}${repeated('<https://example.com> ', (size * 3) / 4)}\n\n[r]: https://example.com\n`),
        grants: Math.floor(size / 4 / grant.length),
      }),
      async ({ doc, grants }) => expect(await grantReports(doc)).toHaveLength(grants),
    );
  });
});

describe('linting', () => {
  const sentence =
    'An exception was granted to svc-a.b-c/d for R&D, see <a href="https://example.com/x">the record</a> and the [draft {{< ref "x" >}} of' +
    `${' '.repeat(10)}the <a href= register, which lists what the team must do before the review. Lorem ipsum dolor sit amet, consectetur adipiscing elit. `;

  /**
   * Sentences that grant exceptions without citing one, split by inline HTML and holding characters that start markup,
   * then long words of path and URL beginnings and a long run of spaces. Markup characters come a few per sentence, as
   * in prose: the Markdown parser's own time grows faster than linearly with, say, the unmatched `[`s of a paragraph.
   */
  function hostileDocument(size: number): string {
    const paragraph = [repeated(sentence, size / 5), repeated('svc-a.b-c/', size / 10), repeated('http://', size / 10), `x${' '.repeat((size * 3) / 5)}x`].join(
      ' ',
    );
    return `---\ntitle: Hostile\ncontrolled_document: true\n---\n\n${paragraph}\n`;
  }

  it('lints a document whose body is one hostile 1 MB paragraph in well under a second', async () => {
    const root = makeTree({ '.policylint.yml': 'extends: gitlab-handbook\n', 'content/policy.md': hostileDocument(SMALL) });
    const options = { cwd: root, now: new Date('2026-01-01') };
    // The same run on 100 KB first, so that loading rules and compiling code are not timed.
    expect((await lint(options)).filesLinted).toEqual(['content/policy.md']);
    writeFileSync(path.join(root, 'content/policy.md'), hostileDocument(LARGE));
    let grants = 0;
    const time = await millisecondsFor(async () => {
      grants = (await lint(options)).findings.filter((finding) => finding.messageId === 'untrackedGrant').length;
    });
    expect(grants).toBeGreaterThanOrEqual(Math.floor(LARGE / 5 / sentence.length));
    expect(time).toBeLessThan(1000);
  });

  it('does not parse a linked page whose link labels would take the parser minutes', async () => {
    // A setext heading makes the anchor scan parse the paragraph above it, and an uncertain page is parsed in full.
    const hostile = `---\ntitle: Notes\n---\n\n${'[x] '.repeat(250_000)}\n===\n\n- > \`\`\`\n`;
    const policy = hostileDocument(SMALL).replace('\n\n', '\n\nSee [the notes](notes.md#missing).\n\n');
    const root = makeTree({ '.policylint.yml': 'extends: gitlab-handbook\n', 'content/policy.md': policy, 'content/notes.md': hostile });
    const time = await millisecondsFor(() => lint({ cwd: root, now: new Date('2026-01-01') }));
    expect(time).toBeLessThan(3000);
  });
});
