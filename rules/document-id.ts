import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';
import { patternSchema, plainText } from '../src/model/match.js';
import type { FrontMatter } from '../src/model/types.js';
import { byPath } from '../src/util/paths.js';

const options = z.strictObject({
  key: z
    .string()
    .min(1)
    .default('id')
    .describe('The front matter key holding the document ID, exactly as written (case counts, spaces allowed: `ID`, `Document ID`).'),
  pattern: patternSchema(plainText.exactValue)
    .optional()
    .describe('What every ID must look like: `/regex/flags` is tested against the ID (e.g. `/^POL-\\d{3}$/`); plain text must be the whole ID.'),
  required: z.boolean().default(true).describe('Report documents without an ID.'),
});

export type DocumentIdOptions = z.output<typeof options>;

const messages = {
  missing: 'No document ID: the front matter has no "{{key}}"',
  notText: 'Document ID "{{key}}" must be text or a number',
  mismatch: 'Document ID "{{id}}" does not match {{pattern}}',
  // The other documents' lines change with unrelated edits; the ID is what the finding is about.
  duplicate: { text: 'Document ID "{{id}}" is also used by {{others}}', identity: ['id'] },
} as const;

/** A document's ID as the register and the rule read it: text or a number (YAML reads `ID: 214` as one), else absent. */
export type DocumentId = { kind: 'absent' } | { kind: 'invalid'; line: number } | { kind: 'found'; id: string; line: number };

export function readDocumentId(frontMatter: Pick<FrontMatter, 'data' | 'keyLines'>, key: string): DocumentId {
  const value = frontMatter.data?.[key];
  const line = frontMatter.keyLines.get(key) ?? 1;
  if (value === undefined || value === null || value === '') return { kind: 'absent' };
  if (typeof value === 'number' || typeof value === 'string') return { kind: 'found', id: String(value), line };
  return { kind: 'invalid', line };
}

const DUPLICATE_DETAILS =
  'An ID names one controlled document in the register, in audit evidence and in references to it: give all but one of these documents a new ID.';

export default defineRule({
  meta: {
    id: 'document-id',
    description: 'Controlled documents carry an ID in their front matter, of the configured form and unique across the project',
    defaultSeverity: 'error',
    options,
    messages,
  },
  async checkProject(ctx) {
    const { key, pattern, required } = ctx.options;
    // A partial run compares its documents with every document of the class, read without parsing them.
    const everyDocument = await ctx.project.documentsOfClass(ctx.documentClass, ctx.documents);
    const usedBy = new Map<string, Array<{ path: string; line: number }>>();
    for (const doc of [...everyDocument].sort(byPath)) {
      const found = readDocumentId(doc.frontMatter, key);
      if (found.kind !== 'found') continue;
      const users = usedBy.get(found.id) ?? [];
      users.push({ path: doc.path, line: found.line });
      usedBy.set(found.id, users);
    }
    for (const doc of ctx.documents) {
      const found = readDocumentId(doc.frontMatter, key);
      if (found.kind === 'absent') {
        if (required)
          ctx.report({
            messageId: 'missing',
            data: { key },
            details: `Set "${key}" in the front matter to the document's ID.`,
            path: doc.path,
            line: doc.titleLine,
          });
        continue;
      }
      const at = { path: doc.path, line: found.line };
      if (found.kind === 'invalid') {
        ctx.report({ ...at, messageId: 'notText', data: { key }, details: 'Write the ID as a single value, such as POL-214, not a list or a mapping.' });
        continue;
      }
      if (pattern && !pattern.test(found.id)) {
        ctx.report({
          ...at,
          messageId: 'mismatch',
          data: { id: found.id, pattern: pattern.source },
          details: `IDs of this class have the form ${pattern.source} (the rule's \`pattern\` option).`,
        });
      }
      const others = usedBy.get(found.id)!.filter((other) => other.path !== doc.path);
      if (others.length > 0) {
        ctx.report({
          ...at,
          messageId: 'duplicate',
          data: { id: found.id, others: others.map((other) => `${other.path}:${other.line}`).join(', ') },
          details: DUPLICATE_DETAILS,
        });
      }
    }
  },
});

/** For the register: the options of a class that does not enable the rule are its defaults (key `id`). */
export const defaultDocumentIdOptions: DocumentIdOptions = options.parse({});
