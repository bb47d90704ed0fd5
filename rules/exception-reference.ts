import type { Paragraph, Root } from 'mdast';
import { z } from 'zod';
import { defineRule, type DocumentCheckContext } from '../src/engine/types.js';
import { containsTarget, normalizeTarget } from '../src/links/target.js';
import { matchesAny, type Pattern, patternSchema, plainText } from '../src/model/match.js';
import { normalizeHeading } from '../src/model/parse.js';
import type { DocumentModel, Link, Point, Section } from '../src/model/types.js';
import { SKIP_CHILDREN, walkTree } from '../src/model/walk.js';
import { missingSections, type RequiredSectionsOptions } from './required-sections.js';

/**
 * Keeps conditional prose ("unless an exception has been granted", "once the exception was
 * approved") from reading as a grant: no if/unless/until/once/when/whether/after earlier in the
 * same clause.
 */
const NOT_CONDITIONAL = String.raw`(?<!\b(?:if|unless|until|once|when|whenever|whether|after|before)\b[^.;:!?]{0,80})`;

const DEFAULT_GRANT_PATTERNS = [
  // "An exception was granted to ...", "the exception has been approved".
  String.raw`/${NOT_CONDITIONAL}\bexceptions? (?:was|were|has been|have been|had been|is hereby|are hereby) (?:granted|approved)\b/i`,
  // "The Data team has been granted an exception to ...".
  String.raw`/${NOT_CONDITIONAL}\b(?:was|were|has been|have been|had been|is hereby|are hereby) (?:granted|given) (?:an?|the|this) exception\b/i`,
  // "Security approved an exception for ..."; not "may be granted an exception for ...".
  String.raw`/${NOT_CONDITIONAL}(?<!\b(?:be|been|being|must|may|can|could|should|shall|will|would|to)\s+)\b(?:granted|approved) (?:an?|this) exception (?:to|for|from)\b/i`,
  // "Service X is exempt from this policy".
  String.raw`/${NOT_CONDITIONAL}\b(?:is|are|was|were|has been|have been) (?:hereby |currently |temporarily |permanently )?exempt(?:ed)? from\b/i`,
];

const DEFAULT_TRACKED_EXCEPTION_PATTERNS = [
  // GitLab issue references: #123, project#123, group/project#123 (not HTML entities like &#123; or URL fragments).
  // The path before `#` is checked looking back from each `#`, not forward from every `.` or `-` that may start it,
  // so a long `a.b.c…` run without `#` is not rescanned from each of its characters.
  String.raw`/#(?<=(?:^|[^\w&/#])(?:[\w.-]+(?:\/[\w.-]+)*)?#)\d+\b/`,
  // Issue and work item URLs, with or without GitLab's /-/ separator. Tried once per whitespace-delimited word, from
  // its first `http(s)://` (atomic lookahead): a later one in the same word can only do worse, and retrying each of
  // them would rescan the rest of the word every time.
  String.raw`/(?<!\S)(?=(\S*?https?:\/\/))\1\S+?\/(?:-\/)?(?:issues|work_items)\/\d+/`,
];

// Pattern defaults are written as in a config file and compiled like one (`prefault`), and the JSON Schema shows them so.
const options = z.strictObject({
  section: z
    .array(patternSchema(plainText.headingName))
    .min(1)
    .prefault(['/^exceptions\\b/'])
    .describe(
      'Headings of the Exceptions section: plain text is a heading name, equal to the heading once both are normalized (case, punctuation, `&` = `and`); `/regex/flags` is tested against the normalized heading.',
    ),
  levels: z
    .array(z.number().int().min(1).max(6))
    .min(1)
    .default([2])
    .describe('Heading levels the Exceptions section may have; lower-level "...exception..." headings are topics, not the section.'),
  requireSection: z.boolean().default(true).describe('Report documents that have no Exceptions section at all.'),
  targets: z
    .array(patternSchema(containsTarget))
    .min(1)
    .prefault(['/exception/'])
    .describe(
      'Accepted exception-process link targets: plain text is normalized like the target (lower case, no leading or trailing `/`, no `.md` or `_index.md`) and must occur in it; `/regex/flags` is tested against the normalized target.',
    ),
  grantPatterns: z
    .array(patternSchema(plainText.substring))
    .prefault(DEFAULT_GRANT_PATTERNS)
    .describe(
      'Sentences outside the Exceptions section that grant a specific exception: plain text occurs in the sentence, ignoring case; `/regex/flags` is tested against the sentence.',
    ),
  trackedExceptionPatterns: z
    .array(patternSchema(plainText.substring))
    .min(1)
    .prefault(DEFAULT_TRACKED_EXCEPTION_PATTERNS)
    .describe(
      "What cites a tracked exception in a granting sentence's paragraph (its source and the URLs of its reference links): plain text occurs in it, ignoring case; `/regex/flags` is tested against it.",
    ),
});

