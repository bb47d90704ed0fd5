import { posix } from 'node:path';
import { z } from 'zod';
import { CODEOWNERS_PATHS } from '../src/codeowners/load.js';
import { matchSection, patternMatches } from '../src/codeowners/parse.js';
import type { CodeownersFile, CodeownersSection, SectionMatch } from '../src/codeowners/types.js';
import { APPROVAL_MESSAGES } from '../src/approvals/messages.js';
import { defineRule, type ProjectCheckContext } from '../src/engine/types.js';
import { byPath, MARKDOWN_FILE } from '../src/util/paths.js';

const options = z.strictObject({
  section: z
    .array(z.string().min(1))
    .min(1)
    .default(['Controlled Documents', 'Controlled-Documents'])
    .describe('CODEOWNERS section names that count as the controlled-documents section, compared case-insensitively.'),
  requireEntry: z.boolean().default(true).describe('Every controlled document needs a required entry with a valid owner in one of those sections.'),
  staleEntries: z.boolean().default(true).describe('Every entry of those sections must match at least one file.'),
  uncontrolledFiles: z.boolean().default(true).describe('Every Markdown file those sections own must be a controlled document.'),
});

const messages = {
  noCodeowners: 'No CODEOWNERS file, so no code owner must approve changes to controlled documents',
  missingSection: '{{file}} has no {{sections}} section, so no code owner must approve changes to controlled documents',
  noEntry: 'No code owner must approve changes to this document: it has no entry in {{sections}} of {{file}}',
  optionalOnly: 'No code owner must approve changes to this document: only an optional section owns it',
  noValidOwner: 'No code owner must approve changes to this document: its CODEOWNERS entry names no valid owner',
  staleEntry: '{{pattern}} in {{section}} matches no file in the repository (moved or deleted?)',
  uncontrolledFile: '{{path}} is owned by {{pattern}} in {{section}} but is not a controlled document',
  // The problem's text may hold a line number or a size; kind and subject (a pattern, an owner, a header) stay the same.
  codeownersProblem: { text: '{{problem}}', identity: ['kind', 'subject'] },
  ...APPROVAL_MESSAGES.leaves,
} as const;

type Options = z.output<typeof options>;
type Context = ProjectCheckContext<Options, keyof typeof messages>;

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

function label(sections: readonly CodeownersSection[]): string {
  return sections.map((section) => `${section.optional ? '^' : ''}[${section.name}]`).join(' or ');
}

/** Why a document's matches do not make a code owner approve it. */
function reportMissingApproval(
  ctx: Context,
  doc: Context['documents'][number],
  file: CodeownersFile,
  sections: CodeownersSection[],
  matches: SectionMatch[],
): void {
  const at = { line: doc.titleLine, path: doc.path };
  const match = matches[0];
  if (!match) {
    ctx.report({
      ...at,
      messageId: 'noEntry',
      data: { file: file.path, sections: label(sections) },
      details: `Add an entry for ${doc.path} with its owners to one of those sections.`,
    });
    return;
  }
  const entry = `${file.path}:${match.entry.line} (${match.entry.pattern} in ${label([match.section])})`;
  if (match.section.optional) {
    ctx.report({
      ...at,
      messageId: 'optionalOnly',
      details: `Owned by ${entry}. Entries in an optional section (^[...]) never require approval: add the document to a required section.`,
    });
    return;
  }
  ctx.report({
    ...at,
    messageId: 'noValidOwner',
    details: `Owned by ${entry}, whose owners are all malformed: GitLab approves such a rule automatically. Fix the owners.`,
  });
}

function reportProblems(ctx: Context, file: CodeownersFile, where: Where): void {
  if (!where.inScope()) return;
  for (const problem of file.problems) {
    ctx.report({
      path: where.codeowners,
      line: problem.line,
      column: problem.column,
      messageId: 'codeownersProblem',
      data: { problem: problem.message, kind: problem.kind, subject: problem.subject },
    });
  }
}

function checkDocuments(ctx: Context, file: CodeownersFile, sections: CodeownersSection[], where: Where): void {
  for (const doc of ctx.documents) {
    const matches = sections.flatMap((section) => matchSection(section, where.inRepository(doc.path)) ?? []);
    if (matches.some((match) => match.approvalsRequired > 0)) continue;
    reportMissingApproval(ctx, doc, file, sections, matches);
  }
}

/** `repositoryFiles`: every file CODEOWNERS can name (outside the root too), as it names them. */
function checkStaleEntries(ctx: Context, sections: CodeownersSection[], repositoryFiles: readonly string[], where: Where): void {
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
        messageId: 'staleEntry',
        data: { pattern: entry.pattern, section: label([section]) },
        details: "Change the entry to the document's new path, or remove it.",
      });
    }
  }
}

async function checkUncontrolledFiles(ctx: Context, sections: CodeownersSection[], files: readonly string[], where: Where): Promise<void> {
  const linted = new Set(ctx.documents.map((doc) => doc.path));
  for (const path of files) {
    if (!MARKDOWN_FILE.test(path) || linted.has(path) || !where.inScope(path)) continue;
    const matches = sections.flatMap((section) => matchSection(section, where.inRepository(path)) ?? []);
    if (matches.length === 0) continue;
    // A run may lint only some documents (--changed, a merge request): ask the engine whether the others are controlled.
    if ((await ctx.project.documentClassOf(path)) === ctx.documentClass) continue;
    for (const match of matches) {
      ctx.report({
        path: where.codeowners,
        line: match.entry.line,
        column: match.entry.column,
        endColumn: match.entry.column + match.entry.pattern.length,
        messageId: 'uncontrolledFile',
        data: { path, pattern: match.entry.pattern, section: label([match.section]) },
        details: 'The section should own only controlled documents: narrow the entry, or make the file a controlled document.',
      });
    }
  }
}

export default defineRule({
  meta: {
    id: 'codeowners-coverage',
    description: 'Controlled documents are owned by the CODEOWNERS controlled-documents section, and that section owns nothing else',
    defaultSeverity: 'error',
    options,
    messages,
    control: true,
  },
  async checkProject(ctx) {
    const file = await ctx.project.codeowners();
    const [firstDoc] = [...ctx.documents].sort(byPath);
    if (!file) {
      if (ctx.options.requireEntry && firstDoc) {
        ctx.report({
          path: firstDoc.path,
          line: firstDoc.titleLine,
          messageId: 'noCodeowners',
          details: `Looked for ${CODEOWNERS_PATHS.join(', ')}. Add one with a ${ctx.options.section.map((name) => `[${name}]`).join(' or ')} section.`,
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
          messageId: 'missingSection',
          data: { file: file.path, sections: ctx.options.section.map((name) => `[${name}]`).join(' or ') },
          details: 'Add the section with an entry and owners for each controlled document, or name your section in the `section` option.',
        });
      }
      return;
    }

    if (ctx.options.requireEntry) checkDocuments(ctx, file, sections, where);
    if (ctx.options.staleEntries) checkStaleEntries(ctx, sections, await ctx.project.codeownersFiles(), where);
    if (ctx.options.uncontrolledFiles) await checkUncontrolledFiles(ctx, sections, await ctx.project.listFiles(), where);
  },
});
