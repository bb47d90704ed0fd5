// Comment bodies policylint posts. Everything taken from documents goes through sanitize.ts;
// the hidden markers let later runs find their own comments.
import type { Requirement, SubjectVerdict } from '../approvals/judge.js';
import type { Finding } from '../engine/types.js';
import { compareCodeUnits } from '../util/paths.js';
import { plural } from '../util/text.js';
import { codeSpan, defuseLineStarts, neutralise } from './sanitize.js';

export const SUMMARY_MARKER = '<!-- policylint:summary -->';
const RESOLVED_MARKER = '<!-- policylint:resolved -->';
/** GitLab rejects notes over 1,000,000 characters. */
export const MAX_NOTE_CHARS = 1_000_000;

/** A fingerprint as it appears in a marker: fingerprints are ours, but keep the marker inert whatever they hold. */
export function markerFingerprint(fingerprint: string): string {
  return fingerprint.replace(/[^A-Za-z0-9:_.-]/g, '_');
}

function findingMarker(fingerprint: string): string {
  return `<!-- policylint:finding:${markerFingerprint(fingerprint)} -->`;
}

export function fingerprintInBody(body: string): string | undefined {
  return /<!-- policylint:finding:([A-Za-z0-9:_.-]+) -->/.exec(body)?.[1];
}

export function isResolvedReply(body: string): boolean {
  return body.includes(RESOLVED_MARKER);
}

function docsLink(finding: Finding): string {
  return finding.docsUrl && /^https:\/\/[^\s()<>]+$/.test(finding.docsUrl) ? ` ([docs](${finding.docsUrl}))` : '';
}

/**
 * A finding's details as a collapsed block, each line neutralised like any quoted text and the
 * line breaks ours. The blank lines make GitLab render the inside as Markdown, where the escapes
 * of `neutralise` hold; `indent` keeps the block inside a list item.
 */
function detailsBlock(finding: Finding, indent = ''): string[] {
  if (finding.details === undefined || finding.details.trim() === '') return [];
  const text = finding.details
    .split(/\r\n?|\n/)
    .filter((line) => line.trim() !== '')
    .map(neutralise)
    .join('<br>');
  return ['<details><summary>Details</summary>', '', text, '', '</details>'].map((line) => (line === '' ? '' : indent + line));
}

export function threadBody(finding: Finding): string {
  return defuseLineStarts(
    [
      findingMarker(finding.fingerprint),
      `**policylint** ${finding.severity} ${codeSpan(finding.ruleId)}${docsLink(finding)}`,
      '',
      neutralise(finding.message),
      ...detailsBlock(finding),
    ].join('\n'),
  );
}

export const RESOLVED_REPLY = `${RESOLVED_MARKER}\npolicylint no longer reports this finding, so the thread is resolved.`;

export interface SummaryInput {
  /** Findings listed in the summary (not shown as threads). */
  listed: readonly Finding[];
  /** Findings shown as threads on the diff. */
  threaded: number;
  /** How many documents were checked. */
  documents: number;
  /** Short SHA of the commit checked. */
  commit: string | undefined;
  /** Extra paragraphs (ours, trusted), e.g. how to re-check approvals. */
  notes: readonly string[];
  /** One verdict per change that needs code-owner approval: the table a code owner reads first. */
  approvals?: readonly SubjectVerdict[];
  maxChars?: number;
}

/** Rows beyond this are counted, not shown: the table is for reading, the reports hold everything. */
const MAX_TABLE_ROWS = 200;

const STATUS_TEXT = { approved: 'approved', missing: 'approval missing', 'not-verified': 'not verified', 'no-owners': 'no code owner' } as const;

function subjectCell(verdict: SubjectVerdict): string {
  const { subject } = verdict;
  const what = subject.kind === 'leaves' ? `leaves the controlled set: ${subject.detail}` : subject.kind === 'governance' ? 'governance file' : subject.detail;
  // Escaped prose, not a code span: GitLab splits table cells on `|` even inside code, and `\\|` ends a cell whatever escapes it.
  return `${neutralise(subject.path)}${what ? ` (${neutralise(what)})` : ''}`;
}

function requirementCell(requirement: Requirement): string {
  const owners = requirement.owners.map((owner) => neutralise(owner.text)).join(', ');
  return `${neutralise(`[${requirement.section}]`)} ${requirement.needed} of ${owners}`;
}

function approversCell(requirement: Requirement): string {
  if (requirement.approvers.length === 0) return 'none yet';
  return requirement.approvers.map((a) => (a.counted ? `✔ ${neutralise(`@${a.username}`)}` : `✘ ${neutralise(`@${a.username} (${a.why})`)}`)).join('; ');
}

