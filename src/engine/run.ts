import path from 'node:path';
import { rules as ruleRegistry } from '../../rules/index.js';
import { ConfigError } from '../config/errors.js';
import { findConfigFile, loadConfig } from '../config/load.js';
import type { DocumentClass, ResolvedConfig, RuleSetting } from '../config/types.js';
import { discoverFiles } from '../discover/files.js';
import { changedFiles, defaultBaseRef } from '../git/changed.js';
import { parseFrontMatter } from '../model/frontmatter.js';
import { parseDocumentModel } from '../model/parse.js';
import type { DocumentModel, FrontMatter } from '../model/types.js';
import { createProjectContext } from '../project/context.js';
import type { MergeRequestInfo, ProjectContext } from '../project/types.js';
import type { RuleSummary } from '../reporters/index.js';
import { readText } from '../select/read.js';
import { compileClass } from '../select/classes.js';
import { applyDirectives } from './directives.js';
import { docsUrlFor, draftFinding, finalizeFindings, type DraftFinding } from './findings.js';
import { nestingTooDeep } from './guards.js';
import type { AnyRule, Finding } from './types.js';

export { ConfigError };

/** Problems with a file itself (unreadable, binary, not UTF-8, too large or too deep): always on, always errors. */
export const FILE_ERROR_RULE = 'file-error';
const FILE_ERROR_DOCS = docsUrlFor('docs/rules/file-error.md');

