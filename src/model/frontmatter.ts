import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { countLines } from './lines.js';
import type { FrontMatter } from './types.js';

/** Aliases a front-matter block may expand; real pages use none, so a low bound stops alias bombs early. */
const MAX_ALIAS_COUNT = 100;

export interface FrontMatterBlock {
  raw: string;
  /** Line of the closing fence; undefined when the block never closes. */
  closeLine: number | undefined;
  /** Number of lines the block occupies including fences. */
  lineCount: number;
}

/**
 * Finds the YAML block between the opening `---` on line 1 and the next `---` line, the way
 * remark-frontmatter and Hugo do, without parsing the rest of the file.
 */
export function findFrontMatterBlock(source: string): FrontMatterBlock | undefined {
  const open = /^---[ \t]*(\r\n|\r|\n)/.exec(source);
  if (!open) return undefined;
  const close = /(?:^|\r\n|\r|\n)---[ \t]*(?=\r\n|\r|\n|$)/g;
  close.lastIndex = open[0].length - 1;
  // The closing fence must start a line after the opening one.
  const found = close.exec(source);
  const bodyStart = open[0].length;
  if (!found || found.index < bodyStart - 1) {
    return { raw: source.slice(bodyStart), closeLine: undefined, lineCount: countLines(source) };
  }
  const raw = source.slice(bodyStart, Math.max(bodyStart, found.index));
  const closeLine = countLines(source.slice(0, found.index + found[0].length));
  return { raw, closeLine, lineCount: closeLine };
}

const ABSENT: FrontMatter = {
  raw: '',
  present: false,
  data: null,
  startLine: 1,
  endLine: 0,
  keyLines: new Map(),
};

/** Parses the front matter of a document: data, each top-level key's line, and any error at its line. */
export function parseFrontMatter(source: string): FrontMatter {
  const block = findFrontMatterBlock(source);
  if (!block) return ABSENT;
  const endLine = block.closeLine ?? block.lineCount;
  if (block.closeLine === undefined) {
    return {
      ...ABSENT,
      present: true,
      raw: block.raw,
      endLine,
      error: { message: 'Front matter is not terminated: add a closing `---` line after the YAML block', line: 1, column: 1 },
    };
  }
  return { raw: block.raw, present: true, startLine: 1, endLine, ...(parseSimpleYaml(block.raw) ?? parseYamlBlock(block.raw)) };
}

/** The YAML library's reading of a closed front-matter block: every block the fast path does not take, errors included. */
export function parseYamlBlock(raw: string): Pick<FrontMatter, 'data' | 'keyLines' | 'error'> {
  // Line 1 is the opening fence, so YAML line n is document line n + 1.
  const offset = 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(raw, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (pos: number) => {
    const p = lineCounter.linePos(pos);
    return { line: p.line + offset, column: p.col };
  };
  const firstError = doc.errors[0];
  if (firstError) {
    return { data: null, keyLines: new Map(), error: { message: `Invalid YAML in front matter: ${firstLine(firstError.message)}`, ...at(firstError.pos[0]) } };
  }
  const keyLines = new Map<string, number>();
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isScalar(item.key) && item.key.range) keyLines.set(String(item.key.value), at(item.key.range[0]).line);
    }
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { data: null, keyLines, error: { message: `Front matter rejected: ${firstLine((error as Error).message)}`, line: 2, column: 1 } };
  }
  if (value === null || value === undefined) return { data: {}, keyLines };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { data: null, keyLines, error: { message: 'Front matter must be a YAML mapping of keys to values', line: 2, column: 1 } };
  }
  return { data: value as Record<string, unknown>, keyLines };
}

// ---------------------------------------------------------------------------------------------
// A fast path for the front matter nearly every page has: `key: scalar` lines and `- item` lists.

