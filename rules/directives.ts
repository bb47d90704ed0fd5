import { z } from 'zod';
import { defineRule } from '../src/engine/types.js';
import type { Directive } from '../src/model/types.js';
import { didYouMean, NAME_IN_COMMENT } from '../src/util/suggest.js';

const options = z.strictObject({
  requireReason: z.boolean().default(true).describe('A disable comment must say why after ` -- `.'),
  reportUnused: z.boolean().default(true).describe('A disable comment that suppresses nothing is reported.'),
});

const KEYWORDS = ['disable', 'enable', 'disable-line', 'disable-next-line'];
const KEYWORDS_READ = `policylint reads policylint-${KEYWORDS.join(', policylint-')}.`;

/** The comment as written, without its reason: `policylint-disable-line links`. */
function written(directive: Directive): string {
  return `policylint-${directive.kind}${directive.ruleIds.length ? ` ${directive.ruleIds.join(' ')}` : ''}`;
}

/**
 * This module checks the comments' form; the engine applies them and hands over what only it
 * sees (`checkDirectives`): comments that suppressed nothing, and rule ids they cannot act on.
 */
export default defineRule({
  meta: {
    id: 'directives',
    description: 'policylint-disable comments give a reason and suppress something',
    defaultSeverity: 'warn',
    options,
    messages: {
      unknownDirective: 'Unknown directive policylint-{{keyword}}',
      unknownDirectiveGuess: { text: 'Unknown directive policylint-{{keyword}}: did you mean policylint-{{guess}}?', identity: ['keyword'] },
      missingReason: '{{directive}} gives no reason',
      unused: '{{directive}} suppresses nothing',
      unknownRule: 'Unknown rule id "{{ruleId}}" in policylint-{{kind}}',
      unknownRuleGuess: { text: 'Unknown rule id "{{ruleId}}" in policylint-{{kind}}: did you mean "{{guess}}"?', identity: ['ruleId', 'kind'] },
      controlRule: 'policylint-{{kind}} {{ruleId}} has no effect: {{ruleId}} is part of the control',
      directivesRule: 'policylint-{{kind}} directives has no effect',
    },
  },
  check(doc, ctx) {
    for (const directive of doc.directives) {
      const at = { line: directive.line, column: directive.column };
      if (directive.kind === 'unknown') {
        // A typo such as `disable-lines` would otherwise do nothing without a word.
        const guess = didYouMean(directive.keyword, KEYWORDS, NAME_IN_COMMENT);
        const details = `It does nothing; ${KEYWORDS_READ}`;
        if (guess) ctx.report({ ...at, messageId: 'unknownDirectiveGuess', data: { keyword: directive.keyword, guess }, details });
        else ctx.report({ ...at, messageId: 'unknownDirective', data: { keyword: directive.keyword }, details });
        continue;
      }
      if (!ctx.options.requireReason || directive.kind === 'enable' || directive.reason) continue;
      ctx.report({
        ...at,
        messageId: 'missingReason',
        data: { directive: written(directive) },
        details: `Say why after " -- ": <!-- policylint-${directive.kind} ${directive.ruleIds.join(' ') || 'rule-id'} -- why -->`,
      });
    }
  },
  checkDirectives(_doc, outcome, ctx) {
    // A comment that cannot act is an error whatever this rule's severity: a reviewer must see the attempt, and a typo never leaves a check silently on or off.
    for (const { directive, ruleId, reason, suggestion } of outcome.inert) {
      const at = { line: directive.line, column: directive.column, severity: 'error' as const };
      const data = { kind: directive.kind, ruleId };
      if (reason === 'unknown') {
        const details = `It ${directive.kind === 'enable' ? 'enables' : 'disables'} nothing; name rules as \`policylint rules\` lists them.`;
        if (suggestion) ctx.report({ ...at, messageId: 'unknownRuleGuess', data: { ...data, guess: suggestion }, details });
        else ctx.report({ ...at, messageId: 'unknownRule', data, details });
      } else if (ruleId === 'directives') {
        ctx.report({ ...at, messageId: 'directivesRule', data, details: 'Findings about policylint comments cannot be switched off by a comment; remove it.' });
      } else {
        ctx.report({ ...at, messageId: 'controlRule', data, details: "The control's own rules cannot be switched off by a comment; remove it." });
      }
    }
    if (!ctx.options.reportUnused) return;
    for (const directive of outcome.unused) {
      ctx.report({
        line: directive.line,
        column: directive.column,
        messageId: 'unused',
        data: { directive: written(directive) },
        details: 'Nothing on the lines it covers is reported any more; remove the comment.',
      });
    }
  },
});