export interface RunOptions {
  cwd: string;
  configPath?: string;
  /** Paths, directories or globs from the command line; empty means the config's include globs. */
  patterns?: string[];
  /** Exact repository-relative files to lint (the MR integration's changed files); overrides patterns. */
  files?: string[];
  /** Only files changed since the merge base with this ref (`true`: the default base). */
  changedBase?: string | true;
  now: Date;
  mergeRequest?: MergeRequestInfo;
  /** Read CODEOWNERS from this git ref (the MR's target branch). */
  codeownersRef?: string;
  onProgress?: (done: number, total: number) => void;
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

/** discover → select (paths, then text and front matter) → parse once. */
export async function prepareRun(options: RunOptions): Promise<PreparedRun> {
  const config = loadConfig(resolveConfigFile(options));
  const project = createProjectContext({ root: config.root, now: options.now, codeownersRef: options.codeownersRef, mergeRequest: options.mergeRequest });
  let candidates = options.files ? [...options.files].sort() : await discoverFiles(config, options.patterns ?? [], options.cwd);
  if (options.changedBase !== undefined && !options.files) {
    const gitRoot = await project.gitRoot();
    if (!gitRoot) throw new ConfigError(`--changed needs a git repository, and ${config.root} is not in one`);
    const base = options.changedBase === true ? defaultBaseRef() : options.changedBase;
    const changed = new Set(await changedFiles(config.root, gitRoot, base));
    candidates = candidates.filter((file) => changed.has(file));
  }
  const matchers = config.classes.map(compileClass);
  const fileFindings: DraftFinding[] = [];
  const documents: DocumentModel[] = [];
  const fileError = (file: string, message: string, line = 1) =>
    fileFindings.push(draftFinding({ ruleId: FILE_ERROR_RULE, severity: 'error', path: file, docsUrl: FILE_ERROR_DOCS }, { message, line, key: message }));

  const pathMatches = candidates.map((file) => ({ file, matchers: matchers.filter((m) => m.matchesPath(file)) })).filter((c) => c.matchers.length > 0);
  let done = 0;
  await forEachLimited(pathMatches, 16, async ({ file, matchers: byPath }) => {
    const absPath = path.join(config.root, file);
    const read = await readText(absPath, config.maxFileBytes);
    options.onProgress?.(++done, pathMatches.length);
    if (!read.ok) return void fileError(file, read.message, read.line);
    const source = read.source.charCodeAt(0) === 0xfeff ? read.source.slice(1) : read.source;
    let frontMatter: FrontMatter | undefined;
    const lazyFrontMatter = () => (frontMatter ??= parseFrontMatter(source));
    const selectedBy = byPath.find((m) => m.matchesContent(source, lazyFrontMatter));
    if (!selectedBy) return;
    const depth = nestingTooDeep(source);
    if (depth) return void fileError(file, `Markdown nests ${depth.depth}+ levels deep at line ${depth.line}; not parsed (limit ${depth.limit})`, depth.line);
    try {
      documents.push(parseDocumentModel({ path: file, absPath, source, classes: [selectedBy.documentClass.name], frontMatter: lazyFrontMatter() }));
    } catch (error) {
      fileError(file, `Cannot parse Markdown: ${(error as Error).message}`);
    }
  });
  documents.sort((a, b) => (a.path < b.path ? -1 : 1));
  return { config, project, documents, fileFindings };
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** The rule's setting for the class that selected a document (a document belongs to the first class that selects it). */
export function ruleSettingFor(config: ResolvedConfig, doc: DocumentModel, ruleId: string): RuleSetting | undefined {
  return classOf(config, doc)?.rules[ruleId];
}

function classOf(config: ResolvedConfig, doc: DocumentModel): DocumentClass | undefined {
  return config.classes.find((c) => c.name === doc.classes[0]);
}

function activeRules(documentClass: DocumentClass): Array<{ rule: AnyRule; setting: RuleSetting }> {
  return Object.entries(documentClass.rules)
    .filter(([, setting]) => setting.severity !== 'off')
    .map(([id, setting]) => ({ rule: rulesById.get(id)!, setting }))
    .filter(({ rule }) => rule !== undefined);
}

export function summarizeRule(rule: AnyRule): RuleSummary {
  return { id: rule.meta.id, description: rule.meta.description, defaultSeverity: rule.meta.defaultSeverity, docsUrl: docsUrlFor(rule.meta.docs) };
}

/** Runs every configured rule over the prepared documents and applies inline directives. */
export async function runRules(prepared: PreparedRun): Promise<LintResult> {
  const { config, project, documents } = prepared;
  const drafts: DraftFinding[] = [...prepared.fileFindings];
  const byPath = new Map(documents.map((doc) => [doc.path, doc]));
  const ran = new Map<string, AnyRule>();
  const crash = (ruleId: string, file: string, error: unknown) =>
    drafts.push(draftFinding({ ruleId, severity: 'error', path: file }, { message: `Rule ${ruleId} failed: ${(error as Error).message ?? String(error)}`, line: 1, key: 'crash' }));

  for (const documentClass of config.classes) {
    const members = documents.filter((doc) => doc.classes[0] === documentClass.name);
    if (members.length === 0) continue;
    for (const { rule, setting } of activeRules(documentClass)) {
      ran.set(rule.meta.id, rule);
      const severity = setting.severity as 'warn' | 'error';
      const docsUrl = docsUrlFor(rule.meta.docs);
      for (const doc of rule.check ? members : []) {
        const source = { ruleId: rule.meta.id, severity, path: doc.path, documentTitle: doc.title, docsUrl };
        try {
          await rule.check!(doc, { options: setting.options, project, report: (report) => drafts.push(draftFinding(source, report)) });
        } catch (error) {
          crash(rule.meta.id, doc.path, error);
        }
      }
      if (rule.checkProject) {
        const report = (r: Parameters<typeof draftFinding>[1]) => {
          const file = r.path ?? members[0]!.path;
          drafts.push(draftFinding({ ruleId: rule.meta.id, severity, path: file, documentTitle: byPath.get(file)?.title, docsUrl }, { ...r, path: file }));
        };
        try {
          await rule.checkProject({ options: setting.options, project, documents: members, report });
        } catch (error) {
          crash(rule.meta.id, members[0]!.path, error);
        }
      }
    }
  }

  const kept = applyAllDirectives(config, documents, drafts);
  return {
    findings: finalizeFindings(kept),
    documents,
    filesLinted: documents.map((doc) => doc.path),
    rules: [...ran.values()].map(summarizeRule).sort((a, b) => (a.id < b.id ? -1 : 1)),
    config,
  };
}

const NEVER_SUPPRESSED = new Set(['directives', FILE_ERROR_RULE]);

function applyAllDirectives(config: ResolvedConfig, documents: readonly DocumentModel[], drafts: DraftFinding[]): DraftFinding[] {
  const byPath = new Map<string, DraftFinding[]>();
  for (const draft of drafts) byPath.set(draft.path, [...(byPath.get(draft.path) ?? []), draft]);
  for (const doc of documents) {
    if (doc.directives.length === 0) continue;
    const { kept, unused } = applyDirectives(doc.directives, byPath.get(doc.path) ?? [], doc.lines.length, NEVER_SUPPRESSED);
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

export async function lint(options: RunOptions): Promise<LintResult> {
  return runRules(await prepareRun(options));
}
