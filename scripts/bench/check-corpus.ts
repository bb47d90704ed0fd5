/**
 * Robustness checks on a real handbook (the benchmark's corpus by default):
 *   - the parse guards (nesting, link-label cost) flag no page (a flagged page would go unlinted: a false positive);
 *   - every page reads, and parses into the document model without throwing;
 *   - the front-matter fast path gives the YAML library's result on every page it takes;
 *   - the links rule's anchor scan, on every page it answers for, gives exactly the anchors the full parse gives.
 *
 *   node dist/scripts/bench/check-corpus.js [dir]     (default /tmp/policylint-bench/handbook-ja)
 * Exits 1 when a check fails.
 */
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { unsafeToParse } from '../../src/model/guards.js';
import { documentAnchors, pageAnchors } from '../../src/links/anchors.js';
import { findFrontMatterBlock, parseSimpleYaml, parseYamlBlock } from '../../src/model/frontmatter.js';
import { parseDocumentModel } from '../../src/model/parse.js';
import { decodeUtf8, readBytes } from '../../src/select/read.js';
import { markdownFiles } from './bare-parse.js';

function main(): number {
  const dir = path.resolve(process.argv[2] ?? process.env.POLICYLINT_BENCH_DIR ?? '/tmp/policylint-bench/handbook-ja');
  const files = markdownFiles(dir);
  const problems: string[] = [];
  let deepest = { depth: 0, file: '' };
  let fastPath = 0;
  let links = 0;
  let sections = 0;
  let anchors = 0;
  let uncertainPages = 0;
  const started = performance.now();
  for (const absPath of files) {
    const file = path.relative(dir, absPath);
    const read = readBytes(absPath, 10 * 1024 * 1024);
    if (!read.ok) {
      problems.push(`${file}: unreadable: ${read.message}`);
      continue;
    }
    const source = decodeUtf8(read.data);
    const flagged = unsafeToParse(source);
    if (flagged) problems.push(`${file}:${flagged.line}: a parse guard flags the page (false positive?): ${flagged.message}`);
    const depth = maxContainerDepth(source);
    if (depth > deepest.depth) deepest = { depth, file };
    try {
      const doc = parseDocumentModel({ path: file, absPath, source, documentClass: 'policy' });
      links += doc.links.length;
      sections += doc.sections.length;
      const full = documentAnchors(doc.tree, doc.source);
      const scanned = pageAnchors(source);
      // Where the scan answers, it must answer exactly what the parse does; where it is unsure, the parse answers.
      if (scanned && !isDeepStrictEqual([...scanned].sort(), [...full].sort())) {
        const differ = [...full].filter((anchor) => !scanned.has(anchor)).concat([...scanned].filter((anchor) => !full.has(anchor)));
        problems.push(`${file}: the anchor scan and the parse differ on ${differ.map((anchor) => `#${anchor}`).join(', ')}`);
      }
      if (!scanned) uncertainPages++;
      anchors += full.size;
    } catch (error) {
      problems.push(`${file}: parse threw ${(error as Error).message}`);
    }
    const block = findFrontMatterBlock(source);
    if (block?.closeLine !== undefined) {
      const fast = parseSimpleYaml(block.raw);
      if (fast) {
        fastPath++;
        const library = parseYamlBlock(block.raw);
        const expected = library.error ? undefined : { data: library.data, keyLines: library.keyLines };
        if (!isDeepStrictEqual(expected, { data: fast.data, keyLines: fast.keyLines }))
          problems.push(`${file}: front-matter fast path differs from the YAML library`);
      }
    }
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${files.length} pages in ${seconds} s: ${sections} sections, ${links} links, ${anchors} anchors (the scan leaves ${uncertainPages} pages to the parse); ` +
      `front-matter fast path on ${fastPath} pages; ` +
      `deepest container nesting by the guard's own measure ${deepest.depth} (${deepest.file}).\n`,
  );
  for (const problem of problems) process.stdout.write(`PROBLEM ${problem}\n`);
  process.stdout.write(
    problems.length === 0
      ? 'OK: no page flagged by the parse guards, none fails to parse, fast path and anchor scan agree everywhere.\n'
      : `${problems.length} problem(s)\n`,
  );
  return problems.length === 0 ? 0 : 1;
}

/** The guard's estimate (markers and indentation at line starts) as a number, to report the margin below its limit. */
function maxContainerDepth(source: string): number {
  let max = 0;
  for (const line of source.split('\n')) {
    let depth = 0;
    let columns = 0;
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if (c === 32) columns++;
      else if (c === 9) columns += 4;
      else if (c === 62) depth++;
      else if ((c === 45 || c === 42 || c === 43) && (line.charCodeAt(i + 1) === 32 || line.charCodeAt(i + 1) === 9)) depth++;
      else if (c >= 48 && c <= 57) {
        const match = /^\d{1,9}[.)][ \t]/.exec(line.slice(i));
        if (!match) break;
        depth++;
        i += match[0].length - 2;
      } else break;
    }
    max = Math.max(max, depth + (columns >> 1));
  }
  return max;
}

process.exitCode = main();
