import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';

const options = z.strictObject({
  requireReason: z.boolean().default(true).describe('A disable comment must say why after ` -- `.'),
  reportUnused: z.boolean().default(true).describe('A disable comment that suppresses nothing is reported.'),
});

type Options = z.output<typeof options>;

/** The engine applies the comments and finds unused ones (it alone sees what was suppressed); this module checks their form. */
export default defineRule<Options>({
  meta: {
    id: 'directives',
    description: 'policylint-disable comments give a reason and suppress something',
    defaultSeverity: 'warn',
    options,
    docs: 'docs/rules/directives.md',
  },
  check(doc, ctx) {
    if (!ctx.options.requireReason) return;
    for (const directive of doc.directives) {
      if (directive.kind === 'enable' || directive.reason) continue;
      ctx.report({
        message: `policylint-${directive.kind} needs a reason: write <!-- policylint-${directive.kind} ${directive.ruleIds.join(' ') || 'rule-id'} -- why -->`,
        line: directive.line,
        column: directive.column,
        key: `no-reason:${directive.kind}:${directive.ruleIds.join(',')}`,
      });
    }
  },
});
