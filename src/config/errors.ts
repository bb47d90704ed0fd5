/** A problem with the configuration or the command line: reported in one line per issue, exit code 2. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length > 0 ? `${message}\n${details.map((d) => `  ${d}`).join('\n')}` : message);
    this.name = 'ConfigError';
  }
}

/** Levenshtein distance, counting a swap of two neighbours as one edit (`sectoins` is one edit from `sections`). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/**
 * The known key nearest to an unknown one, when it is at most `maxDistance` edits away (case
 * ignored) and closer than the unknown key is long (so `x` suggests nothing); the first of equals wins.
 */
export function didYouMean(unknown: string, known: readonly string[], maxDistance = 2): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(unknown.toLowerCase(), key.toLowerCase());
    if (distance <= maxDistance && distance < unknown.length && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}
