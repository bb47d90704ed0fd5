import type { Directive } from '../model/types.js';
import type { DraftFinding } from './findings.js';

export interface DirectiveOutcome {
  kept: DraftFinding[];
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

/** Applies a document's disable/enable comments to its findings and returns the comments that suppressed nothing. */
export function applyDirectives(directives: readonly Directive[], findings: readonly DraftFinding[], lastLine: number, exempt: ReadonlySet<string>): DirectiveOutcome {
  const ranges: Range[] = [];
  const open: Range[] = [];
  for (const directive of [...directives].sort((a, b) => a.line - b.line)) {
    if (directive.kind === 'disable-next-line') {
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
