// The audit evidence as text. JSON is the `Evidence` itself; CSV, Markdown and HTML show the same
// facts for a spreadsheet, a GitLab issue and a printed (PDF) record. Every format is a pure
// function of the `Evidence`: no clock, no locale, the builder's order kept, so the same evidence
// always gives the same bytes.
import { codeSpan, defuseLineStarts, neutralise } from '../gitlab/sanitize.js';
import { csvTable } from '../util/table.js';
import { escapeHtml as html, plural } from '../util/text.js';
import type { EvidenceFormat } from './formats.js';
import type {
  ChangeReference,
  ChangeVerdict,
  Evidence,
  EvidenceApproval,
  EvidenceChange,
  EvidenceDocument,
  EvidenceMergeRequest,
  GitPerson,
  OwnerRequirement,
  ReviewEvent,
} from './types.js';

const CSV_COLUMNS = [
  'Document path',
  'Document ID',
  'Title',
  'Class',
  'Change commit',
  'Date',
  'Author',
  'Action',
  'Path',
  'Old path',
  'Merge request (iid)',
  'Merge request URL',
  'Merged by',
  'Merged at',
  'Approvals',
  'Required owners',
  'CODEOWNERS as of (commit)',
  'Verdict',
  'Reasons',
  'Unverified fields',
  'Commits',
] as const;

/** The changes table of Markdown and HTML, with each column's share of the printed page's width; the verdict's reasons follow it in its cell. */
const CHANGE_COLUMNS = [
  ['Date', 12],
  ['Commit', 10],
  ['Change', 17],
  ['Merge request', 10],
  ['Merged by', 8],
  ['Approvals', 13],
  ['Required owners', 15],
  ['Verdict and reasons', 15],
] as const;

const VERDICT_WORDS: Record<ChangeVerdict, string> = { met: 'met', 'not-met': 'not met', unverified: 'unverified' };

const GIT_ONLY = 'git only — merge requests and approvals unverified';

function short(sha: string): string {
  return sha.slice(0, 12);
}

function person(who: GitPerson): string {
  return `${who.name} <${who.email}>`;
}

