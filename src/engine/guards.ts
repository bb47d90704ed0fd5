/** Container depth (block quotes and list items) past which micromark's cost grows too fast to parse safely. */
export const MAX_NESTING = 100;

/**
 * Estimates how deeply a line's block containers nest from its leading markers (`>`, list
 * bullets and numbers, indentation) without parsing. Real documents stay far below the limit; a hostile
 * or generated one that passes it is reported instead of stalling the run.
 */
export function nestingTooDeep(source: string): { depth: number; line: number; limit: number } | undefined {
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
