import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';

const fieldSpec = z.strictObject({
  required: z.boolean().default(false),
  type: z.enum(['string', 'number', 'boolean', 'date', 'array', 'object']).optional(),
  enum: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1).optional(),
  pattern: z.string().optional().describe('Regular expression a string value must match.'),
});

const options = z.strictObject({
  fields: z.record(z.string(), fieldSpec).default({}),
  /** Front matter is required at all (a document without a `---` block fails). */
  requireFrontMatter: z.boolean().default(true),
});

type Options = z.output<typeof options>;
type FieldSpec = z.output<typeof fieldSpec>;

const valueSchemas: Record<NonNullable<FieldSpec['type']>, z.ZodType> = {
  string: z.string(),
  number: z.number(),
  boolean: z.boolean(),
  // YAML gives unquoted dates as strings in the core schema; both forms are accepted.
  date: z.union([z.date(), z.string().regex(/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, 'expected a date such as 2025-10-07')]),
  array: z.array(z.unknown()),
  object: z.record(z.string(), z.unknown()),
};

function fieldSchema(spec: FieldSpec): z.ZodType {
  let schema: z.ZodType = spec.type ? valueSchemas[spec.type] : z.unknown();
  if (spec.enum) {
    const allowed = spec.enum;
    schema = schema.refine((value) => allowed.includes(value as never), { message: `expected one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  if (spec.pattern) {
    const pattern = new RegExp(spec.pattern);
    schema = schema.refine((value) => typeof value !== 'string' || pattern.test(value), { message: `expected a value matching /${spec.pattern}/` });
  }
  return spec.required ? schema.refine((value) => value !== undefined && value !== null, { message: 'is required' }) : schema.optional().nullable();
}

const compiled = new WeakMap<Options, z.ZodType>();

function documentSchema(opts: Options): z.ZodType {
  let schema = compiled.get(opts);
  if (!schema) {
    schema = z.looseObject(Object.fromEntries(Object.entries(opts.fields).map(([key, spec]) => [key, fieldSchema(spec)])));
    compiled.set(opts, schema);
  }
  return schema;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (value instanceof Date) return `date ${value.toISOString().slice(0, 10)}`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

export default defineRule<Options>({
  meta: {
    id: 'frontmatter',
    description: 'Front matter parses and has the keys, types and values the policy requires',
    defaultSeverity: 'error',
    options,
    docs: 'docs/rules/frontmatter.md',
  },
  check(doc, ctx) {
    const fm = doc.frontMatter;
    if (fm.error) {
      ctx.report({ message: fm.error.message, line: fm.error.line, column: fm.error.column, key: 'invalid' });
      return;
    }
    if (!fm.present) {
      if (ctx.options.requireFrontMatter) ctx.report({ message: 'Document has no front matter: start it with a `---` YAML block', line: 1, key: 'absent' });
      if (Object.keys(ctx.options.fields).length === 0) return;
    }
    const data = fm.data ?? {};
    const result = documentSchema(ctx.options).safeParse(data);
    if (result.success) return;
    for (const issue of result.error.issues) {
      const key = String(issue.path[0] ?? '');
      const found = data[key];
      const message = issue.message === 'is required' ? `Front matter key "${key}" is required` : `Front matter key "${key}": ${issue.message}, found ${describe(found)}`;
      ctx.report({ message, line: fm.keyLines.get(key) ?? fm.startLine, key: `field:${key}` });
    }
  },
});
