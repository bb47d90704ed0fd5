/** Container depth (block quotes and list items) past which micromark's cost grows too fast to parse safely. */
export const MAX_NESTING = 100;

/**
 * micromark matches each `]` against the link labels open before it in the same paragraph, so a
 * paragraph's parse time grows with its `]` count times its length: 1 MB of `[x] ` takes about five
 * minutes. Above this product (about a second of parsing) a paragraph is not parsed. The largest
 * real paragraph of the 4,561-page handbook-ja corpus scores 3.3e7.
 */
export const MAX_LABEL_COST = 1e9;

/** Why a source must not be given to the Markdown parser, for a file-error finding; undefined when it is safe. */
export function unsafeToParse(source: string): { message: string; line: number } | undefined {
  const depth = nestingTooDeep(source);
  if (depth) return { message: `Markdown nests ${depth.depth}+ levels deep at line ${depth.line}; not parsed (limit ${depth.limit})`, line: depth.line };
  const labels = labelsTooCostly(source);
  if (labels) {
    return {
      message: `The paragraph at line ${labels.line} has ${labels.brackets} "]" in ${labels.length} characters: matching its link labels would take the Markdown parser too long; not parsed (split it into paragraphs)`,
      line: labels.line,
    };
  }
  return undefined;
}

/** The first paragraph (lines between blank lines) whose `]` count times length passes MAX_LABEL_COST. */
export function labelsTooCostly(source: string): { line: number; brackets: number; length: number } | undefined {
  let blockStart = 0;
  let blockLine = 1;
  let brackets = 0;
  let line = 1;
  let lineStart = 0;
  let blank = true;
  for (let i = 0; i <= source.length; i++) {
    const c = i === source.length ? 10 : source.charCodeAt(i);
    if (c === 10) {
      if (blank || i === source.length) {
        // The paragraph ends before this blank line's own line break (or at the end of the text).
        const length = blank ? Math.max(0, lineStart - 1 - blockStart) : i - blockStart;
        if (brackets * length > MAX_LABEL_COST) return { line: blockLine, brackets, length };
        blockStart = i + 1;
        blockLine = line + 1;
        brackets = 0;
      }
      line++;
      lineStart = i + 1;
      blank = true;
    } else if (c === 93) {
      brackets++;
      blank = false;
    } else if (c !== 32 && c !== 9 && c !== 13) blank = false;
  }
  return undefined;
}

/**
 * Estimates how deeply a line's block containers nest from its leading markers (`>`, list
 * bullets and numbers, indentation) without parsing. Real documents stay far below the limit; a hostile
 * or generated one that passes it is reported instead of stalling the run.
 */
function nestingTooDeep(source: string): { depth: number; line: number; limit: number } | undefined {
  let line = 1;
  let depth = 0;
  let columns = 0;
  let atLineStart = true;
  for (let i = 0; i < source.length; i++) {
    const c = source.charCodeAt(i);
    if (c === 10) {
      line++;
      depth = 0;
      columns = 0;
      atLineStart = true;
      continue;
    }
    if (!atLineStart) continue;
    if (c === 32) columns++;
    else if (c === 9) columns += 4;
    else if (c === 62) depth++;
    // A bullet only when a space follows, so thematic breaks (`-----`) and emphasis are not counted.
    else if ((c === 45 || c === 42 || c === 43) && (source.charCodeAt(i + 1) === 32 || source.charCodeAt(i + 1) === 9)) depth++;
    else if (c >= 48 && c <= 57) {
      // An ordered list marker (`1.` or `1)`, at most 9 digits, then a space) opens a container just like a bullet.
      let end = i;
      while (end - i < 9 && isDigit(source.charCodeAt(end))) end++;
      const delimiter = source.charCodeAt(end);
      const after = source.charCodeAt(end + 1);
      if ((delimiter === 46 || delimiter === 41) && (after === 32 || after === 9)) {
        depth++;
        i = end;
      } else atLineStart = false;
    } else atLineStart = false;
    if (depth + (columns >> 1) > MAX_NESTING) return { depth: MAX_NESTING, line, limit: MAX_NESTING };
  }
  return undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