type Options = z.output<typeof options>;
export type ExceptionReferenceOptions = Options;
/** The options of a class that does not enable the rule: its patterns compiled once, for every command that reads citations. */
export const defaultExceptionReferenceOptions: ExceptionReferenceOptions = options.parse({});
type MessageId = keyof typeof messages;
type Context = DocumentCheckContext<Options, MessageId>;

const messages = {
  noSection: 'The document has no Exceptions section',
  noProcessLink: 'Section "{{heading}}" does not link to the exception process',
  // The sentence as quoted (at most 100 characters) is what the finding is about; where it is may change.
  untrackedGrant: 'Exception granted without citing a tracked exception: "{{sentence}}"',
} as const;

/** Options for GitLab's handbook: the eight spellings of its exception-process link (ANALYSIS §4) and nothing else. */
export const gitlabHandbookExceptionOptions = {
  targets: [
    // /handbook/security[/]#…, handbook/security#…, _index.md#… (from a page in handbook/security/).
    '#information-security-policy-exception-management-process',
    '/handbook/security/controlled-document-procedure/#exceptions',
    // {{< ref "security-and-technology-policy-exception" >}}, by page name.
    'security-and-technology-policy-exception',
    // The exception request tracker (issue template or an issue in it).
    'gitlab.com/gitlab-com/gl-security/security-assurance/sec-compliance/exceptions/',
  ],
} satisfies Partial<z.input<typeof options>>;

const SEVERITY_RANK = { off: 0, warn: 1, error: 2 } as const;

/**
 * A missing Exceptions section is one finding (docs/rules/exception-reference.md): whether
 * required-sections, running for the class at least as strictly as this rule, reports this
 * document's Exceptions section missing (one of the sections it reports missing is named like it).
 */
function reportedByRequiredSections(doc: DocumentModel, ctx: Context): boolean {
  const sections = ctx.settingOf('required-sections');
  const own = ctx.settingOf('exception-reference');
  if (!sections || !own || sections.severity === 'off' || SEVERITY_RANK[sections.severity] < SEVERITY_RANK[own.severity]) return false;
  // Parsed (patterns compiled) when the config was loaded.
  return missingSections(doc, sections.options as RequiredSectionsOptions).some((name) => matchesAny(ctx.options.section, normalizeHeading(name)));
}

function withinSection(line: number, section: Section): boolean {
  return line >= section.line && line <= section.endLine;
}

function sources(patterns: readonly Pattern[]): string {
  return patterns.map((pattern) => pattern.source).join(', ');
}

function checkExceptionSections(doc: DocumentModel, sections: Section[], ctx: Context): void {
  const { options } = ctx;
  if (sections.length === 0) {
    if (!options.requireSection || reportedByRequiredSections(doc, ctx)) return;
    const levels = options.levels.map((level) => '#'.repeat(level)).join(' or ');
    ctx.report({
      messageId: 'noSection',
      details: `Add a ${levels} heading (accepted: ${sources(options.section)}) that says how exceptions to this document are requested, and link the exception process from it.`,
      line: doc.titleLine,
    });
    return;
  }
  for (const section of sections) {
    const links = doc.links.filter((link) => withinSection(link.line, section));
    if (links.some((link) => matchesAny(options.targets, normalizeTarget(link.url)))) continue;
    const found =
      links.length === 0 ? 'The section has no links' : `The section's ${links.length === 1 ? 'link points' : `${links.length} links point`} elsewhere`;
    ctx.report({
      messageId: 'noProcessLink',
      data: { heading: section.text },
      details: `${found}; link the exception process. Accepted targets: ${sources(options.targets)}`,
      line: section.line,
      column: section.heading.position?.start.column ?? 1,
      endLine: section.heading.position?.end.line ?? section.line,
      endColumn: section.heading.position?.end.column,
    });
  }
}

interface Sentence {
  text: string;
  /** Where it starts in the source; computed only for the few sentences that are reported. */
  start: () => Point;
}