const SIMPLE_KEY = /^([A-Za-z_][\w-]*):(?:[ ]+(.*))?$/;
const ITEM = /^([ ]*)-(?:[ ]+(.*))?$/;
/** Keys YAML would not read as the plain string they spell (or that JavaScript objects treat specially). */
const SPECIAL_KEY = /^(?:~|[Nn]ull|NULL|[Tt]rue|TRUE|[Ff]alse|FALSE|__proto__)$/;
/** Characters the fast path leaves to the YAML library: tabs, carriage returns, controls, a byte order mark. */
// eslint-disable-next-line no-control-regex -- control characters are what sends text to the YAML library
const UNSIMPLE_TEXT = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029]/;
const NOT_PLAIN_START = /^[-?:,[\]{}#&*!|>'"%@`]/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const NULL = /^(?:~|[Nn]ull|NULL)$/;
const DECIMAL = /^[-+]?[0-9]+$/;
/** Other core-schema numbers and specials (octal, hex, floats, .inf, .nan): left to the library. */
const OTHER_NUMBER = /^(?:0o[0-7]+|0x[0-9a-fA-F]+|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/**
 * One-line scalar as YAML 1.2's core schema reads it (what the `yaml` library returns), or
 * undefined when the text is anything the fast path does not handle exactly.
 */
function simpleScalar(text: string): unknown {
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    if (close === -1 || text.includes('\\') || !/^[ ]*$/.test(text.slice(close + 1))) return undefined;
    return text.slice(1, close);
  }
  if (text.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'[ ]*$/.exec(text);
    return match ? match[1]!.replace(/''/g, "'") : undefined;
  }
  // Matched from the first trailing space only: tried from every space, each run of spaces inside the value is rescanned.
  const value = text.replace(/(?<![ ])[ ]+$/, '');
  if (value === '' || NOT_PLAIN_START.test(value) || value.includes(': ') || value.endsWith(':') || value.includes(' #')) return undefined;
  if (BOOL.test(value)) return value[0] === 't' || value[0] === 'T';
  if (NULL.test(value)) return null;
  if (DECIMAL.test(value)) return parseInt(value, 10);
  if (OTHER_NUMBER.test(value)) return undefined;
  return value;
}

/**
 * Front matter made only of top-level `key: value` lines (plain, single- or double-quoted
 * one-line values without escapes), `key:` followed by a `- item` list of such values, comments
 * and blank lines, read without the YAML library: it is the same data the library gives (checked
 * page by page on the 4,561-page handbook-ja corpus, and in tests) at a fraction of the cost,
 * which matters when every page of a handbook is linted. Anything else returns undefined and
 * goes to the library, errors included.
 */
export function parseSimpleYaml(raw: string): { data: Record<string, unknown>; keyLines: Map<string, number> } | undefined {
  if (UNSIMPLE_TEXT.test(raw)) return undefined;
  const lines = raw.split('\n');
  const data: Record<string, unknown> = {};
  const keyLines = new Map<string, number>();
  let list: unknown[] | undefined;
  let listIndent = -1;
  let pendingKey: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const indent = line.length - trimmed.length;
    const item = ITEM.exec(line);
    if (item && pendingKey !== undefined && (list === undefined ? true : indent === listIndent)) {
      if (list === undefined) {
        list = [];
        listIndent = indent;
        data[pendingKey] = list;
      }
      if (item[2] === undefined) return undefined;
      const value = simpleScalar(item[2]);
      if (value === undefined) return undefined;
      list.push(value);
      continue;
    }
    if (indent !== 0) return undefined;
    if (pendingKey !== undefined && list === undefined) data[pendingKey] = null;
    pendingKey = undefined;
    list = undefined;
    const entry = SIMPLE_KEY.exec(line);
    if (!entry) return undefined;
    const key = entry[1]!;
    if (SPECIAL_KEY.test(key) || keyLines.has(key)) return undefined;
    // Line 1 is the opening fence, so YAML line i (from 0) is document line i + 2.
    keyLines.set(key, i + 2);
    const text = entry[2] ?? '';
    if (text.trim() === '') {
      pendingKey = key;
      continue;
    }
    const value = simpleScalar(text);
    if (value === undefined) return undefined;
    data[key] = value;
  }
  if (pendingKey !== undefined && list === undefined) data[pendingKey] = null;
  return { data, keyLines };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
