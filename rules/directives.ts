import { z } from 'zod';
import { didYouMean } from '../src/engine/directives.js';
import { defineRule } from '../src/engine/types.js';

const options = z.strictObject({
  requireReason: z.boolean().default(true).describe('A disable comment must say why after ` -- `.'),
  reportUnused: z.boolean().default(true).describe('A disable comment that suppresses nothing is reported.'),
});

type Options = z.output<typeof options>;

const KEYWORDS = ['disable', 'enable', 'disable-line', 'disable-next-line'];

/**
 * The engine applies the comments, finds unused ones (it alone sees what was suppressed) and
 * reports rule ids that are unknown or cannot be disabled; this module checks their form.
 */
export default defineRule<Options>({
  meta: {
    id: 'directives',
    description: 'policylint-disable comments give a reason and suppress something',
    defaultSeverity: 'warn',
    options,
    docs: 'docs/rules/directives.md',
  },
  check(doc, ctx) {
    for (const directive of doc.directives) {
      if (directive.kind === 'unknown') {
        // A typo such as `disable-lines` would otherwise do nothing without a word.
        const guess = didYouMean(directive.keyword, KEYWORDS);
        ctx.report({
          message: `Unknown directive policylint-${directive.keyword}${guess ? `: did you mean policylint-${guess}?` : '.'} It does nothing; policylint reads policylint-${KEYWORDS.join(', policylint-')}`,
          line: directive.line,
          column: directive.column,
          key: `unknown-directive:${directive.keyword}`,
        });
        continue;
      }
      if (!ctx.options.requireReason || directive.kind === 'enable' || directive.reason) continue;
      ctx.report({
        message: `policylint-${directive.kind} needs a reason: write <!-- policylint-${directive.kind} ${directive.ruleIds.join(' ') || 'rule-id'} -- why -->`,
        line: directive.line,
        column: directive.column,
        key: `no-reason:${directive.kind}:${directive.ruleIds.join(',')}`,
      });
    }
  },
});
