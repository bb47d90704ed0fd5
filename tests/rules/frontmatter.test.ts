import rule from '../../rules/frontmatter.js';
import { controlledDocument } from '../support/cli.js';
import { ruleTester } from '../support/rule-tester.js';

const withFrontMatter = (yaml: string) => `---\n${yaml}\n---\n\n# Page\n`;
const typed = (type: string) => ({ fields: { value: { type } } });

ruleTester(rule, {
  valid: [
    {
      name: 'a complete controlled document',
      source: controlledDocument('P'),
      options: { fields: { title: { required: true, type: 'string' }, controlled_document: { type: 'boolean' } } },
    },
    { name: 'no front matter, when it is not required', source: '# Page\n', options: { requireFrontMatter: false } },
    { name: 'an optional key left out', source: withFrontMatter('title: A'), options: { fields: { owner: { type: 'string' } } } },
    { name: 'a YAML date', source: withFrontMatter('value: 2025-10-07'), options: typed('date') },
    { name: 'a date written as text with a time', source: withFrontMatter('value: "2025-10-07T09:30:00Z"'), options: typed('date') },
    { name: 'a list', source: withFrontMatter('value: [a, b]'), options: typed('array') },
    { name: 'a mapping', source: withFrontMatter('value: { a: 1 }'), options: typed('object') },
    { name: 'a number', source: withFrontMatter('value: 3'), options: typed('number') },
    { name: 'an allowed value', source: withFrontMatter('status: approved'), options: { fields: { status: { enum: ['draft', 'approved'] } } } },
    { name: 'a value matching a /regex/', source: withFrontMatter('owner: "@alice"'), options: { fields: { owner: { pattern: '/^@[\\w.-]+$/' } } } },
    { name: 'plain text: the exact value', source: withFrontMatter('owner: security'), options: { fields: { owner: { pattern: 'security' } } } },
  ],
  invalid: [
    { name: 'no front matter', source: '# Page\n', errors: [{ messageId: 'noFrontMatter', line: 1, details: /^Start the document with a `---` YAML block/ }] },
    { name: 'unterminated front matter', source: '---\ntitle: A\n\n# Page\n', errors: [{ messageId: 'unreadable', line: 1, details: /./ }] },
    { name: 'invalid YAML', source: withFrontMatter('title: [a'), errors: [{ messageId: 'unreadable', line: 2 }] },
    {
      name: 'a required key missing, at the front matter',
      source: withFrontMatter('title: A'),
      options: { fields: { owner: { required: true } } },
      errors: [{ messageId: 'missing', line: 1, data: { key: 'owner' } }],
    },
    {
      name: 'a required key that is null',
      source: withFrontMatter('title: A\nowner:'),
      options: { fields: { owner: { required: true } } },
      errors: [{ messageId: 'missing', line: 3, data: { key: 'owner' } }],
    },
    {
      name: 'text where a boolean is wanted',
      source: withFrontMatter('value: "yes"'),
      options: typed('boolean'),
      errors: [{ messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'true or false', found: '"yes"' } }],
    },
    {
      name: 'a number where text is wanted',
      source: withFrontMatter('value: 3'),
      options: typed('string'),
      errors: [{ messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'text', found: 'the number 3' } }],
    },
    {
      name: 'text that is not a date',
      source: withFrontMatter('value: 07/10/2025'),
      options: typed('date'),
      errors: [
        { messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'a date', found: '"07/10/2025"' }, details: 'Write a date such as 2025-10-07.' },
      ],
    },
    {
      name: 'a mapping where a list is wanted',
      source: withFrontMatter('value: { a: 1 }'),
      options: typed('array'),
      errors: [{ messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'a list', found: 'a mapping' } }],
    },
    {
      name: 'a list where a mapping is wanted',
      source: withFrontMatter('value: [a]'),
      options: typed('object'),
      errors: [{ messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'a mapping', found: 'a list' } }],
    },
    {
      name: 'a date where a mapping is wanted',
      source: withFrontMatter('value: 2025-10-07'),
      options: typed('object'),
      errors: [{ messageId: 'wrongType', line: 2, data: { key: 'value', expected: 'a mapping' } }],
    },
    {
      name: 'a value not allowed',
      source: withFrontMatter('status: final'),
      options: { fields: { status: { enum: ['draft', 'approved', 1, true] } } },
      errors: [{ messageId: 'notAllowed', line: 2, data: { key: 'status', found: '"final"' }, details: 'Allowed values: "draft", "approved", 1, true.' }],
    },
    {
      name: 'a value not matching a /regex/',
      source: withFrontMatter('owner: alice'),
      options: { fields: { owner: { pattern: '/^@[\\w.-]+$/' } } },
      errors: [{ messageId: 'noMatch', line: 2, data: { key: 'owner', found: '"alice"', pattern: '/^@[\\w.-]+$/' } }],
    },
    {
      name: 'plain text that is only part of the value',
      source: withFrontMatter('owner: security team'),
      options: { fields: { owner: { pattern: 'security' } } },
      errors: [{ messageId: 'noMatch', line: 2, data: { key: 'owner' } }],
    },
    {
      name: 'a value both not allowed and not matching',
      source: withFrontMatter('status: Final'),
      options: { fields: { status: { type: 'string', enum: ['draft'], pattern: '/^[a-z]+$/' } } },
      errors: [
        { messageId: 'noMatch', line: 2 },
        { messageId: 'notAllowed', line: 2 },
      ],
    },
  ],
  invalidOptions: [
    { options: { fields: { owner: { type: 'text' } } }, error: /type/ },
    { options: { fields: { owner: { enum: [] } } }, error: /enum|too small|>=/i },
    { options: { fields: { owner: { pattern: '/(/' } } }, error: /invalid regular expression/ },
    { options: { fields: { owner: { pattern: '^@\\w+$' } } }, error: /not a regular expression any more; to keep this one, write \/\^@/ },
    { options: { fields: { owner: { requried: true } } }, error: /requried/ },
  ],
});
