import type { Directive } from '../model/types.js';
import type { DraftFinding } from './findings.js';

export interface DirectiveOutcome {
  kept: DraftFinding[];
  /** Comments that suppressed nothing, each with only the rule ids it could act on. */
  unused: Directive[];
}

interface Range {
  directive: Directive;
  from: number;
  to: number;
  used: boolean;
}

function covers(directive: Directive, ruleId: string): boolean {
  return directive.ruleIds.length === 0 || directive.ruleIds.includes(ruleId);
}

/**
 * The comment as it acts: only the rule ids it may switch (registered, not exempt). A comment that
 * named rules but none of those, or whose keyword is unknown, does nothing (`undefined`): an
 * unknown id never falls back to "every rule". The engine reports such comments on its own.
 */
function effective(directive: Directive, known: ReadonlySet<string>, exempt: ReadonlySet<string>): Directive | undefined {
  if (directive.kind === 'unknown') return undefined;
  if (directive.ruleIds.length === 0) return directive;
  const ruleIds = directive.ruleIds.filter((id) => known.has(id) && !exempt.has(id));
  return ruleIds.length === 0 ? undefined : { ...directive, ruleIds };
}

/**
 * Applies a document's disable/enable comments to its findings and returns the comments that suppressed nothing.
 * `known` holds the rule ids a comment may name; `exempt` those whose findings no comment hides.
 */
export function applyDirectives(directives: readonly Directive[], findings: readonly DraftFinding[], lastLine: number, exempt: ReadonlySet<string>, known: ReadonlySet<string>): DirectiveOutcome {
  const ranges: Range[] = [];
  const open: Range[] = [];
  const acting = directives.flatMap((d) => effective(d, known, exempt) ?? []);
  for (const directive of acting.sort((a, b) => a.line - b.line)) {
    if (directive.kind === 'disable-line') {
      ranges.push({ directive, from: directive.line, to: directive.endLine, used: false });
    } else if (directive.kind === 'disable-next-line') {
      ranges.push({ directive, from: directive.endLine + 1, to: directive.endLine + 1, used: false });
    } else if (directive.kind === 'disable') {
      const range = { directive, from: directive.line, to: lastLine, used: false };
      ranges.push(range);
      open.push(range);
    } else {
      // An enable closes every open disable that names one of its rules (or all, for a bare enable).
      for (const range of open.filter((r) => directive.ruleIds.length === 0 || r.directive.ruleIds.some((id) => directive.ruleIds.includes(id)) || r.directive.ruleIds.length === 0)) {
        range.to = directive.line;
        open.splice(open.indexOf(range), 1);
      }
    }
  }
  const kept = findings.filter((finding) => {
    if (exempt.has(finding.ruleId)) return true;
    let suppressed = false;
    for (const range of ranges) {
      if (finding.line >= range.from && finding.line <= range.to && covers(range.directive, finding.ruleId)) {
        range.used = true;
        suppressed = true;
      }
    }
    return !suppressed;
  });
  return { kept, unused: ranges.filter((r) => !r.used).map((r) => r.directive) };
}

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