function statusCell(verdict: SubjectVerdict): string {
  const missing = verdict.requirements.reduce((n, r) => n + Math.max(0, r.needed - r.counted), 0);
  return verdict.status === 'missing'
    ? `**${plural(missing, 'approval')} missing**`
    : verdict.status === 'approved'
      ? STATUS_TEXT.approved
      : `**${STATUS_TEXT[verdict.status]}**`;
}

/** One row per change that needs code-owner approval: what, whose approval, who approved and whether it counts, status. */
function approvalTable(verdicts: readonly SubjectVerdict[]): string[] {
  if (verdicts.length === 0) return [];
  const lines = ['| Change | Needs approval from (CODEOWNERS of the target branch) | Approved by | Status |', '| --- | --- | --- | --- |'];
  for (const verdict of verdicts.slice(0, MAX_TABLE_ROWS)) {
    const needs = verdict.requirements.length === 0 ? 'no CODEOWNERS entry' : verdict.requirements.map(requirementCell).join('<br>');
    const approvers = verdict.notVerified
      ? neutralise(`not verified: ${verdict.notVerified.reason}`)
      : verdict.requirements.map(approversCell).join('<br>') || '–';
    lines.push(`| ${subjectCell(verdict)} | ${needs} | ${approvers} | ${statusCell(verdict)} |`);
  }
  if (verdicts.length > MAX_TABLE_ROWS) lines.push('', `…and ${verdicts.length - MAX_TABLE_ROWS} more changes, not shown: see the job's reports.`);
  return lines;
}

/** A finding as an item of the summary's list, with its details folded inside the item. */
function findingItem(finding: Finding): string {
  const line = `- **${finding.severity}** ${codeSpan(`${finding.path}:${finding.line}`)} ${neutralise(finding.message)} (${codeSpan(finding.ruleId)})`;
  return [line, ...detailsBlock(finding, '  ')].join('\n');
}

const SEVERITY_ORDER = { error: 0, warn: 1 } as const;

export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    compareCodeUnits(a.path, b.path) ||
    a.line - b.line ||
    compareCodeUnits(a.fingerprint, b.fingerprint)
  );
}

/**
 * The one summary note. Deterministic for the same input (no times, no job ids), so a re-run with
 * the same findings leaves the note untouched. Bounded below GitLab's note size limit.
 */
export function summaryBody(input: SummaryInput): string {
  const maxChars = input.maxChars ?? MAX_NOTE_CHARS;
  const total = input.listed.length + input.threaded;
  const errors = input.listed.filter((f) => f.severity === 'error').length;
  const at = input.commit ? ` at ${codeSpan(input.commit)}` : '';
  const head: string[] = [SUMMARY_MARKER];
  const unverified = (input.approvals ?? []).some((v) => v.status === 'not-verified');
  if (total === 0 && unverified) {
    head.push(
      `### policylint: approvals not verified`,
      '',
      `Checked ${plural(input.documents, 'document')}${at}; the code-owner approvals below could not be verified.`,
    );
  } else if (total === 0) {
    head.push(
      `### policylint: no findings`,
      '',
      input.documents === 1 ? `The checked document passes${at}.` : `All ${plural(input.documents, 'checked document')} pass${at}.`,
    );
  } else {
    head.push(`### policylint: ${plural(total, 'finding')}`, '');
    const parts = [`Checked ${plural(input.documents, 'document')}${at}.`];
    if (input.threaded > 0) parts.push(`${plural(input.threaded, 'finding')} ${input.threaded === 1 ? 'is' : 'are'} shown as threads on the diff.`);
    if (input.listed.length > 0)
      parts.push(`${input.listed.length} listed below (${plural(errors, 'error')}, ${plural(input.listed.length - errors, 'warning')}).`);
    head.push(parts.join(' '));
  }
  const table = approvalTable(input.approvals ?? []);
  if (table.length > 0) head.push('', ...table);
  for (const note of input.notes) head.push('', note);
  if (input.listed.length > 0) head.push('');

  const lines = [...head];
  let length = lines.join('\n').length;
  const sorted = [...input.listed].sort(compareFindings);
  const reserve = 200; // room for the "more findings" line
  for (const [index, finding] of sorted.entries()) {
    const item = findingItem(finding);
    if (length + item.length + 1 > maxChars - reserve) {
      lines.push('', `…and ${sorted.length - index} more, not shown to stay within GitLab's comment size limit: see the job's reports.`);
      break;
    }
    lines.push(item);
    length += item.length + 1;
  }
  return defuseLineStarts(lines.join('\n'));
}
