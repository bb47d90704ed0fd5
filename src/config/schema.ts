import { z } from 'zod';
import type { AnyRule } from '../engine/types.js';
import { patternSchema, plainText } from '../model/match.js';

export const severitySchema = z.enum(['off', 'warn', 'error']);

/** ESLint's form: `"error"` or `["error", { ...options }]`. */
function ruleSettingSchema(options: z.ZodType) {
  return z.union([severitySchema, z.tuple([severitySchema]), z.tuple([severitySchema, options])]);
}

const conditionSchema = z.union([
  z.strictObject({ frontMatter: z.record(z.string(), z.unknown()).describe('Every key must have this value (e.g. `controlled_document: true`).') }),
  z.strictObject({
    contains: patternSchema(plainText.exactSubstring).describe(
      'Text found anywhere in the file (e.g. a "Controlled Document" banner): plain text occurs as written (case-sensitive); `/regex/flags` is a regular expression tested against the whole file.',
    ),
  }),
]);

const globList = z.array(z.string().min(1));

/** More threads than this bury the merge request; GitLab's own bots stay far below it. */
export const MAX_INLINE_THREADS = 100;

/**
 * The config file's schema, built from the rule registry so each rule's options are checked by
 * the rule's own zod schema and the generated JSON Schema documents them.
 */
export function buildConfigSchema(rules: readonly AnyRule[]) {
  const ruleShape = Object.fromEntries(
    rules
      .filter((rule) => !rule.meta.alwaysOn)
      .map((rule) => [
        rule.meta.id,
        ruleSettingSchema(rule.meta.options as z.ZodType)
          .optional()
          .describe(rule.meta.description),
      ]),
  );
  const classSchema = z.strictObject({
    description: z.string().optional(),
    paths: globList.min(1).optional().describe('Globs, relative to the config file, of files this class may select.'),
    excludePaths: globList.optional(),
    when: z.array(conditionSchema).optional().describe('Any one condition selects a file; omit to select every file the paths match.'),
    rules: z.strictObject(ruleShape).optional(),
  });
  return z.strictObject({
    $schema: z.string().optional(),
    extends: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('A built-in preset to start from, e.g. `gitlab-handbook`.'),
    include: globList.optional().describe('Files to consider when no paths are given on the command line.'),
    exclude: globList.optional(),
    maxFileBytes: z.number().int().positive().optional().describe('Larger files are reported instead of parsed.'),
    classes: z.record(z.string().regex(/^[A-Za-z0-9][\w-]*$/, 'class names are letters, digits, `-` and `_`'), classSchema).optional(),
    reviews: z
      .strictObject({
        issueTemplate: z
          .string()
          .min(1)
          .optional()
          .describe(
            'Markdown file, relative to the config file, whose text is the review checklist of every review issue `policylint reviews --sync-issues` opens. Default: a built-in checklist.',
          ),
      })
      .optional(),
    mergeRequest: z
      .strictObject({
        maxInlineThreads: z
          .number()
          .int()
          .min(0)
          .max(MAX_INLINE_THREADS)
          .optional()
          .describe(`Most diff threads one run opens (at most ${MAX_INLINE_THREADS}); the rest go into the summary.`),
        failOnPublishError: z.boolean().optional(),
        governanceFiles: globList
          .optional()
          .describe(
            "Files (globs, relative to the repository root) whose changes need their code owners' approval, besides the policylint config and CODEOWNERS, which always do. Default: `.gitlab-ci.yml`.",
          ),
        committersMayApprove: z
          .boolean()
          .optional()
          .describe('Count approvals of users who pushed or authored commits of the merge request (default false; the author never counts).'),
        unverifiedApprovals: z
          .enum(['error', 'warn'])
          .optional()
          .describe('Severity of a code-owner approval that could not be verified (no token, fork, API error). Default `error`: the control fails closed.'),
      })
      .optional(),
  });
}

export type ConfigInput = z.input<ReturnType<typeof buildConfigSchema>>;
export type ConfigFile = z.output<ReturnType<typeof buildConfigSchema>>;
