import { posix } from 'node:path';
import { z } from 'zod';
import { CODEOWNERS_PATHS } from '../src/codeowners/load.js';
import { matchSection, patternMatches } from '../src/codeowners/parse.js';
import type { CodeownersFile, CodeownersSection, SectionMatch } from '../src/codeowners/types.js';
import { defineRule, type ProjectCheckContext } from '../src/engine/types.js';

const options = z
  .object({
    /** CODEOWNERS section names that count as the controlled-documents section (case-insensitive). */
    section: z.array(z.string().min(1)).min(1).default(['Controlled Documents', 'Controlled-Documents']),
    /** Every controlled document needs a required entry with a valid owner in that section. */
    requireEntry: z.boolean().default(true),
    /** Every entry of that section must match at least one file. */
    staleEntries: z.boolean().default(true),
    /** Every Markdown file that section owns must be a controlled document. */
    uncontrolledFiles: z.boolean().default(true),
  })
  .strict();

type Options = z.output<typeof options>;
type Context = ProjectCheckContext<Options>;

/**
 * CODEOWNERS sits at the top of the git work tree and its patterns match repository paths, while
 * documents are named relative to the config's folder (a subfolder in a monorepo).
 */
interface Where {
  /** A root-relative path as CODEOWNERS matches it. */
  inRepository(path: string): string;
  /** The CODEOWNERS file, relative to the root, for findings on its lines. */
  codeowners: string;
  /**
   * Whether a finding about these paths belongs in this run: always in a full run; in a partial
   * one (--changed, named files, a merge request) only when the change touches CODEOWNERS or one
   * of them, so a branch is not blocked by a stale entry it never touched.
   */
  inScope(...paths: string[]): boolean;
}

const MARKDOWN = /\.(?:md|markdown)$/i;

function label(sections: readonly CodeownersSection[]): string {
  return sections.map((section) => `${section.optional ? '^' : ''}[${section.name}]`).join(' or ');
}

/** Why a document's matches do not make a code owner approve it. */
function missingApproval(path: string, file: CodeownersFile, sections: CodeownersSection[], matches: SectionMatch[]): string {
  const match = matches[0];
  if (!match) return `${path} has no entry in ${label(sections)} of ${file.path}, so no code owner must approve changes to it`;
  const where = `${file.path}:${match.entry.line} (${match.entry.pattern} in ${label([match.section])})`;
  if (match.section.optional) return `${path} is owned only by ${where}, an optional section: approval is not required`;
  return `${path} is owned by ${where}, which names no valid owner: GitLab approves such a rule automatically`;
}

function reportProblems(ctx: Context, file: CodeownersFile, where: Where): void {
  if (!where.inScope()) return;
  for (const problem of file.problems) {
    ctx.report({
      path: where.codeowners,
      line: problem.line,
      column: problem.column,
      message: `${file.path}: ${problem.message}`,
      key: `${problem.kind}:${problem.subject}`,
    });
  }
}

function checkDocuments(ctx: Context, file: CodeownersFile, sections: CodeownersSection[], where: Where): void {
  for (const doc of ctx.documents) {
    const matches = sections.flatMap((section) => matchSection(section, where.inRepository(doc.path)) ?? []);
    if (matches.some((match) => match.approvalsRequired > 0)) continue;
    ctx.report({ line: doc.titleLine, path: doc.path, message: missingApproval(doc.path, file, sections, matches), key: 'no-approval' });
  }
}

function checkStaleEntries(ctx: Context, sections: CodeownersSection[], files: readonly string[], where: Where): void {
  const repositoryFiles = files.map((path) => where.inRepository(path));
  for (const section of sections) {
    for (const entry of section.entries) {
      if (repositoryFiles.some((path) => patternMatches(entry.normalized, path))) continue;
      // A stale entry is about the paths it was written for: those the change removed or moved.
      if (!where.inScope(...[...(ctx.project.scope ?? [])].filter((path) => patternMatches(entry.normalized, where.inRepository(path))))) continue;
      ctx.report({
        path: where.codeowners,
        line: entry.line,
        column: entry.column,
        endColumn: entry.column + entry.pattern.length,
        message: `${entry.pattern} in ${label([section])} matches no file in the repository (moved or deleted?)`,
        key: `stale:${section.name}:${entry.pattern}`,
      });
    }
  }
}

async function checkUncontrolledFiles(ctx: Context, sections: CodeownersSection[], files: readonly string[], where: Where): Promise<void> {
  const linted = new Set(ctx.documents.map((doc) => doc.path));
  for (const path of files) {
    if (!MARKDOWN.test(path) || linted.has(path) || !where.inScope(path)) continue;
    // A run may lint only some documents (--changed, a merge request): ask the engine whether the others are controlled.
    if (!sections.some((section) => matchSection(section, where.inRepository(path)))) continue;
    if ((await ctx.project.documentClassOf(path)) === ctx.documentClass) continue;
    for (const section of sections) {
      const match = matchSection(section, where.inRepository(path));
      if (!match) continue;
      ctx.report({
        path: where.codeowners,
        line: match.entry.line,
        column: match.entry.column,
        endColumn: match.entry.column + match.entry.pattern.length,
        message: `${path} is owned by ${match.entry.pattern} in ${label([section])} but is not a controlled document`,
        key: `uncontrolled:${section.name}:${path}`,
      });
    }
  }
}

export default defineRule<Options>({
  meta: {
    id: 'codeowners-coverage',
    description: 'Controlled documents are owned by the CODEOWNERS controlled-documents section, and that section owns nothing else',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/codeowners-coverage.md',
    control: true,
  },
  async checkProject(ctx) {
    const file = await ctx.project.codeowners();
    const [firstDoc] = [...ctx.documents].sort((a, b) => a.path.localeCompare(b.path));
    if (!file) {
      if (ctx.options.requireEntry && firstDoc) {
        ctx.report({
          path: firstDoc.path,
          line: firstDoc.titleLine,
          message: `No CODEOWNERS file (looked for ${CODEOWNERS_PATHS.join(', ')}): no code owner must approve changes to controlled documents`,
          key: 'no-codeowners',
        });
      }
      return;
    }

    const prefix = await ctx.project.codeownersPrefix();
    const codeownersPath = prefix === '' ? file.path : posix.relative(prefix, file.path);
    const scope = ctx.project.scope;
    const where: Where = {
      inRepository: (path) => prefix + path,
      codeowners: codeownersPath,
      inScope: (...paths) => !scope || scope.has(codeownersPath) || paths.some((path) => scope.has(path)),
    };
    reportProblems(ctx, file, where);
    const accepted = new Set(ctx.options.section.map((name) => name.toLowerCase()));
    const sections = file.sections.filter((section) => accepted.has(section.name.toLowerCase()));
    if (sections.length === 0) {
      if (ctx.options.requireEntry && firstDoc) {
        ctx.report({
          path: where.codeowners,
          line: 1,
          message: `${file.path} has no ${ctx.options.section.map((name) => `[${name}]`).join(' or ')} section, so no code owner must approve changes to controlled documents`,
          key: 'missing-section',
        });
      }
      return;
    }

    if (ctx.options.requireEntry) checkDocuments(ctx, file, sections, where);
    if (!ctx.options.staleEntries && !ctx.options.uncontrolledFiles) return;
    const files = await ctx.project.listFiles();
    if (ctx.options.staleEntries) checkStaleEntries(ctx, sections, files, where);
    if (ctx.options.uncontrolledFiles) await checkUncontrolledFiles(ctx, sections, files, where);
  },
});
