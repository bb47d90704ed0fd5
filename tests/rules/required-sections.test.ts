import rule from '../../rules/required-sections.js';
import { gitlabHandbook } from '../../src/config/presets/gitlab-handbook.js';
import { controlledDocument } from '../support/cli.js';
import { ruleTester } from '../support/rule-tester.js';

const options = {
  sections: [
    { name: 'Purpose', levels: [2, 3] },
    { name: 'Scope' },
    { name: 'Roles & Responsibilities', match: ['/^(?:[\\w-]+\\s+)*roles? and responsibilit(?:y|ies)$/'] },
  ],
};
const [, presetOptions] = gitlabHandbook.classes!['controlled-document']!.rules!['required-sections'] as [string, object];

ruleTester(rule, {
  valid: [
    { name: "a complete controlled document, with the gitlab-handbook preset's options", source: controlledDocument('P'), options: presetOptions },
    {
      name: 'the real spellings and levels',
      source: '### Purpose\n\nWhy.\n\n## Scope:\n\nAll.\n\n## ISMS Roles &amp; responsibilities\n\n| Role | Responsibility |\n',
      options,
    },
    {
      name: 'an empty-looking section with sub-sections',
      source: '## Purpose\n\n### Why\n\nText.\n\n## Scope\n\nAll.\n\n## Roles and Responsibilities\n\nUs.\n',
      options,
    },
    { name: 'the order when it is not asked for', source: '## Scope\n\nAll.\n\n## Purpose\n\nWhy.\n\n## Roles and Responsibilities\n\nUs.\n', options },
  ],
  invalid: [
    {
      name: 'each missing section once, at the title line',
      source: '---\nlayout: x\ntitle: A\n---\n\n## Scope\n\nAll.\n',
      options,
      errors: [
        { messageId: 'missing', line: 3, data: { name: 'Purpose' }, details: 'Add a ## or ### "Purpose" heading with its content.' },
        {
          messageId: 'missing',
          line: 3,
          data: { name: 'Roles & Responsibilities' },
          details: 'Add a ## heading with its content; accepted headings: /^(?:[\\w-]+\\s+)*roles? and responsibilit(?:y|ies)$/.',
        },
      ],
    },
    {
      name: 'whole headings only: a look-alike does not count',
      source: '## Purpose\n\nWhy.\n\n## Not in Scope\n\nNothing.\n\n## Roles and Responsibilities\n\nUs.\n',
      options,
      errors: [{ messageId: 'missing', line: 1, data: { name: 'Scope' }, details: 'Add a ## "Scope" heading with its content.' }],
    },
    {
      name: 'a section at a level that is not accepted',
      source: '## Purpose\n\nWhy.\n\n### Scope\n\nAll.\n\n## Roles and Responsibilities\n\nUs.\n',
      options,
      errors: [{ messageId: 'missing', line: 1, data: { name: 'Scope' } }],
    },
    {
      name: 'an empty section at its heading, but not one with sub-sections',
      source: '## Purpose\n\n<!-- todo -->\n\n## Scope\n\n### In scope\n\nAll.\n\n## Roles and Responsibilities\n',
      options,
      errors: [
        { messageId: 'empty', line: 1, data: { heading: 'Purpose' }, details: 'The "Purpose" section needs content under its heading.' },
        {
          messageId: 'empty',
          line: 11,
          data: { heading: 'Roles and Responsibilities' },
          details: 'The "Roles & Responsibilities" section needs content under its heading.',
        },
      ],
    },
    {
      name: 'the order, when asked',
      source: '## Scope\n\nAll.\n\n## Purpose\n\nWhy.\n\n## Roles and Responsibilities\n\nUs.\n',
      options: { ...options, order: true },
      errors: [
        {
          messageId: 'outOfOrder',
          line: 1,
          data: { name: 'Scope', previous: 'Purpose' },
          details: 'The sections are required in the order the configuration lists them; "Purpose" is on line 5.',
        },
      ],
    },
    {
      name: 'section names in another language',
      source: '## 目的\n\nなぜ。\n\n## 範囲\n\n全員。\n',
      options: { sections: [{ name: '目的' }, { name: '範囲' }, { name: '例外' }] },
      errors: [{ messageId: 'missing', line: 1, data: { name: '例外' }, details: 'Add a ## "例外" heading with its content.' }],
    },
  ],
  invalidOptions: [
    { options: { sections: [{ name: 'Purpose', match: ['/(unclosed/'] }] }, error: /invalid regular expression/ },
    { options: { sections: [{ name: 'Purpose', level: [2] }] }, error: /level/ },
  ],
});
