import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
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

function countLines(text: string): number {
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) lines++;
    else if (c === 13 && text.charCodeAt(i + 1) !== 10) lines++;
  }
  return lines;
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
  // Line 1 is the opening fence, so YAML line n is document line n + 1.
  const offset = 1;
  const lineCounter = new LineCounter();
  const doc = parseDocument(block.raw, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (pos: number) => {
    const p = lineCounter.linePos(pos);
    return { line: p.line + offset, column: p.col };
  };
  const base = { raw: block.raw, present: true, startLine: 1, endLine };
  const firstError = doc.errors[0];
  if (firstError) {
    return {
      ...base,
      data: null,
      keyLines: new Map(),
      error: { message: `Invalid YAML in front matter: ${firstLine(firstError.message)}`, ...at(firstError.pos[0]) },
    };
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
    return { ...base, data: null, keyLines, error: { message: `Front matter rejected: ${firstLine((error as Error).message)}`, line: 2, column: 1 } };
  }
  if (value === null || value === undefined) return { ...base, data: {}, keyLines };
  if (typeof value !== 'object' || Array.isArray(value)) {
    return { ...base, data: null, keyLines, error: { message: 'Front matter must be a YAML mapping of keys to values', line: 2, column: 1 } };
  }
  return { ...base, data: value as Record<string, unknown>, keyLines };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}
