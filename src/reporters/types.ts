import type { Finding, Severity } from '../engine/types.js';

/** What a report needs to know about a rule that ran, even when it found nothing. */
export interface RuleSummary {
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** Absolute URL of the rule's documentation, when known. */
  docsUrl?: string;
}

export interface ReportInput {
  /** Already sorted by path, line, column, ruleId. */
  findings: readonly Finding[];
  /** Every rule that ran: SARIF rule metadata and JUnit suites come from here. */
  rules: readonly RuleSummary[];
  /** Repository-relative paths of the linted documents: JUnit lists them as passing test cases. */
  filesLinted: readonly string[];
  toolVersion: string;
  /** Stylish only: emit ANSI colours. Callers decide (TTY, NO_COLOR, --color); reporters never look. */
  color: boolean;
  /** Stylish only: the terminal's width in columns, which details are wrapped to (default 80). Callers decide, as for `color`. */
  width?: number;
  /** Stylish only: when set, file headings show `cwd`-resolved absolute paths, which terminals make clickable. */
  cwd?: string;
}
