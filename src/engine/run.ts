import { resolveConfigFile } from '../config/discover.js';
import { loadConfig } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import type { DocumentModel } from '../model/types.js';
import { createProjectContext } from '../project/context.js';
import type { ProjectContext } from '../project/types.js';
import type { RuleSummary } from '../reporters/index.js';
import { RepositoryReader } from '../select/read.js';
import { selectCandidates, type Candidates, type SelectionOptions } from '../select/selection.js';
import { inShard, type Shard } from '../select/shard.js';
import { byPath, compareCodeUnits } from '../util/paths.js';
import { applyAllDirectives } from './directives.js';
import { forEachDocument, releaseDocument, type DocumentStreamOptions, type KeptDocument } from './documents.js';
import { finalizeFindings, type DraftFinding } from './findings.js';
import { activeRules, runDocumentRules, runProjectRules, summarizeRule } from './rules.js';
import type { Finding, ReleasedDocument } from './types.js';

export interface RunOptions extends SelectionOptions, DocumentStreamOptions {
  configPath?: string;
  /** An already resolved config (a merge request's, read from its target branch); `configPath` is then ignored. */
  config?: ResolvedConfig;
  now: Date;
  /** Lint only this shard's files (see `lint`). */
  shard?: Shard;
}

export interface PreparedRun<Kept = KeptDocument> {
  config: ResolvedConfig;
  project: ProjectContext;
  /** Selected and parsed documents, as `prepareRun`'s `keep` kept each, sorted by path. */
  documents: Kept[];
  fileFindings: DraftFinding[];
}

/** What a command keeps of each parsed document, before its syntax tree is let go. */
export type KeepDocument<Kept> = (doc: DocumentModel, config: ResolvedConfig) => Kept;

export interface LintResult {
  findings: Finding[];
  /** Every document linted, as kept once its rules had run, sorted by path. */
  documents: ReleasedDocument[];
  /** Paths of every document linted. */
  filesLinted: string[];
  rules: RuleSummary[];
  config: ResolvedConfig;
}

interface RunSetup {
  config: ResolvedConfig;
  /** The run's one reader: selection and rules share its cache of resolved directories. */
  reader: RepositoryReader;
  project: ProjectContext;
  pathMatches: Candidates['pathMatches'];
}

async function setUpRun(options: RunOptions): Promise<RunSetup> {
  const config = options.config ?? loadConfig(resolveConfigFile(options));
  const reader = new RepositoryReader(config.root, config.maxFileBytes);
  const { pathMatches, scope, classify, wholeProject, selectAll } = await selectCandidates(config, reader, options);
  const project = createProjectContext({ root: config.root, reader, now: options.now, classify, scope, wholeProject, selectAll });
  return { config, reader, project, pathMatches };
}

/**
 * discover → select (paths, then text and front matter) → parse once, keeping what `keep` takes of
 * each document; by default what `lint` keeps (`releaseDocument`), so a whole handbook never holds every syntax tree.
 */
export function prepareRun(options: RunOptions): Promise<PreparedRun>;
export function prepareRun<Kept extends { path: string }>(options: RunOptions, keep: KeepDocument<Kept>): Promise<PreparedRun<Kept>>;
export async function prepareRun(options: RunOptions, keep: KeepDocument<{ path: string }> = releaseDocument): Promise<PreparedRun<{ path: string }>> {
  const { config, reader, project, pathMatches } = await setUpRun(options);
  const fileFindings: DraftFinding[] = [];
  const documents: Array<{ path: string }> = [];
  await forEachDocument(reader, pathMatches, options, fileFindings, (doc) => void documents.push(keep(doc, config)));
  documents.sort(byPath);
  return { config, project, documents, fileFindings };
}

/**
 * Parses each document once and runs its per-document rules straight away, then lets go of its
 * syntax tree before the next file: linting a whole handbook stays within the memory of a few
 * documents instead of holding every tree (over 1 GB for the 4,561-page handbook-ja corpus).
 * Project-wide rules and inline directives follow, on what was kept of each document.
 *
 * With a shard, every file belongs to one shard by its path, and a shard reports only the findings
 * on its own files. It parses only its own documents, but selects every candidate, so that
 * project-wide rules see every document as an unsharded run does (a document of another shard
 * by its front matter alone). Each shard runs them and keeps their findings on its own files:
 * a document's directives then meet all of its findings in one shard, which alone can tell a
 * disable comment that suppressed a project-wide finding from an unused one. The shards'
 * findings together are those of an unsharded run, but for a document whose Markdown fails to
 * parse (after the guard that every shard applies): its own shard, like an unsharded run, drops it,
 * while the other shards' project-wide rules still see it by its front matter (a duplicate ID with
 * it is reported there alone).
 */
export async function lint(options: RunOptions): Promise<LintResult> {
  const { config, reader, project, pathMatches } = await setUpRun(options);
  // links and codeowners-coverage want the repository's file list (git ls-files) on most runs:
  // asking now lets git work on the other core while this thread reads files. A failure surfaces where a rule awaits it.
  if (pathMatches.length > 0) project.listFiles().catch(() => undefined);
  const { shard } = options;
  const ownFile = (file: string) => shard === undefined || inShard(shard, file);
  const drafts: DraftFinding[] = [];
  const documents: KeptDocument[] = [];
  const otherShards: ReleasedDocument[] = [];
  const plans = new Map(config.classes.map((c) => [c.name, activeRules(c)]));
  const split = shard && { parses: ownFile, onOtherShard: (doc: ReleasedDocument) => void otherShards.push(doc) };
  await forEachDocument(
    reader,
    pathMatches,
    options,
    drafts,
    async (doc) => {
      await runDocumentRules(config, doc, plans.get(doc.documentClass) ?? [], project, drafts);
      documents.push(releaseDocument(doc));
    },
    split,
  );
  documents.sort(byPath);
  const ran = await runProjectRules(config, project, [...documents, ...otherShards].sort(byPath), drafts);
  const own = shard === undefined ? drafts : drafts.filter((draft) => ownFile(draft.path));
  return {
    findings: finalizeFindings(applyAllDirectives(config, project, documents, own)),
    documents,
    filesLinted: documents.map((doc) => doc.path),
    rules: [...ran.values()].map(summarizeRule).sort((a, b) => compareCodeUnits(a.id, b.id)),
    config,
  };
}