/** How many of the ascending numbers are at most `value`. */
function countAtMost(ascending: readonly number[], value: number): number {
  let low = 0;
  let high = ascending.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ascending[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

function newlineOffsets(text: string): number[] {
  const offsets: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) offsets.push(i);
  return offsets;
}

/** The paragraph's prose split into sentences, inline code left out. */
function sentencesOf(paragraph: Paragraph): Sentence[] {
  let text = '';
  const runs: Array<{ offset: number; start: Point }> = [];
  walkTree(paragraph, (node) => {
    if (node.type === 'text' && node.position) {
      runs.push({ offset: text.length, start: node.position.start });
      text += node.value;
    } else if (node.type === 'inlineCode' || node.type === 'break') {
      text += ' ';
    }
  });
  const runOffsets = runs.map((run) => run.offset);
  let newlines: number[] | undefined;
  // Binary searches, not a scan of the runs and the text before the offset: every reported sentence is located.
  const locate = (offset: number): Point => {
    const run = runs[Math.max(0, countAtMost(runOffsets, offset) - 1)]!;
    newlines ??= newlineOffsets(text);
    const newlinesBefore = countAtMost(newlines, offset - 1);
    const lines = newlinesBefore - countAtMost(newlines, run.offset - 1);
    return { line: run.start.line + lines, column: lines === 0 ? run.start.column + offset - run.offset : offset - newlines[newlinesBefore - 1]! };
  };
  return [...text.matchAll(/\S[^]*?(?:[.!?](?=\s|$)|$)/g)].map((match) => ({
    text: match[0].replace(/\s+/g, ' '),
    start: () => locate(match.index),
  }));
}

function paragraphsOf(tree: Root): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  walkTree(tree, (node) => {
    if (node.type !== 'paragraph') return;
    paragraphs.push(node);
    return SKIP_CHILDREN; // a paragraph holds no paragraph
  });
  return paragraphs;
}

/**
 * The reference-style links on lines `from` to `to`. The parser keeps links in line order, so they are found by
 * binary search: a scan of every link for every granting paragraph grows quadratically with the document.
 */
function referenceLinksFinder(doc: DocumentModel): (from: number, to: number) => Link[] {
  const references = doc.links.filter((link) => link.kind === 'reference');
  const lines = references.map((link) => link.line);
  return (from, to) => references.slice(countAtMost(lines, from - 1), countAtMost(lines, to));
}

interface CitableText {
  text: string;
  /** Where an offset in `text` is in the document: in the paragraph's source, or at the reference link whose URL it falls in. */
  locate(offset: number): Point;
}

/** The paragraph's source (issue references, inline link URLs) plus the URLs its reference-style links point to. */
function citableText(doc: DocumentModel, paragraph: Paragraph, referenceLinksOn: (from: number, to: number) => Link[]): CitableText {
  const start = paragraph.position?.start;
  const end = paragraph.position?.end;
  if (!start || !end || start.offset === undefined || end.offset === undefined) return { text: '', locate: () => ({ line: 0, column: 0 }) };
  const source = doc.source.slice(start.offset, end.offset);
  const referenced = referenceLinksOn(start.line, end.line);
  return {
    text: [source, ...referenced.map((link) => link.url)].join('\n'),
    locate: (offset) => {
      if (offset <= source.length) {
        const before = source.slice(0, offset);
        const newline = before.lastIndexOf('\n');
        const lines = newlineOffsets(before).length;
        return { line: start.line + lines, column: newline === -1 ? start.column + offset : offset - newline };
      }
      let urlStart = source.length + 1;
      const link = referenced.find((candidate) => (urlStart += candidate.url.length + 1) > offset) ?? referenced.at(-1)!;
      return { line: link.line, column: link.column };
    },
  };
}

function checkGrants(doc: DocumentModel, exceptionSections: Section[], ctx: Context): void {
  const referenceLinksOn = referenceLinksFinder(doc);
  for (const paragraph of paragraphsOf(doc.tree)) {
    const line = paragraph.position?.start.line ?? 0;
    if (exceptionSections.some((section) => withinSection(line, section))) continue;
    const grants = sentencesOf(paragraph).filter((sentence) => matchesAny(ctx.options.grantPatterns, sentence.text));
    if (grants.length === 0 || matchesAny(ctx.options.trackedExceptionPatterns, citableText(doc, paragraph, referenceLinksOn).text)) continue;
    for (const grant of grants) {
      const start = grant.start();
      const quoted = grant.text.length > 100 ? `${grant.text.slice(0, 99)}…` : grant.text;
      ctx.report({
        messageId: 'untrackedGrant',
        data: { sentence: quoted },
        details:
          'A sentence outside the Exceptions section grants an exception: cite its tracked exception in the same paragraph (an issue such as #123, group/project#123 or its URL), or move the sentence into the Exceptions section.',
        line: start.line,
        column: start.column,
      });
    }
  }
}

