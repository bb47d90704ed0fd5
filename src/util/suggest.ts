/**
 * Levenshtein distance: the fewest single-character insertions, deletions or substitutions that
 * turn `a` into `b`; with `transpositions`, a swap of two neighbours is one edit too (`sectoins` is one edit from `sections`).
 */
export function editDistance(a: string, b: string, { transpositions = false }: { transpositions?: boolean } = {}): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, beforePrevious[j - 2]! + 1);
      current.push(best);
    }
    [beforePrevious, previous] = [previous, current];
  }
  return previous[b.length]!;
}

/** How near a candidate must be to a mistyped word to be suggested. */
export interface SuggestOptions {
  /** The most edits (case ignored) a slip takes; default 2. A candidate is never suggested for as many edits as the word is long, so `x` suggests nothing. */
  maxDistance?: number;
  /** Count a swap of two neighbours as one edit. */
  transpositions?: boolean;
  /** Also suggest a candidate that starts with the word, or that the word starts with, once it is 3 characters long (`required` for `required-sections`). */
  prefix?: boolean;
  /** A longer word is no slip (a comment's text, not a name) and gets no suggestion. */
  maxLength?: number;
}

/** For a name written in a comment (a rule id, a directive's keyword). */
export const NAME_IN_COMMENT: SuggestOptions = { prefix: true, maxLength: 64 };

/** The candidate a mistyped `word` most likely meant, by `options`: the fewest edits wins, the first of equals; `undefined` when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>, options: SuggestOptions = {}): string | undefined {
  const { maxDistance = 2, transpositions = false, prefix = false, maxLength = Infinity } = options;
  const typed = word.toLowerCase();
  if (typed.length === 0 || typed.length > maxLength) return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    const distance = editDistance(typed, name, { transpositions });
    const near = distance <= maxDistance && distance < typed.length;
    const sharesPrefix = prefix && typed.length >= 3 && (name.startsWith(typed) || typed.startsWith(name));
    if ((near || sharesPrefix) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
