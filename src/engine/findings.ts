import { createHash } from 'node:crypto';
import { compareCodeUnits } from '../util/paths.js';
import { VERSION } from '../version.js';
import type { Finding, MessageData, MessageSpec, Report, Severity } from './types.js';

/** Where rule docs are published: the docs of the release that produced the finding, as markdownlint links them. */
const DOCS_BASE_URL = 'https://gitlab.com/policylint/policylint/-/blob/';

/** The one place a rule's docs link is built: its page, docs/rules/<id>.md, at this version's tag (release tags are MAJOR.MINOR.PATCH, no `v`). */
export function docsUrl(ruleId: string, version: string = VERSION): string {
  return `${DOCS_BASE_URL}${version}/docs/rules/${ruleId}.md`;
}

/** A rule (or engine pseudo-rule such as file-error) as findings name it. */
export interface FindingSource {
  ruleId: string;
  severity: Severity;
  path: string;
  messages: Readonly<Record<string, MessageSpec>>;
  documentTitle?: string;
  docsUrl?: string;
}

/** A finding without its fingerprint; fingerprints are assigned once all findings of a run are known. */
export type DraftFinding = Omit<Finding, 'fingerprint'> & { identity: string };

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** Fills a template's `{{name}}` placeholders; a placeholder without data is a bug in the rule, not a finding. */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = data[name];
    if (value === undefined) throw new Error(`message placeholder {{${name}}} has no data`);
    return String(value);
  });
}

/** The placeholder names of a template, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]!);
}

function messageText(spec: MessageSpec): string {
  return typeof spec === 'string' ? spec : spec.text;
}

/** What makes a finding the same finding after unrelated edits: its message id and the identity placeholders' values. */
function identityOf(messageId: string, spec: MessageSpec, data: MessageData = {}): string {
  const names = typeof spec === 'string' ? placeholders(spec) : spec.identity;
  return [messageId, ...[...new Set(names)].sort().map((name) => `${name}=${String(data[name] ?? '')}`)].join('\0');
}

export function draftFinding(source: FindingSource, report: Report): DraftFinding {
  const spec = source.messages[report.messageId];
  if (spec === undefined) throw new Error(`rule ${source.ruleId} has no message "${report.messageId}"`);
  const line = Math.max(1, report.line);
  const draft: DraftFinding = {
    ruleId: source.ruleId,
    messageId: report.messageId,
    severity: report.severity ?? source.severity,
    path: report.path ?? source.path,
    line,
    column: report.column ?? 1,
    endLine: report.endLine ?? line,
    endColumn: report.endColumn ?? report.column ?? 1,
    message: formatMessage(messageText(spec), report.data),
    identity: identityOf(report.messageId, spec, report.data),
  };
  if (report.details !== undefined) draft.details = report.details;
  // The title describes the document checked; a report redirected to another file (CODEOWNERS) has none.
  if (source.documentTitle !== undefined && !report.path) draft.documentTitle = source.documentTitle;
  if (source.docsUrl !== undefined) draft.docsUrl = source.docsUrl;
  return draft;
}

type Ordered = Pick<Finding, 'path' | 'line' | 'column' | 'ruleId' | 'message'>;

/** A run's finding order: by file, position, rule and message. */
export function compareFindings(a: Ordered, b: Ordered): number {
  return (
    compareCodeUnits(a.path, b.path) || a.line - b.line || a.column - b.column || compareCodeUnits(a.ruleId, b.ruleId) || compareCodeUnits(a.message, b.message)
  );
}

/**
 * Sorts findings and fingerprints them from rule, path, identity (message id and identity data)
 * and the occurrence number of that identity, never the line: GitLab Code Quality matches
 * findings across pipelines by fingerprint.
 */
export function finalizeFindings(drafts: readonly DraftFinding[]): Finding[] {
  const sorted = [...drafts].sort(compareFindings);
  // Sorted by path first, so occurrences are counted one file at a time: a small map, not one for the whole run.
  let seen = new Map<string, number>();
  let currentPath: string | undefined;
  return sorted.map((draft) => {
    if (draft.path !== currentPath) {
      currentPath = draft.path;
      seen = new Map();
    }
    const ruleKey = `${draft.ruleId}\0${draft.identity}`;
    const occurrence = seen.get(ruleKey) ?? 0;
    seen.set(ruleKey, occurrence + 1);
    // Listed field by field rather than spread: on a run with tens of thousands of findings the copies add up.
    const finding: Omit<Finding, 'fingerprint'> = {
      ruleId: draft.ruleId,
      messageId: draft.messageId,
      severity: draft.severity,
      path: draft.path,
      line: draft.line,
      column: draft.column,
      endLine: draft.endLine,
      endColumn: draft.endColumn,
      message: draft.message,
    };
    if (draft.details !== undefined) finding.details = draft.details;
    if (draft.documentTitle !== undefined) finding.documentTitle = draft.documentTitle;
    if (draft.docsUrl !== undefined) finding.docsUrl = draft.docsUrl;
    const identity = `${draft.ruleId}\0${draft.path}\0${draft.identity}\0${occurrence}`;
    return Object.assign(finding, { fingerprint: createHash('sha256').update(identity).digest().toString('hex', 0, 16) });
  });
}