/** Every match of the patterns in the text, with its offset: a regular expression's matches, or a plain text once, where it first occurs. */
function matchesOf(patterns: readonly Pattern[], text: string): Array<{ text: string; offset: number }> {
  return patterns.flatMap((pattern) => {
    if (pattern.regex)
      return [...text.matchAll(new RegExp(pattern.regex.source, `${pattern.regex.flags}g`))].map((match) => ({ text: match[0], offset: match.index }));
    return pattern.test(text) ? [{ text: pattern.source, offset: Math.max(0, text.toLowerCase().indexOf(pattern.source.toLowerCase())) }] : [];
  });
}

function exceptionSectionsOf(doc: DocumentModel, options: Options): Section[] {
  return doc.sections.filter((section) => options.levels.includes(section.level) && matchesAny(options.section, section.normalized));
}

/** A tracked exception as a document cites it: the text citing it, where it starts and the sentence it is in. */
export interface ExceptionCitation {
  reference: string;
  line: number;
  column: number;
  sentence: string;
}

/** GitLab project paths are at most 255 characters. */
const PROJECT_PATH_BEFORE = /[\w.-]+(?:\/[\w.-]+)*$/;

/** A match starting at `#12` (the default pattern checks the path before `#` without taking it) with that path: `group/project#12`. */
function withProjectPath(match: { text: string; offset: number }, text: string): { text: string; offset: number } {
  if (!match.text.startsWith('#')) return match;
  const path = PROJECT_PATH_BEFORE.exec(text.slice(Math.max(0, match.offset - 255), match.offset))?.[0];
  return path ? { text: path + match.text, offset: match.offset - path.length } : match;
}

function isBefore(a: Point, b: Point): boolean {
  return a.line < b.line || (a.line === b.line && a.column <= b.column);
}

/**
 * The tracked exceptions a document cites, as `trackedExceptionPatterns` match them, in its
 * Exceptions sections and in the paragraphs elsewhere that grant an exception; each distinct text
 * once, where it is first cited (`#214` and its issue URL are two). The exceptions register lists them.
 */
export function exceptionCitations(doc: DocumentModel, options: Options): ExceptionCitation[] {
  const sections = exceptionSectionsOf(doc, options);
  const referenceLinksOn = referenceLinksFinder(doc);
  const cited = new Map<string, ExceptionCitation>();
  for (const paragraph of paragraphsOf(doc.tree)) {
    const line = paragraph.position?.start.line ?? 0;
    const inSection = sections.some((section) => withinSection(line, section));
    const sentences = sentencesOf(paragraph);
    if (!inSection && !sentences.some((sentence) => matchesAny(options.grantPatterns, sentence.text))) continue;
    const citable = citableText(doc, paragraph, referenceLinksOn);
    for (const found of matchesOf(options.trackedExceptionPatterns, citable.text)) {
      const match = withProjectPath(found, citable.text);
      if (cited.has(match.text)) continue;
      const at = citable.locate(match.offset);
      // The last sentence starting at or before the citation; a reference link's URL counts where the link is.
      const sentence = sentences.filter((candidate) => isBefore(candidate.start(), at)).at(-1) ?? sentences[0];
      cited.set(match.text, { reference: match.text, line: at.line, column: at.column, sentence: sentence?.text ?? '' });
    }
  }
  return [...cited.values()];
}

/** The distinct texts citing a tracked exception (`exceptionCitations`); the register counts them. */
export function citedExceptions(doc: DocumentModel, options: Options): string[] {
  return exceptionCitations(doc, options).map((citation) => citation.reference);
}

export default defineRule({
  meta: {
    id: 'exception-reference',
    description: 'The Exceptions section must link to the exception process, and exceptions granted elsewhere must cite a tracked exception',
    defaultSeverity: 'error',
    options,
    messages,
  },
  check(doc, ctx) {
    const sections = exceptionSectionsOf(doc, ctx.options);
    checkExceptionSections(doc, sections, ctx);
    checkGrants(doc, sections, ctx);
  },
});
