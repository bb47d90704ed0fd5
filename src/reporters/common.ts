import type { Severity } from '../engine/types.js';
import type { ReportInput, RuleSummary } from './types.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Replaces unpaired surrogates with U+FFFD. JSON.stringify would emit them as `\udXXX` escapes,
 * which strict consumers (and encodeURIComponent) reject.
 */
export function toWellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Folds line breaks (and the blanks around them) into one space, for places that hold a single line. */
export function toSingleLine(text: string): string {
  return text.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ');
}

// Document text ends up in terminal output: a raw ESC or C1 byte could drive the terminal, so controls become U+FFFD.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

/** Text safe to print on a terminal: well-formed, controls replaced by U+FFFD. */
export function printableText(text: string): string {
  return toWellFormed(text).replace(CONTROL_CHARACTERS, '\uFFFD');
}

/** One terminal line: line breaks become spaces (a break would split the line), then `printableText`. */
export function printableLine(text: string): string {
  return printableText(toSingleLine(text));
}

/** The word people read: `warn` is a config value, `warning` is what SARIF, JUnit and terminals say. */
export function severityLabel(severity: Severity): 'error' | 'warning' {
  return severity === 'error' ? 'error' : 'warning';
}

/** Machine-readable reports end with a newline and indent by two spaces so diffs of them stay readable. */
export function toJsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * The rules that ran, followed by any rule that only appears in findings (so no finding is dropped
 * for want of metadata); extras are described by their id and take the severity of their first finding.
 */
export function reportedRules(input: ReportInput): RuleSummary[] {
  const rules = [...input.rules];
  const known = new Set(rules.map((rule) => rule.id));
  for (const finding of input.findings) {
    if (known.has(finding.ruleId)) continue;
    known.add(finding.ruleId);
    rules.push({
      id: finding.ruleId,
      description: finding.ruleId,
      defaultSeverity: finding.severity,
      ...(finding.docsUrl === undefined ? {} : { docsUrl: finding.docsUrl }),
    });
  }
  return rules;
}
