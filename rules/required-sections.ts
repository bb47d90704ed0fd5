import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';
import { compilePattern, type Pattern, patternSchema, plainText } from '../src/model/match.js';
import type { DocumentModel, Section } from '../src/model/types.js';

const level = z.number().int().min(1).max(6);

const sectionSpec = z
  .strictObject({
    name: z.string().min(1).describe('Name used in messages, and matched itself (as a plain heading name) when `match` is not given.'),
    match: z
      .array(patternSchema(plainText.headingName))
      .min(1)
      .optional()
      .describe(
        'Headings accepted for this section: plain text is a heading name, equal to the heading once both are normalized (case, punctuation, `&` = `and`); `/regex/flags` is tested against the normalized heading.',
      ),
    levels: z.array(level).min(1).optional().describe('Heading levels accepted for this section; defaults to the rule-wide `levels`.'),
    allowEmpty: z.boolean().default(false).describe('Accept the section without content under its heading.'),
  })
  // The name stands for itself when no `match` is given: compiled here too, once, like every pattern.
  .transform((spec) => ({ ...spec, match: spec.match ?? [compilePattern(spec.name, plainText.headingName)] }));

const options = z.strictObject({
  sections: z.array(sectionSpec).prefault([]).describe('The sections every document of the class must have.'),
  levels: z.array(level).min(1).default([2]).describe('Heading levels a required section may have, unless the section gives its own.'),
  order: z.boolean().default(false).describe('Require the sections in the order listed.'),
});

type Options = z.output<typeof options>;
export type RequiredSectionsOptions = Options;
type SectionSpec = z.output<typeof sectionSpec>;

function levelsOf(spec: SectionSpec, opts: Options): readonly number[] {
  return spec.levels ?? opts.levels;
}

function findSection(doc: Pick<DocumentModel, 'sections'>, spec: SectionSpec, levels: readonly number[]): Section | undefined {
  return doc.sections.find((section) => levels.includes(section.level) && spec.match.some((pattern) => pattern.test(section.normalized)));
}

/** The names of the required sections the rule reports missing from `doc` under these options. */
export function missingSections(doc: Pick<DocumentModel, 'sections'>, opts: Options): string[] {
  return opts.sections.filter((spec) => !findSection(doc, spec, levelsOf(spec, opts))).map((spec) => spec.name);
}

function quoted(patterns: readonly Pattern[]): string {
  return patterns.map((pattern) => (pattern.regex ? pattern.source : `"${pattern.source}"`)).join(', ');
}

/** What to add, and the spellings accepted when `match` lists them. */
function howToAdd(spec: SectionSpec, levels: readonly number[]): string {
  const heading = levels.map((n) => '#'.repeat(n)).join(' or ');
  if (spec.match.length === 1 && !spec.match[0]!.regex) return `Add a ${heading} "${spec.match[0]!.source}" heading with its content.`;
  return `Add a ${heading} heading with its content; accepted headings: ${quoted(spec.match)}.`;
}

export default defineRule({
  meta: {
    id: 'required-sections',
    description: 'Controlled documents contain every required section, with content',
    defaultSeverity: 'error',
    options,
    messages: {
      missing: 'Required section "{{name}}" is missing',
      // The heading as written may be reworded; the required section it stands for is what the finding is about.
      empty: { text: 'Section "{{heading}}" is empty', identity: ['name'] },
      outOfOrder: 'Section "{{name}}" should come after "{{previous}}"',
    },
  },
  check(doc, ctx) {
    let previous: { spec: SectionSpec; section: Section } | undefined;
    for (const spec of ctx.options.sections) {
      const levels = levelsOf(spec, ctx.options);
      const section = findSection(doc, spec, levels);
      if (!section) {
        ctx.report({ messageId: 'missing', data: { name: spec.name }, details: howToAdd(spec, levels), line: doc.titleLine });
        continue;
      }
      if (!spec.allowEmpty && !section.hasContent) {
        ctx.report({
          messageId: 'empty',
          data: { heading: section.text, name: spec.name },
          details: `The "${spec.name}" section needs content under its heading.`,
          line: section.line,
          column: 1,
          endLine: section.line,
        });
      }
      if (ctx.options.order && previous && section.line < previous.section.line) {
        ctx.report({
          messageId: 'outOfOrder',
          data: { name: spec.name, previous: previous.spec.name },
          details: `The sections are required in the order the configuration lists them; "${previous.spec.name}" is on line ${previous.section.line}.`,
          line: section.line,
        });
      }
      if (!previous || section.line > previous.section.line) previous = { spec, section };
    }
  },
});
