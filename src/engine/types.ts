import type { z } from 'zod';
import type { RuleSetting } from '../config/types.js';
import type { Directive, DocumentModel } from '../model/types.js';
import type { ProjectContext } from '../project/types.js';

export type Severity = 'error' | 'warn';
export type SeveritySetting = Severity | 'off';

export interface Finding {
  ruleId: string;
  /** Which of the rule's `meta.messages` this is. */
  messageId: string;
  severity: Severity;
  /** Repository-relative POSIX path. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** One short sentence saying what is wrong, for the document's author. */
  message: string;
  /** Supporting detail (paths tried, accepted spellings, what to do), plain text, may span lines. */
  details?: string;
  /** Stable across edits elsewhere in the file: derived from rule, message id, the message's identity data, path and occurrence number, never the line. */
  fingerprint: string;
  documentTitle?: string;
  docsUrl?: string;
}

/** The values filling a message template's `{{name}}` placeholders. */
export type MessageData = Readonly<Record<string, string | number>>;

/**
 * A message template. `{{name}}` placeholders are filled from the report's `data`. `identity`
 * names the placeholders that make two findings "the same finding" across pipelines (GitLab
 * matches Code Quality findings by fingerprint): leave out values that change without the
 * problem changing (a line number, a count of days). It may also name `data` values the text
 * does not show, when the shown text holds such a value. A plain string means every placeholder.
 */
export type MessageSpec = string | { text: string; identity: readonly string[] };

/** What a rule hands to `report`; the engine fills in rule id, severity, path, message text and fingerprint. */
export interface Report<MessageId extends string = string> {
  messageId: MessageId;
  data?: MessageData;
  /** Supporting detail shown under the message (see `Finding.details`). */
  details?: string;
  line: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** Report against another file than the document being checked (e.g. CODEOWNERS). */
  path?: string;
  /** Overrides the configured severity for this report (e.g. a "due soon" notice under an error-level rule). */
  severity?: Severity;
}

export interface RuleMeta<Options, MessageId extends string = string> {
  /** Also names the docs page, docs/rules/<id>.md (see `docsUrl`). */
  id: string;
  description: string;
  defaultSeverity: Severity;
  /** zod schema of the rule's options; its defaults are the rule's defaults and its `.describe()` texts reach the JSON Schema. */
  options: z.ZodType<Options>;
  /** Every message the rule reports, by id. */
  messages: Readonly<Record<MessageId, MessageSpec>>;
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

export interface DocumentCheckContext<Options, MessageId extends string = string> {
  options: Options;
  project: ProjectContext;
  /** The document's class's setting of a rule (undefined where the class does not configure it), for a rule that defers to another. */
  settingOf(ruleId: string): RuleSetting | undefined;
  report(report: Report<MessageId>): void;
}

export interface ProjectCheckContext<Options, MessageId extends string = string> {
  options: Options;
  project: ProjectContext;
  /**
   * The class this rule runs for, and its documents in this run (a run may lint only some of the class's files).
   * In a sharded run (`--shard`) the other shards' documents are here too, with only their front matter
   * (no title or directives, title line 1 unless the front matter has a title); only findings on
   * this shard's files are kept, so a finding on a document may only read that document's title and title line.
   */
  documentClass: string;
  documents: readonly ReleasedDocument[];
  report(report: Report<MessageId>): void;
}

/**
 * A document once its own rules have run, as project-wide rules and directives see it: its syntax
 * tree, source and sections are let go, so a whole-handbook run holds a few KB per page.
 */
export type ReleasedDocument = Pick<DocumentModel, 'path' | 'documentClass' | 'title' | 'titleLine' | 'frontMatter' | 'directives'>;

/** What applying a document's inline directives left over, for the rule that polices them. */
export interface DirectiveOutcome {
  /** Disable comments that suppressed nothing (with only the rule ids they could act on). */
  unused: readonly Directive[];
  /** Rule ids a comment names that it cannot act on: unknown ids, and rules no comment may disable. */
  inert: ReadonlyArray<{ directive: Directive; ruleId: string; reason: 'unknown' | 'control'; suggestion?: string }>;
}

/** A rule is a module exporting `meta` and a per-document `check`, a once-per-run `checkProject`, or both. */
export interface Rule<Options = unknown, MessageId extends string = string> {
  meta: RuleMeta<Options, MessageId>;
  check?(doc: DocumentModel, ctx: DocumentCheckContext<Options, MessageId>): void | Promise<void>;
  checkProject?(ctx: ProjectCheckContext<Options, MessageId>): void | Promise<void>;
  /**
   * Called once a document's inline directives have been applied (the engine alone sees what they
   * suppressed), even where the rule is off for the class, so comments that cannot act are always
   * reported: there `unused` is empty and `options` are the defaults.
   */
  checkDirectives?(doc: ReleasedDocument, outcome: DirectiveOutcome, ctx: DocumentCheckContext<Options, MessageId>): void;
}

/** Keeps a rule's option and message-id types: `export default defineRule({ meta: {...}, check })` infers both. */
export function defineRule<Options, MessageId extends string>(rule: Rule<Options, MessageId>): Rule<Options, MessageId> {
  return rule;
}

/** A rule of any option type, as the registry holds them (options are checked by each rule's own schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any, string>;
