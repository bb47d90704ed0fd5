import v8 from 'node:v8';
import { unsafeToParse } from '../model/guards.js';
import { countLines } from '../model/lines.js';
import { parseDocumentModel } from '../model/parse.js';
import type { DocumentModel, FrontMatter } from '../model/types.js';
import type { RuleSummary } from '../reporters/index.js';
import type { ClassMatcher } from '../select/classes.js';
import type { RepositoryReader } from '../select/read.js';
import { selectFile } from '../select/selection.js';
import { docsUrl, draftFinding, type DraftFinding } from './findings.js';
import type { ReleasedDocument } from './types.js';

/** Problems with a file itself (unreadable, binary, not UTF-8, too large or too deep): always on, always errors. */
export const FILE_ERROR_RULE = 'file-error';
const FILE_ERROR_MESSAGES = {
  // The reader's and the guard's reasons are sentences of their own, naming the limit that was passed.
  unreadable: '{{reason}}',
  unsafe: '{{reason}}',
  unparsable: 'Cannot parse Markdown: {{reason}}',
};
type FileErrorId = keyof typeof FILE_ERROR_MESSAGES;
/** file-error as `policylint rules` lists it: no rule module, but a rule to the user. */
export const FILE_ERROR_SUMMARY: RuleSummary = {
  id: FILE_ERROR_RULE,
  description: 'Files that cannot be read as Markdown are reported, never skipped (always on)',
  defaultSeverity: 'error',
  docsUrl: docsUrl(FILE_ERROR_RULE),
};

function fileError(file: string, messageId: FileErrorId, reason: string, line = 1): DraftFinding {
  const source = { ruleId: FILE_ERROR_RULE, severity: 'error' as const, path: file, messages: FILE_ERROR_MESSAGES, docsUrl: FILE_ERROR_SUMMARY.docsUrl };
  return draftFinding(source, { messageId, data: { reason }, line });
}

export interface DocumentStreamOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Once a run has parsed this many documents, cap V8's old-generation growth (a process-wide
   * setting, see `boundHeapGrowth`) so a whole-handbook run stays within a few hundred MB.
   * Default 1000; `Infinity` leaves V8 alone (embedders that tune the heap themselves).
   */
  boundHeapAfter?: number;
}

/** A sharded run parses only its own documents; the others are selected all the same, for project-wide rules. */
export interface ShardSplit {
  parses(file: string): boolean;
  /** A selected document another shard parses, as selection read it (see `unparsedDocument`). */
  onOtherShard(doc: ReleasedDocument): void;
}

/**
 * Reads, selects and parses the candidates one at a time, in path order, handing each selected
 * document to `onDocument` before the next file is read, so a run never holds more than one
 * syntax tree unless the caller keeps them. Files that cannot be linted become file-error findings in `fileFindings`.
 */
export async function forEachDocument(
  reader: RepositoryReader,
  pathMatches: ReadonlyArray<{ file: string; matchers: ClassMatcher[] }>,
  options: DocumentStreamOptions,
  fileFindings: DraftFinding[],
  onDocument: (doc: DocumentModel) => void | Promise<void>,
  split?: ShardSplit,
): Promise<void> {
  let done = 0;
  let parsed = 0;
  let lastYield = performance.now();
  for (const { file, matchers: byPath } of pathMatches) {
    // Reading is synchronous; let timers (the progress line) run every so often.
    if (performance.now() - lastYield > 100) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const selection = selectFile(reader, byPath, file);
    options.onProgress?.(++done, pathMatches.length);
    if (selection.kind === 'unreadable') {
      fileFindings.push(fileError(file, 'unreadable', selection.message, selection.line));
      continue;
    }
    if (selection.kind === 'none') continue;
    const { source, frontMatter, documentClass, absPath } = selection;
    const unsafe = unsafeToParse(source);
    if (unsafe) {
      fileFindings.push(fileError(file, 'unsafe', unsafe.message, unsafe.line));
      continue;
    }
    // After the guard, so that a page no shard can parse is a document in none of them.
    if (split && !split.parses(file)) {
      split.onOtherShard(unparsedDocument(file, documentClass.name, frontMatter));
      continue;
    }
    let doc: DocumentModel;
    try {
      doc = parseDocumentModel({ path: file, absPath, source, documentClass: documentClass.name, frontMatter });
    } catch (error) {
      fileFindings.push(fileError(file, 'unparsable', (error as Error).message));
      continue;
    }
    if (++parsed === (options.boundHeapAfter ?? BOUND_HEAP_AFTER)) boundHeapGrowth();
    await onDocument(doc);
  }
}

const BOUND_HEAP_AFTER = 1000;

/**
 * V8 lets the old generation grow to about 4× what survived the last full collection before
 * collecting again. Streaming keeps what survives small, but a long run promotes plenty of
 * short-lived parse garbage, so a whole-handbook run still peaked at ~330 MB. Growing by 2×
 * instead (`--heap-growing-percent`, read at every collection, so it applies mid-run) bounds it
 * at ~230 MB. The cost is more old-generation collections, mostly done on the second core:
 * wall time unchanged, CPU +10% on the 4,561-page handbook-ja corpus. Short runs (the preset
 * selects 47 pages) never reach the threshold, where eager collection would cost start-up time.
 */
function boundHeapGrowth(): void {
  v8.setFlagsFromString('--heap-growing-percent=100');
}

/** What a run keeps of a document: what project rules see, and the line count that applying its directives needs. */
export interface KeptDocument extends ReleasedDocument {
  lineCount: number;
}

/**
 * What a run keeps of a document once its own rules have run: the tree, source, lines, sections
 * and links, most of its memory, are let go (no project rule or directive reads them). What is
 * kept is structured-cloned, because strings sliced from the source (the raw front matter, a
 * title) would otherwise keep the whole source alive. Measured on the 4,561-page handbook-ja
 * corpus: every page kept whole is over 1 GB of heap, released ~2 KB a page.
 */
export function releaseDocument(doc: DocumentModel): KeptDocument {
  const kept = structuredClone({ title: doc.title, frontMatter: doc.frontMatter, directives: doc.directives });
  return {
    path: doc.path,
    documentClass: doc.documentClass,
    title: kept.title,
    titleLine: doc.titleLine,
    frontMatter: kept.frontMatter,
    directives: kept.directives,
    lineCount: countLines(doc.source),
  };
}

/**
 * A document of another shard as project-wide rules see it: only what selection read, the front
 * matter. Its title, title line and directives need the parse that shard does; the findings that
 * read them are on this document, which only its own shard keeps.
 */
function unparsedDocument(path: string, documentClass: string, frontMatter: FrontMatter): ReleasedDocument {
  return {
    path,
    documentClass,
    title: undefined,
    titleLine: frontMatter.keyLines.get('title') ?? 1,
    frontMatter: structuredClone(frontMatter),
    directives: [],
  };
}

/**
 * A copy of a string that does not keep the document's source alive: V8 shares memory between
 * a string and its slices (a title read from the front matter) and concatenations (a message
 * quoting a heading), so one short finding could otherwise pin a whole page for the rest of the run.
 */
export function detach(text: string): string {
  // Slices shorter than 13 characters are copies already; concatenating then slicing makes V8 flatten into a fresh string.
  return text.length < 13 ? text : (' ' + text).slice(1);
}
