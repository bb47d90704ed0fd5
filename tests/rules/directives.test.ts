import rule from '../../rules/directives.js';
import { ruleTester } from '../support/rule-tester.js';

// Which findings the comments hide is the engine's part (tests/directives.test.ts); this table is
// about what the directives rule says of the comments themselves.

const inert = '<!-- policylint-disable-next-line owner-approval link -- trust me -->\nText.\n';
const unused = '<!-- policylint-disable-line frontmatter -- nothing to hide -->\n';
/** A grant without a cited exception on line 7: exception-reference reports it on its own line. */
const grant = (comment: string, after = '') =>
  `## Exceptions\n\nSee the [exception process](/exceptions/).\n\n## Policy\n\nService X is exempt from rotation. ${comment}\n${after}`;
const exceptionReference = { 'exception-reference': 'error' };

ruleTester(rule, {
  valid: [
    {
      name: 'a disable comment with a reason that suppresses a finding',
      source: grant('<!-- policylint-disable-line exception-reference -- legacy wording -->'),
      otherRules: exceptionReference,
    },
    {
      name: 'an enable needs no reason',
      source: grant('', '\n<!-- policylint-enable exception-reference -->\n').replace(
        '## Exceptions',
        '<!-- policylint-disable exception-reference -- legacy -->\n## Exceptions',
      ),
      otherRules: exceptionReference,
    },
    {
      name: 'no reason, with requireReason off',
      source: grant('<!-- policylint-disable-line exception-reference -->'),
      options: { requireReason: false },
      otherRules: exceptionReference,
    },
    { name: 'an unused comment, with reportUnused off', source: unused, options: { reportUnused: false } },
  ],
  invalid: [
    {
      name: 'unused comments and inert rule ids, with the detail apart from the message',
      source: unused + inert,
      errors: [
        {
          line: 1,
          messageId: 'unused',
          severity: 'warn',
          data: { directive: 'policylint-disable-line frontmatter' },
          details: 'Nothing on the lines it covers is reported any more; remove the comment.',
        },
        {
          line: 2,
          messageId: 'unknownRuleGuess',
          severity: 'error',
          data: { kind: 'disable-next-line', ruleId: 'link', guess: 'links' },
          details: 'It disables nothing; name rules as `policylint rules` lists them.',
        },
        {
          line: 2,
          messageId: 'controlRule',
          severity: 'error',
          data: { kind: 'disable-next-line', ruleId: 'owner-approval' },
          details: "The control's own rules cannot be switched off by a comment; remove it.",
        },
      ],
    },
    {
      name: 'inert rule ids as errors even when the rule is off, but no unused comment',
      source: unused + inert,
      severity: 'off',
      errors: [
        { line: 2, messageId: 'unknownRuleGuess', severity: 'error' },
        { line: 2, messageId: 'controlRule', severity: 'error' },
      ],
    },
    {
      name: 'inert rule ids as errors when the rule only warns, without reportUnused',
      source: unused + inert,
      options: { reportUnused: false },
      errors: [
        { line: 2, messageId: 'unknownRuleGuess', severity: 'error' },
        { line: 2, messageId: 'controlRule', severity: 'error' },
      ],
    },
    {
      name: 'an unknown rule id without a guess',
      source: '<!-- policylint-disable zzz -- moving pages -->\n',
      errors: [{ line: 1, messageId: 'unknownRule', data: { kind: 'disable', ruleId: 'zzz' }, details: /disables nothing/ }],
    },
    {
      name: 'an unknown rule id in an enable',
      source: '<!-- policylint-enable link -->\n',
      errors: [{ line: 1, messageId: 'unknownRuleGuess', data: { kind: 'enable', ruleId: 'link', guess: 'links' }, details: /enables nothing/ }],
    },
    {
      name: 'a comment that names the directives rule',
      source: '<!-- policylint-disable-next-line directives -- quiet please -->\nText.\n',
      errors: [{ line: 1, messageId: 'directivesRule', data: { kind: 'disable-next-line' } }],
    },
    {
      name: 'unknown keywords, with and without a guess',
      source: '<!-- policylint-disable-lines links -- moving pages -->\n<!-- policylint-ignore -->\n',
      errors: [
        {
          line: 1,
          messageId: 'unknownDirectiveGuess',
          data: { keyword: 'disable-lines', guess: 'disable-line' },
          details: /^It does nothing; policylint reads policylint-disable, /,
        },
        { line: 2, messageId: 'unknownDirective', data: { keyword: 'ignore' } },
      ],
    },
    {
      name: 'a disable comment without a reason',
      source: grant('<!-- policylint-disable-line exception-reference -->'),
      otherRules: exceptionReference,
      errors: [
        {
          line: 7,
          messageId: 'missingReason',
          data: { directive: 'policylint-disable-line exception-reference' },
          details: 'Say why after " -- ": <!-- policylint-disable-line exception-reference -- why -->',
        },
      ],
    },
  ],
  invalidOptions: [{ options: { reportUnusued: false }, error: /reportUnusued/ }],
});
