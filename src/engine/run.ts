import { statSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { rules as ruleRegistry } from '../../rules/index.js';
import { ConfigError } from '../config/errors.js';
import { findConfigFile, loadConfig } from '../config/load.js';
import type { DocumentClass, ResolvedConfig, RuleSetting } from '../config/types.js';
import { discoverFiles } from '../discover/files.js';
import { changedFiles, defaultBaseRef } from '../git/changed.js';
import { findGitRoot } from '../git/exec.js';
import { countLines } from '../model/lines.js';
import { parseDocumentModel } from '../model/parse.js';
import type { Directive, DocumentModel, FrontMatter } from '../model/types.js';
import { createProjectContext } from '../project/context.js';
import type { ProjectContext } from '../project/types.js';
import type { RuleSummary } from '../reporters/index.js';
import { compileClass, selectingClass, type ClassMatcher } from '../select/classes.js';
import { RepositoryReader } from '../select/read.js';
import { applyDirectives, didYouMean } from './directives.js';
import { docsUrlFor, draftFinding, finalizeFindings, type DraftFinding } from './findings.js';
import { unsafeToParse } from '../model/guards.js';
import type { AnyRule, Finding, Severity } from './types.js';

export { ConfigError };

/** Problems with a file itself (unreadable, binary, not UTF-8, too large or too deep): always on, always errors. */
export const FILE_ERROR_RULE = 'file-error';
const FILE_ERROR_DOCS = docsUrlFor('docs/rules/file-error.md');
/** file-error as `policylint rules` lists it: no rule module, but a rule to the user. */
export const FILE_ERROR_SUMMARY: RuleSummary = { id: FILE_ERROR_RULE, description: 'Files that cannot be read as Markdown are reported, never skipped (always on)', defaultSeverity: 'error', docsUrl: FILE_ERROR_DOCS };

export interface RunOptions {
  cwd: string;
  configPath?: string;
  /** An already resolved config (a merge request's, read from its target branch); `configPath` is then ignored. */
  config?: ResolvedConfig;
  /** Paths, directories or globs from the command line; empty means the config's include globs. */
  patterns?: string[];
  /** Exact repository-relative files to lint (the MR integration's changed files); overrides patterns. */
  files?: string[];
  /** Only files changed since the merge base with this ref (`true`: the default base). */
  changedBase?: string | true;
  /**
   * Paths (relative to the config's folder) a partial run is about, deleted ones included: its
   * project-wide findings are limited to them. Defaults to the changed paths with `changedBase`
   * and to the files when `patterns` name only files (folders and globs do not narrow it); a full
   * run has none and reports everything.
   */
  scope?: readonly string[];
  now: Date;
  onProgress?: (done: number, total: number) => void;
  /**
   * Once a run has parsed this many documents, cap V8's old-generation growth (a process-wide
   * setting, see `boundHeapGrowth`) so a whole-handbook run stays within a few hundred MB.
   * Default 1000; `Infinity` leaves V8 alone (embedders that tune the heap themselves).
   */
  boundHeapAfter?: number;
}

export interface PreparedRun {
  config: ResolvedConfig;
  project: ProjectContext;
  /** Selected and parsed documents, sorted by path. */
  documents: DocumentModel[];
  fileFindings: DraftFinding[];
}

export interface LintResult {
  findings: Finding[];
  documents: DocumentModel[];
  /** Paths of every document linted. */
  filesLinted: string[];
  rules: RuleSummary[];
  config: ResolvedConfig;
}

const rulesById = new Map<string, AnyRule>(ruleRegistry.map((rule) => [rule.meta.id, rule]));

export function resolveConfigFile(options: Pick<RunOptions, 'cwd' | 'configPath'>): string {
  if (options.configPath) return path.resolve(options.cwd, options.configPath);
  const found = findConfigFile(options.cwd);
  if (!found) throw new ConfigError(`No .policylint.yml found in ${options.cwd} or any parent directory. Create one with \`policylint init\`, or pass --config.`);
  return found;
}

interface RunSetup {
  config: ResolvedConfig;
  project: ProjectContext;
  /** Candidate files, sorted, with the classes whose paths match each. */
  pathMatches: Array<{ file: string; matchers: ClassMatcher[] }>;
}

async function setUpRun(options: RunOptions): Promise<RunSetup> {
  const config = options.config ?? loadConfig(resolveConfigFile(options));
  const matchers = config.classes.map(compileClass);
  // Rules ask about files outside this run (a --changed or MR run lints only some): the same selection answers.
  const classify = async (file: string) => {
    const selection = selectFile(config, matchers.filter((m) => m.matchesPath(file)), file);
    return selection.kind === 'selected' ? selection.documentClass.name : undefined;
  };
  let candidates = options.files ? [...options.files].sort() : await discoverFiles(config, options.patterns ?? [], options.cwd);
  let scope = options.scope ?? (namesFilesOnly(options.patterns, options.cwd) ? candidates : undefined);
  if (options.changedBase !== undefined && !options.files) {
    const gitRoot = await findGitRoot(config.root);
    if (!gitRoot) throw new ConfigError(`--changed needs a git repository, and ${config.root} is not in one`);
    const base = options.changedBase === true ? defaultBaseRef() : options.changedBase;
    const changed = await changedFiles(config.root, gitRoot, base);
    const present = new Set(changed.present);
    candidates = candidates.filter((file) => present.has(file));
    scope = changed.touched;
  }
  const project = createProjectContext({ root: config.root, maxFileBytes: config.maxFileBytes, now: options.now, classify, scope });
  const pathMatches = candidates.map((file) => ({ file, matchers: matchers.filter((m) => m.matchesPath(file)) })).filter((c) => c.matchers.length > 0);
  return { config, project, pathMatches };
}

/** Whether the command line names files, not folders or globs: a run about those files alone. */
function namesFilesOnly(patterns: readonly string[] | undefined, cwd: string): boolean {
  const isFile = (pattern: string) => {
    try {
      return statSync(path.resolve(cwd, pattern)).isFile();
    } catch {
      return false; // a broken or looping link is reported as a file error, not a reason to narrow
    }
  };
  return !!patterns?.length && patterns.every(isFile);
}

function fileErrorReporter(drafts: DraftFinding[]): (file: string, message: string, line?: number) => void {
  return (file, message, line = 1) => drafts.push(draftFinding({ ruleId: FILE_ERROR_RULE, severity: 'error', path: file, docsUrl: FILE_ERROR_DOCS }, { message, line, key: message }));
}

/**
 * Reads, selects and parses the candidates one at a time, in path order, handing each selected
 * document to `onDocument` before the next file is read, so a run never holds more than one
 * syntax tree unless the caller keeps them.
 */
async function forEachDocument(
  setup: RunSetup,
  options: RunOptions,
  fileError: (file: string, message: string, line?: number) => void,
  onDocument: (doc: DocumentModel) => void | Promise<void>,
): Promise<void> {
  const { config, pathMatches } = setup;
  let done = 0;
  let parsed = 0;
  let lastYield = performance.now();
  for (const { file, matchers: byPath } of pathMatches) {
    // Reading is synchronous; let timers (the progress line) run every so often.
    if (performance.now() - lastYield > 100) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = performance.now();
    }
    const selection = selectFile(config, byPath, file);
    options.onProgress?.(++done, pathMatches.length);
    if (selection.kind === 'unreadable') {
      fileError(file, selection.message, selection.line);
      continue;
    }
    if (selection.kind === 'none') continue;
    const { source, frontMatter, documentClass, absPath } = selection;
    const unsafe = unsafeToParse(source);
    if (unsafe) {
      fileError(file, unsafe.message, unsafe.line);
      continue;
    }
    let doc: DocumentModel;
    try {
      doc = parseDocumentModel({ path: file, absPath, source, classes: [documentClass.name], frontMatter });
    } catch (error) {
      fileError(file, `Cannot parse Markdown: ${(error as Error).message}`);
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

type Selection =
  | { kind: 'selected'; absPath: string; source: string; frontMatter: FrontMatter; documentClass: DocumentClass }
  | { kind: 'none' }
  | { kind: 'unreadable'; message: string; line?: number };

/** Reads one file (inside the repository, bounded) and finds the first of `byPath` (the classes whose paths match it) that selects it. */
function selectFile(config: ResolvedConfig, byPath: readonly ClassMatcher[], file: string): Selection {
  if (byPath.length === 0) return { kind: 'none' };
  const read = RepositoryReader.of(config).bytes(file);
  if (!read.ok) return { kind: 'unreadable', message: read.message, line: read.line };
  const selected = selectingClass(byPath, read.data);
  if (!selected) return { kind: 'none' };
  return { kind: 'selected', absPath: path.join(config.root, file), source: selected.source, frontMatter: selected.frontMatter, documentClass: selected.matcher.documentClass };
}

/** discover → select (paths, then text and front matter) → parse once. Keeps every document whole (for commands that inspect them). */
export async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const setup = await setUpRun(options);
  const fileFindings: DraftFinding[] = [];
  const documents: DocumentModel[] = [];
  await forEachDocument(setup, options, fileErrorReporter(fileFindings), (doc) => void documents.push(doc));
  documents.sort(byPath);
  return { config: setup.config, project: setup.project, documents, fileFindings };
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/** The rule's setting for the class that selected a document (a document belongs to the first class that selects it). */
export function ruleSettingFor(config: ResolvedConfig, doc: DocumentModel, ruleId: string): RuleSetting | undefined {
  return classOf(config, doc)?.rules[ruleId];
}

function classOf(config: ResolvedConfig, doc: DocumentModel): DocumentClass | undefined {
  return config.classes.find((c) => c.name === doc.classes[0]);
}

/** The rules a lint runs for a class; merge-request-only rules are judged by `policylint mr` itself. */
function activeRules(documentClass: DocumentClass): Array<{ rule: AnyRule; setting: RuleSetting }> {
  return Object.entries(documentClass.rules)
    .filter(([, setting]) => setting.severity !== 'off')
    .map(([id, setting]) => ({ rule: rulesById.get(id)!, setting }))
    .filter(({ rule }) => rule !== undefined && !rule.meta.mergeRequestOnly);
}

export function summarizeRule(rule: AnyRule): RuleSummary {
  return { id: rule.meta.id, description: rule.meta.description, defaultSeverity: rule.meta.defaultSeverity, docsUrl: docsUrlFor(rule.meta.docs) };
}

type RulePlan = Array<{ rule: AnyRule; setting: RuleSetting }>;

function crashReporter(drafts: DraftFinding[]): (ruleId: string, file: string, error: unknown) => void {
  return (ruleId, file, error) =>
    drafts.push(draftFinding({ ruleId, severity: 'error', path: file }, { message: `Rule ${ruleId} failed: ${(error as Error).message ?? String(error)}`, line: 1, key: 'crash' }));
}

/** The per-document rules (`check`) of the document's class, in the class's rule order. */
async function runDocumentRules(doc: DocumentModel, plan: RulePlan, project: ProjectContext, drafts: DraftFinding[]): Promise<void> {
  const crash = crashReporter(drafts);
  // One copy of the title for all of the document's findings (see `detach`).
  const documentTitle = doc.title === undefined ? undefined : detach(doc.title);
  for (const { rule, setting } of plan) {
    if (!rule.check) continue;
    const source = { ruleId: rule.meta.id, severity: setting.severity as Severity, path: doc.path, documentTitle, docsUrl: docsUrlFor(rule.meta.docs) };
    try {
      await rule.check(doc, { options: setting.options, project, report: (report) => drafts.push(detachDraft(draftFinding(source, report))) });
    } catch (error) {
      crash(rule.meta.id, doc.path, error);
    }
  }
}

/**
 * A copy of a string that does not keep the document's source alive: V8 shares memory between
 * a string and its slices (a title read from the front matter) and concatenations (a message
 * quoting a heading), so one short finding could otherwise pin a whole page for the rest of the run.
 */
function detach(text: string): string {
  // Slices shorter than 13 characters are copies already; concatenating then slicing makes V8 flatten into a fresh string.
  return text.length < 13 ? text : (' ' + text).slice(1);
}

/** Detaches what a rule wrote (message, key); the title is detached once per document by the caller. */
function detachDraft(draft: DraftFinding): DraftFinding {
  const sameKey = draft.key === draft.message;
  draft.message = detach(draft.message);
  draft.key = sameKey ? draft.message : detach(draft.key);
  return draft;
}

/** Once per class with members: the project-wide rules (`checkProject`); returns every rule that ran. */
async function runProjectRules(config: ResolvedConfig, project: ProjectContext, documents: readonly DocumentModel[], drafts: DraftFinding[]): Promise<Map<string, AnyRule>> {
  const ran = new Map<string, AnyRule>();
  const crash = crashReporter(drafts);
  const byPathMap = new Map(documents.map((doc) => [doc.path, doc]));
  for (const documentClass of config.classes) {
    const members = documents.filter((doc) => doc.classes[0] === documentClass.name);
    if (members.length === 0) continue;
    for (const { rule, setting } of activeRules(documentClass)) {
      ran.set(rule.meta.id, rule);
      if (!rule.checkProject) continue;
      const severity = setting.severity as Severity;
      const docsUrl = docsUrlFor(rule.meta.docs);
      const report = (r: Parameters<typeof draftFinding>[1]) => {
        const file = r.path ?? members[0]!.path;
        drafts.push(draftFinding({ ruleId: rule.meta.id, severity, path: file, documentTitle: byPathMap.get(file)?.title, docsUrl }, { ...r, path: file }));
      };
      // Built apart from the call: the context is the same whether or not this build's ProjectCheckContext names the class.
      const context = { options: setting.options, project, documentClass: documentClass.name, documents: members, report };
      try {
        await rule.checkProject(context);
      } catch (error) {
        crash(rule.meta.id, members[0]!.path, error);
      }
    }
  }
  return ran;
}

function finishRun(config: ResolvedConfig, documents: DocumentModel[], drafts: DraftFinding[], ran: Map<string, AnyRule>): LintResult {
  const kept = applyAllDirectives(config, documents, drafts);
  return {
    findings: finalizeFindings(kept),
    documents,
    filesLinted: documents.map((doc) => doc.path),
    rules: [...ran.values()].map(summarizeRule).sort((a, b) => (a.id < b.id ? -1 : 1)),
    config,
  };
}

/** Runs every configured rule over the prepared documents and applies inline directives. */
export async function runRules(prepared: PreparedRun): Promise<LintResult> {
  const { config, project, documents } = prepared;
  const drafts: DraftFinding[] = [...prepared.fileFindings];
  const plans = new Map(config.classes.map((c) => [c.name, activeRules(c)]));
  for (const doc of documents) await runDocumentRules(doc, plans.get(doc.classes[0]!) ?? [], project, drafts);
  const ran = await runProjectRules(config, project, documents, drafts);
  return finishRun(config, documents, drafts, ran);
}

/**
 * Parses each document once and runs its per-document rules straight away, then lets go of its
 * syntax tree before the next file: linting a whole handbook stays within the memory of a few
 * documents instead of holding every tree (over 1 GB for the 4,561-page handbook-ja corpus).
 */
export async function lint(options: RunOptions): Promise<LintResult> {
  const setup = await setUpRun(options);
  const { config, project } = setup;
  // links and codeowners-coverage want the repository's file list (git ls-files) on most runs:
  // asking now lets git work on the other core while this thread reads files. A failure surfaces where a rule awaits it.
  if (setup.pathMatches.length > 0) project.listFiles().catch(() => undefined);
  const drafts: DraftFinding[] = [];
  const documents: DocumentModel[] = [];
  const plans = new Map(config.classes.map((c) => [c.name, activeRules(c)]));
  await forEachDocument(setup, options, fileErrorReporter(drafts), async (doc) => {
    await runDocumentRules(doc, plans.get(doc.classes[0]!) ?? [], project, drafts);
    documents.push(new ReleasedDocument(doc, RepositoryReader.of(config)));
  });
  documents.sort(byPath);
  const ran = await runProjectRules(config, project, documents, drafts);
  return finishRun(config, documents, drafts, ran);
}

/**
 * The document as project-wide rules (`checkProject`) and directives see it once its own rules
 * have run: path, classes, title, front matter and directives are kept; the tree, source, lines,
 * sections and links, most of its memory, are rebuilt from the file if a rule reads them (none of
 * the built-in project rules does). What is kept is structured-cloned, because strings sliced from
 * the source (the raw front matter, a title) would otherwise keep the whole source alive; the
 * getters live on the prototype, so a released document costs no closures. Measured on the
 * 4,561-page handbook-ja corpus: every page kept whole is over 1 GB of heap, released ~2 KB a page.
 */
class ReleasedDocument implements DocumentModel {
  readonly path: string;
  readonly absPath: string;
  readonly classes: string[];
  readonly title: string | undefined;
  readonly titleLine: number;
  readonly frontMatter: FrontMatter;
  readonly directives: DocumentModel['directives'];
  /** For directives, which need the line count but not the lines. */
  readonly lineCount: number;
  readonly #reader: RepositoryReader;
  #reloaded: DocumentModel | undefined;

  /** `reader` is the run's: a reload reads the file as selection did, inside the repository and bounded. */
  constructor(doc: DocumentModel, reader: RepositoryReader) {
    this.#reader = reader;
    const kept = structuredClone({ title: doc.title, frontMatter: doc.frontMatter, directives: doc.directives });
    this.path = doc.path;
    this.absPath = doc.absPath;
    this.classes = doc.classes;
    this.title = kept.title;
    this.titleLine = doc.titleLine;
    this.frontMatter = kept.frontMatter;
    this.directives = kept.directives;
    this.lineCount = countLines(doc.source);
  }

  #reload(): DocumentModel {
    if (!this.#reloaded) {
      const read = this.#reader.text(this.path);
      if (!read.ok) throw new Error(`Cannot read ${this.path} again: ${read.message}`);
      this.#reloaded = parseDocumentModel({ path: this.path, absPath: this.absPath, source: read.source, classes: this.classes, frontMatter: this.frontMatter });
    }
    return this.#reloaded;
  }

  get tree() {
    return this.#reload().tree;
  }
  get source() {
    return this.#reload().source;
  }
  get lines() {
    return this.#reload().lines;
  }
  get sections() {
    return this.#reload().sections;
  }
  get sectionTree() {
    return this.#reload().sectionTree;
  }
  get links() {
    return this.#reload().links;
  }
}

function lineCountOf(doc: DocumentModel): number {
  return doc instanceof ReleasedDocument ? doc.lineCount : doc.lines.length;
}

/** Findings no comment can hide: the control's own rules, file errors, and the directives rule that polices comments. */
const NEVER_SUPPRESSED = new Set(['directives', FILE_ERROR_RULE, ...ruleRegistry.filter((rule) => rule.meta.control).map((rule) => rule.meta.id)]);
/** The rule ids a comment may name, exactly as registered. */
const KNOWN_RULE_IDS: ReadonlySet<string> = new Set([...ruleRegistry.map((rule) => rule.meta.id), FILE_ERROR_RULE]);
const DIRECTIVES_DOCS = docsUrlFor('docs/rules/directives.md');

/** Why a rule id in a comment does nothing, or `undefined` if it may act. */
function inertRuleId(directive: Directive, id: string): { message: string; key: string } | undefined {
  const written = `policylint-${directive.kind} ${id}`;
  if (!KNOWN_RULE_IDS.has(id)) {
    const guess = didYouMean(id, KNOWN_RULE_IDS);
    return {
      message: `${written}: unknown rule id "${id}"${guess ? `, did you mean "${guess}"?` : '.'} It ${directive.kind === 'enable' ? 'enables' : 'disables'} nothing; name rules as \`policylint rules\` lists them`,
      key: `unknown-rule:${directive.kind}:${id}`,
    };
  }
  if (directive.kind === 'enable') return undefined;
  if (id === 'directives') {
    return { message: `${written} has no effect: findings about policylint comments cannot be switched off by a comment; remove it`, key: `control:${directive.kind}:${id}` };
  }
  if (NEVER_SUPPRESSED.has(id)) {
    return { message: `${written} has no effect: ${id} is part of the control and cannot be switched off by a comment; remove it`, key: `control:${directive.kind}:${id}` };
  }
  return undefined;
}

/**
 * A comment naming a control rule or an unknown rule id switches nothing off (an unknown id never
 * falls back to "every rule"); it is reported as an error whatever the directives rule's severity,
 * so a reviewer sees the attempt and a typo never leaves a check silently on or off.
 */
function controlDirectiveFindings(doc: DocumentModel): DraftFinding[] {
  return doc.directives.flatMap((directive) =>
    directive.kind === 'unknown'
      ? [] // The directives rule reports the keyword; its rule ids are not read.
      : directive.ruleIds.flatMap((id) => {
          const inert = inertRuleId(directive, id);
          if (!inert) return [];
          return [
            draftFinding(
              { ruleId: 'directives', severity: 'error', path: doc.path, documentTitle: doc.title, docsUrl: DIRECTIVES_DOCS },
              { message: inert.message, line: directive.line, column: directive.column, key: inert.key },
            ),
          ];
        }),
  );
}

function applyAllDirectives(config: ResolvedConfig, documents: readonly DocumentModel[], drafts: DraftFinding[]): DraftFinding[] {
  const withDirectives = documents.filter((doc) => doc.directives.length > 0);
  // Most documents have no directives: their findings pass through untouched, and a large run makes no copies.
  if (withDirectives.length === 0) return drafts;
  const byPath = new Map<string, DraftFinding[]>();
  for (const draft of drafts) {
    const group = byPath.get(draft.path);
    if (group) group.push(draft);
    else byPath.set(draft.path, [draft]);
  }
  for (const doc of withDirectives) {
    // Unused comments come back with only the rule ids they could act on: those naming only control or unknown ids are reported above, not here.
    const { kept, unused } = applyDirectives(doc.directives, byPath.get(doc.path) ?? [], lineCountOf(doc), NEVER_SUPPRESSED, KNOWN_RULE_IDS);
    kept.push(...controlDirectiveFindings(doc));
    const setting = ruleSettingFor(config, doc, 'directives');
    if (setting && setting.severity !== 'off' && (setting.options as { reportUnused: boolean }).reportUnused) {
      const rule = rulesById.get('directives')!;
      for (const directive of unused) {
        kept.push(
          draftFinding(
            { ruleId: 'directives', severity: setting.severity, path: doc.path, documentTitle: doc.title, docsUrl: docsUrlFor(rule.meta.docs) },
            { message: `Unused policylint-${directive.kind}${directive.ruleIds.length ? ` ${directive.ruleIds.join(' ')}` : ''}: nothing here is reported any more, remove the comment`, line: directive.line, column: directive.column, key: `unused:${directive.kind}:${directive.ruleIds.join(',')}` },
          ),
        );
      }
    }
    byPath.set(doc.path, kept);
  }
  return [...byPath.values()].flat();
}
