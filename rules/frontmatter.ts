import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';
import { patternSchema, plainText } from '../src/model/match.js';

const VALUE_TYPES = ['string', 'number', 'boolean', 'date', 'array', 'object'] as const;
type ValueType = (typeof VALUE_TYPES)[number];

const fieldSpec = z.strictObject({
  required: z.boolean().default(false).describe('The key must be present with a value other than null.'),
  type: z.enum(VALUE_TYPES).optional().describe('Type of the value; `date` accepts a YAML date or a string such as 2025-10-07.'),
  enum: z
    .array(z.union([z.string(), z.number(), z.boolean()]))
    .min(1)
    .optional()
    .describe('The values allowed.'),
  pattern: patternSchema(plainText.exactValue, { formerBareRegexFlags: '' })
    .optional()
    .describe(
      'What a string value must match: `/regex/flags` is a regular expression tested against the value; plain text is the exact value. Plain text that looks like a regular expression (`^…`, `…$`, `\\d`) is rejected: write it as `/regex/`.',
    ),
});

const options = z.strictObject({
  fields: z.record(z.string(), fieldSpec).prefault({}).describe('Front matter keys and what their values must be.'),
  requireFrontMatter: z.boolean().default(true).describe('Report a document without a `---` front matter block.'),
});

type FieldSpec = z.output<typeof fieldSpec>;

const DATE_TEXT = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const hasType: Record<ValueType, (value: unknown) => boolean> = {
  string: (value) => typeof value === 'string',
  number: (value) => typeof value === 'number' && Number.isFinite(value),
  boolean: (value) => typeof value === 'boolean',
  // YAML gives unquoted dates as strings in the core schema; both forms are accepted.
  date: (value) => (value instanceof Date && !Number.isNaN(value.getTime())) || (typeof value === 'string' && DATE_TEXT.test(value)),
  array: (value) => Array.isArray(value),
  object: (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date),
};

const TYPE_NAMES: Record<ValueType, string> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  date: 'a date',
  array: 'a list',
  object: 'a mapping',
};

/** A value as an author would name it: `the number 3`, `"draft"`, `a list`. */
function describeValue(value: unknown): string {
  if (value instanceof Date) return formatDate(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  if (typeof value === 'number') return `the number ${value}`;
  return JSON.stringify(value);
}

function formatDate(value: Date): string {
  return Number.isNaN(value.getTime()) ? 'an invalid date' : `the date ${value.toISOString().slice(0, 10)}`;
}

type Problem = { messageId: 'wrongType' | 'notAllowed' | 'noMatch'; data: Record<string, string>; details?: string };

/** What is wrong with one present value, in the order an author would fix it: type first, then allowed values. */
function problemsOf(key: string, value: unknown, spec: FieldSpec): Problem[] {
  if (spec.type && !hasType[spec.type](value)) {
    const details = spec.type === 'date' ? 'Write a date such as 2025-10-07.' : undefined;
    return [{ messageId: 'wrongType', data: { key, expected: TYPE_NAMES[spec.type], found: describeValue(value) }, ...(details && { details }) }];
  }
  const problems: Problem[] = [];
  if (spec.enum && !spec.enum.includes(value as never)) {
    problems.push({
      messageId: 'notAllowed',
      data: { key, found: describeValue(value) },
      details: `Allowed values: ${spec.enum.map((allowed) => JSON.stringify(allowed)).join(', ')}.`,
    });
  }
  if (spec.pattern && typeof value === 'string' && !spec.pattern.test(value)) {
    problems.push({ messageId: 'noMatch', data: { key, found: JSON.stringify(value), pattern: spec.pattern.source } });
  }
  return problems;
}

export default defineRule({
  meta: {
    id: 'frontmatter',
    description: 'Front matter parses and has the keys, types and values the policy requires',
    defaultSeverity: 'error',
    options,
    messages: {
      noFrontMatter: 'Document has no front matter',
      // Unterminated, invalid YAML, not a mapping: the parser's reason goes into the details.
      unreadable: 'Front matter cannot be read',
      missing: 'Front matter key "{{key}}" is missing',
      // The value found changes as the author tries again; the key is what the finding is about.
      wrongType: { text: 'Front matter key "{{key}}" should be {{expected}}, not {{found}}', identity: ['key'] },
      notAllowed: { text: 'Front matter key "{{key}}" is {{found}}, which is not an allowed value', identity: ['key'] },
      noMatch: { text: 'Front matter key "{{key}}" is {{found}}, which does not match {{pattern}}', identity: ['key'] },
    },
  },
  check(doc, ctx) {
    const fm = doc.frontMatter;
    if (fm.error) {
      ctx.report({ messageId: 'unreadable', details: fm.error.message, line: fm.error.line, column: fm.error.column });
      return;
    }
    if (!fm.present && ctx.options.requireFrontMatter) {
      ctx.report({ messageId: 'noFrontMatter', details: 'Start the document with a `---` YAML block holding its metadata.', line: 1 });
    }
    const data = fm.data ?? {};
    for (const [key, spec] of Object.entries(ctx.options.fields)) {
      const value = data[key];
      const line = fm.keyLines.get(key) ?? fm.startLine;
      if (value === undefined || value === null) {
        if (spec.required) ctx.report({ messageId: 'missing', data: { key }, line });
        continue;
      }
      for (const problem of problemsOf(key, value, spec)) ctx.report({ ...problem, line });
    }
  },
});
