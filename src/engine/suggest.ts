/** Levenshtein distance: the fewest single-character insertions, deletions or substitutions that turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped `word` most likely meant: within two edits (ignoring case), or one
 * starts with the other (`required` for `required-sections`); the fewest edits wins. `undefined`
 * when nothing is close, or the word is too long to be a slip (a comment's text, not a name).
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const typed = word.toLowerCase();
  if (typed.length === 0 || typed.length > 64) return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const name = candidate.toLowerCase();
    const distance = editDistance(typed, name);
    const prefix = typed.length >= 3 && (name.startsWith(typed) || typed.startsWith(name));
    if ((distance <= 2 || prefix) && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
