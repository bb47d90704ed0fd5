/**
 * Ruby's `File.fnmatch?(pattern, path, File::FNM_PATHNAME | File::FNM_DOTMATCH)`, which is
 * what GitLab uses to match CODEOWNERS patterns. A port of `fnmatch`/`fnmatch_helper`/`bracket`
 * from Ruby's dir.c with those two flags fixed: `*`, `?` and `[...]` never match `/`, `**∕`
 * matches zero or more whole directories, any other `**` is a plain `*`, dotfiles match,
 * backslash escapes, case-sensitive, no braces. Off-the-shelf globbers differ on exactly
 * these points, hence the port.
 */

// Sentinel for "end of string", like C's NUL terminator.
const END = '';

/** Indexable by character: code points when there are surrogate pairs, so `?` never splits one; else the string itself (no allocation). */
type Chars = string | string[];

function chars(text: string): Chars {
  return /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : text;
}

function at(text: Chars, index: number): string {
  return text[index] ?? END;
}

/** Under FNM_PATHNAME a `/` ends the current segment just like the end of the string. */
function isSegmentEnd(ch: string): boolean {
  return ch === END || ch === '/';
}

function unescape(pattern: Chars, p: number): number {
  return at(pattern, p) === '\\' ? p + 1 : p;
}

/** Matches `[...]` starting just after the `[`; returns the index after `]`, or -1. */
function matchBracket(pattern: Chars, start: number, ch: string): number {
  let p = start;
  let negated = false;
  if (at(pattern, p) === '!' || at(pattern, p) === '^') {
    negated = true;
    p++;
  }
  let ok = false;
  while (at(pattern, p) !== ']') {
    const low = unescape(pattern, p);
    if (at(pattern, low) === END) return -1;
    p = low + 1;
    if (at(pattern, p) === END) return -1;
    if (at(pattern, p) === '-' && at(pattern, p + 1) !== ']') {
      const high = unescape(pattern, p + 1);
      if (at(pattern, high) === END) return -1;
      p = high + 1;
      if (ok) continue;
      const lowChar = at(pattern, low);
      const highChar = at(pattern, high);
      if (ch === lowChar || ch === highChar) {
        ok = true;
        continue;
      }
      const code = ch.codePointAt(0) ?? 0;
      if (code < (lowChar.codePointAt(0) ?? 0)) continue;
      if (code > (highChar.codePointAt(0) ?? 0)) continue;
      ok = true;
    } else if (!ok && ch === at(pattern, low)) {
      ok = true;
    }
  }
  return ok === negated ? -1 : p + 1;
}

interface Cursor {
  p: number;
  s: number;
}

/** Matches one path segment (up to `/` or the end); on success leaves the cursor where it stopped. */
function matchSegment(pattern: Chars, path: Chars, cursor: Cursor): boolean {
  let { p, s } = cursor;
  let starP = -1;
  let starS = -1;
  const done = (matched: boolean): boolean => {
    cursor.p = p;
    cursor.s = s;
    return matched;
  };

  for (;;) {
    const pc = at(pattern, p);
    if (pc === '*') {
      do p++;
      while (at(pattern, p) === '*');
      if (isSegmentEnd(at(pattern, unescape(pattern, p)))) {
        p = unescape(pattern, p);
        return done(true);
      }
      if (isSegmentEnd(at(path, s))) return done(false);
      starP = p;
      starS = s;
      continue;
    }
    let advanced = false;
    if (pc === '?') {
      if (isSegmentEnd(at(path, s))) return done(false);
      p++;
      s++;
      continue;
    }
    if (pc === '[') {
      if (isSegmentEnd(at(path, s))) return done(false);
      const next = matchBracket(pattern, p + 1, at(path, s));
      if (next !== -1) {
        p = next;
        s++;
        continue;
      }
    } else {
      p = unescape(pattern, p);
      if (isSegmentEnd(at(path, s))) return done(isSegmentEnd(at(pattern, p)));
      if (!isSegmentEnd(at(pattern, p)) && at(pattern, p) === at(path, s)) {
        p++;
        s++;
        advanced = true;
      }
    }
    if (advanced) continue;
    // Mismatch: let the last `*` swallow one more character.
    if (starP !== -1) {
      p = starP;
      starS++;
      s = starS;
      continue;
    }
    return done(false);
  }
}

export function fnmatch(patternText: string, pathText: string): boolean {
  const pattern = chars(patternText);
  const path = chars(pathText);
  const cursor: Cursor = { p: 0, s: 0 };
  let globstarP = -1;
  let globstarS = -1;

  for (;;) {
    if (at(pattern, cursor.p) === '*' && at(pattern, cursor.p + 1) === '*' && at(pattern, cursor.p + 2) === '/') {
      do cursor.p += 3;
      while (at(pattern, cursor.p) === '*' && at(pattern, cursor.p + 1) === '*' && at(pattern, cursor.p + 2) === '/');
      globstarP = cursor.p;
      globstarS = cursor.s;
    }
    if (matchSegment(pattern, path, cursor)) {
      while (!isSegmentEnd(at(path, cursor.s))) cursor.s++;
      const patternLeft = at(pattern, cursor.p) !== END;
      const pathLeft = at(path, cursor.s) !== END;
      if (patternLeft && pathLeft) {
        cursor.p++;
        cursor.s++;
        continue;
      }
      if (!patternLeft && !pathLeft) return true;
    }
    // `**/` may swallow one more directory of the path.
    if (globstarP !== -1) {
      while (!isSegmentEnd(at(path, globstarS))) globstarS++;
      if (at(path, globstarS) !== END) {
        globstarS++;
        cursor.p = globstarP;
        cursor.s = globstarS;
        continue;
      }
    }
    return false;
  }
}

/** Characters after which a pattern is no longer literal. */
const WILDCARD = /[*?[\]\\]/;

/**
 * `fnmatch` for one pattern over many paths: the pattern's literal head and tail must begin and
 * end the path, which rejects most paths of a repository without running the matcher. A pattern
 * with no wildcard at all is compared as a string.
 */
export function compileFnmatch(pattern: string): (path: string) => boolean {
  const first = pattern.search(WILDCARD);
  if (first === -1) return (path) => path === pattern;
  let last = pattern.length - 1;
  while (!WILDCARD.test(pattern[last]!)) last--;
  const head = pattern.slice(0, first);
  // `**/` may match no directory at all, taking its `/` with it.
  const tail = pattern.slice(last + 1).replace(/^\//, '');
  return (path) => path.startsWith(head) && path.endsWith(tail) && fnmatch(pattern, path);
}