/** A link target we write: http(s) with nothing that could end a Markdown link or table cell, or an HTML attribute. */
function linkable(url: string | null): url is string {
  return url !== null && /^https?:\/\/[^\s()<>"'`\\|[\]{}]+$/.test(url);
}

/** `@alice 2026-02-01T10:00:00Z`, `Jane <jane@x> (trailer, unverified)`, with why it does not count when it does not. */
function approvalNotes(approval: EvidenceApproval): string {
  const notes = [approval.source === 'git' ? 'trailer, unverified' : '', approval.counted === false ? `not counted: ${approval.why ?? 'no reason given'}` : ''];
  const text = notes.filter(Boolean).join(', ');
  return text ? `(${text})` : '';
}

function approver(approval: EvidenceApproval): string {
  return approval.username !== null ? `@${approval.username}` : (approval.trailer ?? 'unnamed');
}

function approvalText(approval: EvidenceApproval): string {
  return [approver(approval), approval.approvedAt ?? '', approvalNotes(approval)].filter(Boolean).join(' ');
}

function requirementCounts(entry: OwnerRequirement): string {
  return entry.approvalsCounted === null
    ? `(${entry.approvalsRequired} required, unverified)`
    : `(${entry.approvalsCounted} of ${entry.approvalsRequired} approved)`;
}

/** `[Section] pattern:`, the part of a requirement before its owners. */
function requirementLabel(entry: OwnerRequirement): string {
  return `[${entry.section}] ${entry.pattern}:`;
}

function requirementText(entry: OwnerRequirement): string {
  return [requirementLabel(entry), ...entry.owners, requirementCounts(entry)].join(' ');
}

function csvRow(doc: EvidenceDocument, change: EvidenceChange): string[] {
  const mr = change.mergeRequest;
  return [
    doc.path,
    doc.id ?? '',
    doc.title ?? '',
    doc.class ?? '',
    change.commit,
    change.date,
    person(change.author),
    change.action,
    change.path,
    change.oldPath ?? '',
    mr ? String(mr.iid) : '',
    mr?.webUrl ?? '',
    mr?.mergedBy ?? '',
    mr?.mergedAt ?? '',
    change.approvals.map(approvalText).join('; '),
    change.requiredOwners.entries.map(requirementText).join('; '),
    change.requiredOwners.asOf ?? '',
    change.verdict,
    change.reasons.join('; '),
    change.unverified.join('; '),
    change.commits.map((commit) => short(commit.sha)).join(' '),
  ];
}

/** `modified`, `renamed from a.md to b.md`: the change's path only where it is not the document's. */
function changeWhat(change: EvidenceChange, doc: EvidenceDocument, path: (text: string) => string): string {
  if (change.oldPath !== null) return `${change.action} from ${path(change.oldPath)} to ${path(change.path)}`;
  return change.path === doc.path ? change.action : `${change.action} ${path(change.path)}`;
}

function rangeText(range: Evidence['range'], code: (text: string) => string): string {
  const from = range.from === null ? 'the start of history' : code(short(range.from));
  const to = range.to === null ? 'no commit' : code(short(range.to));
  return `${code(range.ref)} ${from}..${to}`;
}

/** How the period's summary counts read, the same in Markdown and HTML. */
const SUMMARY_TEXT = {
  documents: (n: number) => `${plural(n, 'document')} in scope`,
  changes: (n: number) => plural(n, 'change'),
  met: (n: number) => `${n} met`,
  notMet: (n: number) => `${n} not met`,
  unverified: (n: number) => `${n} unverified`,
  overdue: (n: number) => `${plural(n, 'document')} overdue for review at the period's end`,
  noOwner: (n: number) => `${plural(n, 'document')} with no owner`,
  misdated: (n: number) => `${plural(n, 'commit')} dated outside the period among its commits on the branch: its date is not when it reached the branch`,
};

// ---------------------------------------------------------------------------------------------
// Markdown: pasted into a GitLab issue. Everything from commits, documents and CODEOWNERS is
// escaped prose (`neutralise`) or a code span; nothing can run a quick action, mention, link or
// inject HTML. Table cells hold escaped prose, not code spans, where text could hold `\|` (which
// ends a GitLab table cell whatever is around it); names that cannot are code spans so they do
// not notify.

/** A name (`@alice`, `@group/sub`, `jane@example.com`) as inline code, so it does not notify; anything else as escaped prose. */
function mdName(name: string): string {
  return /^[\w.@/+-]+$/.test(name) ? codeSpan(name) : neutralise(name);
}

function mdMergeRequest(mr: EvidenceMergeRequest): string {
  const reference = neutralise(`!${mr.iid}`);
  return linkable(mr.webUrl) ? `[${reference}](${mr.webUrl})` : reference;
}

function mdVerdict(verdict: ChangeVerdict): string {
  return verdict === 'met' ? VERDICT_WORDS.met : `**${VERDICT_WORDS[verdict]}**`;
}

function mdApproval(approval: EvidenceApproval): string {
  const who = approval.username !== null ? mdName(`@${approval.username}`) : neutralise(approver(approval));
  return [who, neutralise(approval.approvedAt ?? ''), neutralise(approvalNotes(approval))].filter(Boolean).join(' ');
}

function mdRequiredOwners(change: EvidenceChange): string {
  const { codeownersPath, asOf, entries } = change.requiredOwners;
  if (codeownersPath === null) return 'no CODEOWNERS file';
  const lines = entries.map((entry) => [neutralise(requirementLabel(entry)), ...entry.owners.map(mdName), requirementCounts(entry)].join(' '));
  if (lines.length === 0) lines.push('no CODEOWNERS entry');
  if (asOf !== null) lines.push(`as of ${mdName(short(asOf))}`);
  return lines.join('<br>');
}

function mdChangeCell(change: EvidenceChange, doc: EvidenceDocument): string {
  const what = changeWhat(change, doc, neutralise);
  const others = change.commits.filter((commit) => commit.sha !== change.commit).map((commit) => mdName(short(commit.sha)));
  return [
    `${what}: ${neutralise(change.subject)}`,
    `by ${neutralise(person(change.author))}`,
    ...(others.length > 0 ? [`commits ${others.join(' ')}`] : []),
  ].join('<br>');
}

function mdChangeRow(change: EvidenceChange, doc: EvidenceDocument): string {
  const mr = change.mergeRequest;
  const reasons = [...change.reasons.map(neutralise), ...(change.unverified.length > 0 ? [`unverified: ${neutralise(change.unverified.join(', '))}`] : [])];
  const cells = [
    neutralise(change.date),
    mdName(short(change.commit)),
    mdChangeCell(change, doc),
    mr
      ? [mdMergeRequest(mr), mr.title === null ? '' : neutralise(mr.title), mr.source === 'git' ? '(named in a commit message, unverified)' : '']
          .filter(Boolean)
          .join('<br>')
      : 'none',
    mr?.mergedBy ? [mdName(`@${mr.mergedBy}`), neutralise(mr.mergedAt ?? '')].filter(Boolean).join('<br>') : '',
    change.approvals.map(mdApproval).join('<br>') || 'none',
    mdRequiredOwners(change),
    [mdVerdict(change.verdict), ...reasons].join('<br>'),
  ];
  return `| ${cells.join(' | ')} |`;
}

function mdReviewEvent(event: ReviewEvent, doc: EvidenceDocument): string {
  const value = (text: string | null) => (text === null ? 'none' : codeSpan(text));
  const mr = event.mergeRequest === null ? undefined : doc.changes.find((change) => change.mergeRequest?.iid === event.mergeRequest)?.mergeRequest;
  const via = event.mergeRequest === null ? '' : ` (${mr ? mdMergeRequest(mr) : neutralise(`!${event.mergeRequest}`)})`;
  return `- ${neutralise(event.date)} ${codeSpan(short(event.commit))}: ${codeSpan(event.field)} ${value(event.from)} → ${value(event.to)}${via}`;
}

function mdList(items: string[], none: string): string[] {
  return items.length > 0 ? items : [none];
}

function mdDocument(doc: EvidenceDocument): string[] {
  const { review } = doc;
  const reviewText = [
    `last reviewed ${review.lastReviewed === null ? 'unknown' : neutralise(review.lastReviewed)}`,
    `due ${review.due === null ? 'unknown' : neutralise(review.due)}`,
    review.status === 'ok' ? review.status : `**${review.status}**`,
  ].join(', ');
  const lines = [
    `## ${codeSpan(doc.path)}`,
    '',
    `- ID: ${doc.id === null ? 'none' : codeSpan(doc.id)}`,
    `- Title: ${doc.title === null ? 'none' : neutralise(doc.title)}`,
    `- Class: ${doc.class === null ? 'none' : neutralise(doc.class)}`,
    `- State: ${doc.state}`,
    `- Former paths: ${doc.formerPaths.map(codeSpan).join(', ') || 'none'}`,
    `- Code owners: ${doc.codeOwners.map(mdName).join(' ') || '**none**'}`,
    `- Review: ${reviewText}`,
    '',
    '### Changes',
    '',
  ];
  if (doc.changes.length === 0) lines.push('No changes in the period.');
  else
    lines.push(
      `| ${CHANGE_COLUMNS.map(([name]) => name).join(' | ')} |`,
      `|${' --- |'.repeat(CHANGE_COLUMNS.length)}`,
      ...doc.changes.map((change) => mdChangeRow(change, doc)),
    );
  lines.push(
    '',
    '### Review events',
    '',
    ...mdList(
      doc.reviews.map((event) => mdReviewEvent(event, doc)),
      'None in the period.',
    ),
  );
  lines.push(
    '',
    '### Exceptions',
    '',
    ...mdList(
      doc.exceptions.map((exception) => `- ${codeSpan(exception)}`),
      'None cited.',
    ),
  );
  return lines;
}

function mdReference(reference: ChangeReference): string {
  const where = linkable(reference.webUrl) && reference.mergeRequest !== null ? `[${neutralise(`!${reference.mergeRequest}`)}](${reference.webUrl})` : '';
  const sha = linkable(reference.commitUrl) ? `[${codeSpan(short(reference.commit))}](${reference.commitUrl})` : codeSpan(short(reference.commit));
  const commit = where || `commit ${sha}${reference.mergeRequest === null ? '' : ` (${neutralise(`!${reference.mergeRequest}`)})`}`;
  const reasons = reference.reasons.length > 0 ? `: ${reference.reasons.map(neutralise).join('; ')}` : '';
  return `  - ${codeSpan(reference.path)}, ${neutralise(reference.date)}, ${commit}${reasons}`;
}

function provenance(evidence: Evidence, code: (text: string) => string, prose: (text: string) => string): string {
  const { generator, config, source } = evidence;
  const where = [source.gitlabUrl === null ? '' : code(source.gitlabUrl), source.project === null ? '' : `project ${code(source.project)}`].filter(Boolean);
  const from = source.kind === 'gitlab' ? `GitLab API${where.length > 0 ? ` (${where.join(', ')})` : ''}` : GIT_ONLY;
  return [
    `Generated by ${prose(`${generator.name} ${generator.version}`)} at ${prose(evidence.generatedAt)}`,
    `from ${rangeText(evidence.range, code)};`,
    `configuration ${code(config.path)} (sha256 ${code(config.sha256.slice(0, 12))});`,
    `source: ${from}.${source.note === null ? '' : ` ${prose(source.note)}`}`,
  ].join(' ');
}

function markdown(evidence: Evidence): string {
  const { summary, period } = evidence;
  const lines = [
    `# Audit evidence: ${neutralise(period.since)} to ${neutralise(period.until)}`,
    '',
    provenance(evidence, codeSpan, neutralise),
    '',
    '## Summary',
    '',
    `- ${SUMMARY_TEXT.documents(summary.documents)}`,
    `- ${SUMMARY_TEXT.changes(summary.changes)}`,
    `- ${SUMMARY_TEXT.met(summary.met)}`,
    `- ${SUMMARY_TEXT.notMet(summary.notMet.length)}`,
    ...summary.notMet.map(mdReference),
    `- ${SUMMARY_TEXT.unverified(summary.unverified.length)}`,
    ...summary.unverified.map(mdReference),
    `- ${SUMMARY_TEXT.overdue(summary.overdue.length)}`,
    ...summary.overdue.map((path) => `  - ${codeSpan(path)}`),
    `- ${SUMMARY_TEXT.noOwner(summary.noOwner.length)}`,
    ...summary.noOwner.map((path) => `  - ${codeSpan(path)}`),
    // Shown only when there is one: a backdated commit is an anomaly an auditor must see.
    ...(summary.misdated.length > 0 ? [`- ${SUMMARY_TEXT.misdated(summary.misdated.length)}`] : []),
    ...summary.misdated.map((commit) => `  - ${codeSpan(short(commit.commit))} dated ${neutralise(commit.date)}`),
  ];
  for (const doc of evidence.documents) lines.push('', ...mdDocument(doc));
  return `${defuseLineStarts(lines.join('\n'))}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML: one self-contained page to keep or print to PDF. No script, no external asset (the
// Content-Security-Policy forbids loading any); links only to the page's own sections and to
// merge requests. Styled like the register's page.

function code(text: string): string {
  return `<code>${html(text)}</code>`;
}

/** A date as given, its day kept on one line, free to wrap before its time (`2026-02-01T10:00:00Z`). */
function htmlDate(date: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})(T.*)$/.exec(date);
  return match ? `<span class="nowrap">${match[1]}</span><wbr>${html(match[2]!)}` : html(date);
}

function htmlMergeRequest(mr: { iid: number; webUrl: string | null }): string {
  return linkable(mr.webUrl) ? `<a href="${html(mr.webUrl)}" rel="noreferrer">!${mr.iid}</a>` : `!${mr.iid}`;
}

function htmlVerdict(verdict: ChangeVerdict): string {
  return `<span class="verdict ${verdict}">${VERDICT_WORDS[verdict]}</span>`;
}

function htmlLines(lines: string[]): string {
  return lines.filter(Boolean).join('<br>');
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; color: #1f1f1f; margin: 2em; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.2em; margin: 1.6em 0 .4em; padding-bottom: .1em; border-bottom: 2px solid #c8c8c8; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1em; margin: 1em 0 .3em; break-after: avoid; page-break-after: avoid; }
p.provenance { color: #555; margin: 0 0 1em; }
ul { margin: .2em 0 .6em; padding-left: 1.5em; }
li { break-inside: avoid; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1em 1em; margin: 0 0 .6em; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #c8c8c8; padding: .25em .35em; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #ececec; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
tbody tr:nth-child(even) { background: #f8f8f8; }
code { font-size: .95em; overflow-wrap: anywhere; }
td code.sha, .nowrap { white-space: nowrap; }
.verdict.met { color: #1a6a1a; }
.verdict.not-met { color: #a3000b; font-weight: 700; }
.verdict.unverified { color: #8a5a00; font-weight: 700; font-style: italic; }
.overdue { color: #a3000b; font-weight: 600; }
.due-soon { color: #8a5a00; font-weight: 600; }
.muted { color: #555; }
@page { size: A4 landscape; margin: 12mm 10mm; }
@media print {
  body { margin: 0; font-size: 9pt; }
  th { background: #e0e0e0; }
  a { color: inherit; }
  code { font-size: 1em; }
  section.document { break-before: auto; }
}`;

function htmlApproval(approval: EvidenceApproval): string {
  const who = approval.username !== null ? code(approver(approval)) : html(approver(approval));
  return [who, approval.approvedAt === null ? '' : htmlDate(approval.approvedAt), html(approvalNotes(approval))].filter(Boolean).join(' ');
}

function htmlRequiredOwners(change: EvidenceChange): string {
  const { codeownersPath, asOf, entries } = change.requiredOwners;
  if (codeownersPath === null) return 'no CODEOWNERS file';
  const lines = entries.map((entry) => [html(requirementLabel(entry)), ...entry.owners.map(code), html(requirementCounts(entry))].join(' '));
  if (lines.length === 0) lines.push('no CODEOWNERS entry');
  if (asOf !== null) lines.push(`<span class="muted">${html(codeownersPath)} as of ${code(short(asOf))}</span>`);
  return htmlLines(lines);
}

function htmlChangeRow(change: EvidenceChange, doc: EvidenceDocument, id: string): string {
  const mr = change.mergeRequest;
  const what = changeWhat(change, doc, code);
  const others = change.commits.filter((commit) => commit.sha !== change.commit).map((commit) => code(short(commit.sha)));
  const reasons = [
    ...change.reasons.map(html),
    change.unverified.length > 0 ? `<span class="muted">unverified: ${html(change.unverified.join(', '))}</span>` : '',
  ];
  const cells = [
    htmlDate(change.date),
    `<code class="sha">${html(short(change.commit))}</code>`,
    htmlLines([
      `${what}: ${html(change.subject)}`,
      `<span class="muted">by ${html(person(change.author))}</span>`,
      others.length > 0 ? `commits ${others.join(' ')}` : '',
    ]),
    mr
      ? htmlLines([htmlMergeRequest(mr), html(mr.title ?? ''), mr.source === 'git' ? '<span class="muted">named in a commit message, unverified</span>' : ''])
      : 'none',
    mr?.mergedBy ? htmlLines([code(`@${mr.mergedBy}`), mr.mergedAt === null ? '' : htmlDate(mr.mergedAt)]) : '',
    htmlLines(change.approvals.map(htmlApproval)) || 'none',
    htmlRequiredOwners(change),
    htmlLines([htmlVerdict(change.verdict), ...reasons]),
  ];
  return `<tr id="${id}">${cells.map((cell) => `<td>${cell}</td>`).join('')}</tr>`;
}

function htmlReviewEvent(event: ReviewEvent, doc: EvidenceDocument): string {
  const value = (text: string | null) => (text === null ? 'none' : code(text));
  const mr = event.mergeRequest === null ? undefined : doc.changes.find((change) => change.mergeRequest?.iid === event.mergeRequest)?.mergeRequest;
  const via = event.mergeRequest === null ? '' : ` (${htmlMergeRequest(mr ?? { iid: event.mergeRequest, webUrl: null })})`;
  return `<li>${htmlDate(event.date)} ${code(short(event.commit))}: ${code(event.field)} ${value(event.from)} → ${value(event.to)}${via}</li>`;
}

function htmlList(items: string[], none: string): string {
  return items.length > 0 ? `<ul>\n${items.join('\n')}\n</ul>` : `<p class="muted">${none}</p>`;
}

function documentId(index: number): string {
  return `doc-${index + 1}`;
}

function changeId(documentIndex: number, changeIndex: number): string {
  return `${documentId(documentIndex)}-change-${changeIndex + 1}`;
}

function htmlDocument(doc: EvidenceDocument, index: number): string {
  const { review } = doc;
  const fact = (name: string, value: string) => `<dt>${name}</dt><dd>${value}</dd>`;
  const facts = [
    fact('ID', doc.id === null ? 'none' : code(doc.id)),
    fact('Title', doc.title === null ? 'none' : html(doc.title)),
    fact('Class', doc.class === null ? 'none' : html(doc.class)),
    fact('State', html(doc.state)),
    fact('Former paths', doc.formerPaths.map(code).join(', ') || 'none'),
    fact('Code owners', doc.codeOwners.map(code).join(' ') || '<strong class="overdue">none</strong>'),
    fact(
      'Review',
      `last reviewed ${html(review.lastReviewed ?? 'unknown')}, due ${html(review.due ?? 'unknown')}, <span class="${review.status}">${review.status}</span>`,
    ),
  ];
  const header = CHANGE_COLUMNS.map(([name]) => `<th scope="col">${name}</th>`).join('');
  const columns = CHANGE_COLUMNS.map(([, width]) => `<col style="width: ${width}%">`).join('');
  const changes =
    doc.changes.length === 0
      ? '<p class="muted">No changes in the period.</p>'
      : `<table>
<colgroup>${columns}</colgroup>
<thead><tr>${header}</tr></thead>
<tbody>
${doc.changes.map((change, changeIndex) => htmlChangeRow(change, doc, changeId(index, changeIndex))).join('\n')}
</tbody>
</table>`;
  return `<section class="document" id="${documentId(index)}">
<h2>${code(doc.path)}</h2>
<dl class="facts">${facts.join('')}</dl>
<h3>Changes</h3>
${changes}
<h3>Review events</h3>
${htmlList(
  doc.reviews.map((event) => htmlReviewEvent(event, doc)),
  'None in the period.',
)}
<h3>Exceptions</h3>
${htmlList(
  doc.exceptions.map((exception) => `<li>${code(exception)}</li>`),
  'None cited.',
)}
</section>`;
}

/** Where the page shows each document and change, to link the summary to them: by path (current or former) and by commit and path. */
function anchors(evidence: Evidence): { document: (path: string) => string | undefined; change: (reference: ChangeReference) => string | undefined } {
  const documents = new Map<string, string>();
  const changes = new Map<string, string>();
  const byCommit = new Map<string, string>();
  evidence.documents.forEach((doc, index) => {
    for (const path of [doc.path, ...doc.formerPaths]) if (!documents.has(path)) documents.set(path, documentId(index));
    doc.changes.forEach((change, changeIndex) => {
      const id = changeId(index, changeIndex);
      for (const path of [doc.path, change.path, change.oldPath])
        if (path !== null && !changes.has(`${change.commit}\n${path}`)) changes.set(`${change.commit}\n${path}`, id);
      if (!byCommit.has(change.commit)) byCommit.set(change.commit, id);
    });
  });
  return {
    document: (path) => documents.get(path),
    change: (reference) => changes.get(`${reference.commit}\n${reference.path}`) ?? byCommit.get(reference.commit),
  };
}

function htmlReference(reference: ChangeReference, anchor: string | undefined): string {
  const what = `${code(reference.path)} ${code(short(reference.commit))}`;
  const commitLink = linkable(reference.commitUrl) ? `, <a href="${html(reference.commitUrl)}" rel="noreferrer">commit</a>` : '';
  const where = reference.mergeRequest === null ? commitLink : `, ${htmlMergeRequest({ iid: reference.mergeRequest, webUrl: reference.webUrl })}`;
  const reasons = reference.reasons.length > 0 ? `: ${reference.reasons.map(html).join('; ')}` : '';
  return `<li>${anchor ? `<a href="#${anchor}">${what}</a>` : what}, ${htmlDate(reference.date)}${where}${reasons}</li>`;
}

function htmlSummaryItem(text: string, details: string[]): string {
  return details.length > 0 ? `<li>${text}\n<ul>\n${details.join('\n')}\n</ul>\n</li>` : `<li>${text}</li>`;
}

function htmlPage(evidence: Evidence): string {
  const { summary, period, generator } = evidence;
  const find = anchors(evidence);
  const documentItem = (path: string) => {
    const anchor = find.document(path);
    return `<li>${anchor ? `<a href="#${anchor}">${code(path)}</a>` : code(path)}</li>`;
  };
  const title = `Audit evidence: ${period.since} to ${period.until}`;
  const items = [
    htmlSummaryItem(html(SUMMARY_TEXT.documents(summary.documents)), []),
    htmlSummaryItem(html(SUMMARY_TEXT.changes(summary.changes)), []),
    htmlSummaryItem(html(SUMMARY_TEXT.met(summary.met)), []),
    htmlSummaryItem(
      html(SUMMARY_TEXT.notMet(summary.notMet.length)),
      summary.notMet.map((reference) => htmlReference(reference, find.change(reference))),
    ),
    htmlSummaryItem(
      html(SUMMARY_TEXT.unverified(summary.unverified.length)),
      summary.unverified.map((reference) => htmlReference(reference, find.change(reference))),
    ),
    htmlSummaryItem(html(SUMMARY_TEXT.overdue(summary.overdue.length)), summary.overdue.map(documentItem)),
    htmlSummaryItem(html(SUMMARY_TEXT.noOwner(summary.noOwner.length)), summary.noOwner.map(documentItem)),
    ...(summary.misdated.length > 0
      ? [
          htmlSummaryItem(
            html(SUMMARY_TEXT.misdated(summary.misdated.length)),
            summary.misdated.map((commit) => `<li>${code(short(commit.commit))} dated ${htmlDate(commit.date)}</li>`),
          ),
        ]
      : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${html(`${generator.name} ${generator.version}`)}">
<title>${html(title)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>${html(title)}</h1>
<p class="provenance">${provenance(evidence, code, html)}</p>
<section id="summary">
<h2>Summary</h2>
<ul>
${items.join('\n')}
</ul>
</section>
${evidence.documents.map(htmlDocument).join('\n')}
</body>
</html>
`;
}

export function formatEvidence(evidence: Evidence, format: EvidenceFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(evidence, null, 2)}\n`;
    case 'csv':
      return csvTable(
        CSV_COLUMNS,
        evidence.documents.flatMap((doc) => doc.changes.map((change) => csvRow(doc, change))),
      );
    case 'markdown':
      return markdown(evidence);
    case 'html':
      return htmlPage(evidence);
  }
}
