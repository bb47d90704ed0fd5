import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';
import { compileNamePattern } from '../src/model/match.js';
import type { DocumentModel, Section } from '../src/model/types.js';

const level = z.number().int().min(1).max(6);

const sectionSpec = z.strictObject({
  name: z.string().min(1).describe('Name used in messages, and matched itself when `match` is not given.'),
  match: z.array(z.string().min(1)).min(1).optional().describe('Heading names (compared after normalising) or `/regex/flags` tested against the normalised heading.'),
  levels: z.array(level).min(1).optional().describe('Heading levels accepted for this section; defaults to the rule-wide `levels`.'),
  allowEmpty: z.boolean().default(false),
});

const options = z.strictObject({
  sections: z.array(sectionSpec).default([]),
  levels: z.array(level).min(1).default([2]),
  order: z.boolean().default(false).describe('Require the sections in the order listed.'),
});

type Options = z.output<typeof options>;
export type RequiredSectionsOptions = Options;
type SectionSpec = z.output<typeof sectionSpec>;

interface CompiledSpec {
  spec: SectionSpec;
  levels: ReadonlySet<number>;
  matches: (normalized: string) => boolean;
}

// Options objects are shared by every document of a class, so matchers are compiled once per options object.
const compiled = new WeakMap<Options, CompiledSpec[]>();

function compile(opts: Options): CompiledSpec[] {
  let specs = compiled.get(opts);
  if (!specs) {
    specs = opts.sections.map((spec) => {
      const tests = (spec.match ?? [spec.name]).map(compileNamePattern);
      return { spec, levels: new Set(spec.levels ?? opts.levels), matches: (text: string) => tests.some((test) => test(text)) };
    });
    compiled.set(opts, specs);
  }
  return specs;
}

function describeLevels(levels: ReadonlySet<number>): string {
  return [...levels].map((n) => '#'.repeat(n)).join(' or ');
}

/** The names of the required sections the rule reports missing from `doc` under these options. */
export function missingSections(doc: Pick<DocumentModel, 'sections'>, opts: Options): string[] {
  return compile(opts)
    .filter(({ levels, matches }) => !doc.sections.some((s) => levels.has(s.level) && matches(s.normalized)))
    .map(({ spec }) => spec.name);
}

export default defineRule<Options>({
  meta: {
    id: 'required-sections',
    description: 'Controlled documents contain every required section, with content',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/required-sections.md',
  },
  check(doc, ctx) {
    let previous: { spec: SectionSpec; section: Section } | undefined;
    for (const { spec, levels, matches } of compile(ctx.options)) {
      const section = doc.sections.find((s) => levels.has(s.level) && matches(s.normalized));
      if (!section) {
        ctx.report({
          message: `Missing required section "${spec.name}" (add a ${describeLevels(levels)} heading)`,
          line: doc.titleLine,
          key: `missing:${spec.name}`,
        });
        continue;
      }
      if (!spec.allowEmpty && !section.hasContent) {
        ctx.report({
          message: `Section "${section.text}" is empty: the "${spec.name}" section needs content`,
          line: section.line,
          column: 1,
          endLine: section.line,
          key: `empty:${spec.name}`,
        });
      }
      if (ctx.options.order && previous && section.line < previous.section.line) {
        ctx.report({
          message: `Section "${spec.name}" should come after "${previous.spec.name}" (line ${previous.section.line})`,
          line: section.line,
          key: `order:${spec.name}`,
        });
      }
      if (!previous || section.line > previous.section.line) previous = { spec, section };
    }
  },
});
