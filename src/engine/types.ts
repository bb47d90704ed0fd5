import type { z } from 'zod';
import type { DocumentModel } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';

export type Severity = 'error' | 'warn';
export type SeveritySetting = Severity | 'off';

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** Repository-relative POSIX path. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  /** Stable across edits elsewhere in the file: derived from rule, path, the report's key and its occurrence number, never the line. */
  fingerprint: string;
  documentTitle?: string;
  docsUrl?: string;
}

/** What a rule hands to `report`; the engine fills in rule id, severity, path and fingerprint. */
export interface Report {
  message: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** What makes this finding the same finding after unrelated edits (e.g. the missing section's name). Defaults to the message. */
  key?: string;
  /** Report against another file than the document being checked (e.g. CODEOWNERS). */
  path?: string;
  /** Overrides the configured severity for this report (e.g. a "due soon" notice under an error-level rule). */
  severity?: Severity;
}

export interface RuleMeta<Options> {
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** zod schema of the rule's options; its defaults are the rule's defaults. */
  options: z.ZodType<Options>;
  /** Path of the rule's docs page, relative to the repository root. */
  docs: string;
  /**
   * The rule is part of the control itself (who must approve, what is controlled): inline
   * comments cannot suppress its findings, and a comment that tries is reported.
   */
  control?: boolean;
  /** Runs only in `policylint mr`, where the merge request's approvals are known; a plain lint never lists it as run. */
  mergeRequestOnly?: boolean;
  /** Not configured per class: always on, at its default severity. */
  alwaysOn?: boolean;
}

export interface DocumentCheckContext<Options> {
  options: Options;
  project: ProjectContext;
  report(report: Report): void;
}

export interface ProjectCheckContext<Options> {
  options: Options;
  project: ProjectContext;
  /** The class this rule runs for, and its documents in this run (a run may lint only some of the class's files). */
  documentClass: string;
  documents: readonly DocumentModel[];
  report(report: Report): void;
}

/** A rule is a module exporting `meta` and a per-document `check`, a once-per-run `checkProject`, or both. */
export interface Rule<Options = unknown> {
  meta: RuleMeta<Options>;
  check?(doc: DocumentModel, ctx: DocumentCheckContext<Options>): void | Promise<void>;
  checkProject?(ctx: ProjectCheckContext<Options>): void | Promise<void>;
}

/** Identity helper that keeps a rule's option type when writing `export default defineRule({...})`. */
export function defineRule<Options>(rule: Rule<Options>): Rule<Options> {
  return rule;
}

/** A rule of any option type, as the registry holds them (options are checked by each rule's own schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;
