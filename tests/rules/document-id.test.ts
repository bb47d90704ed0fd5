import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import rule from '../../rules/document-id.js';
import { lint } from '../../src/engine/run.js';
import { RepositoryReader } from '../../src/select/read.js';
import { makeTree } from '../support/cli.js';
import { ruleTester } from '../support/rule-tester.js';
import { git } from '../support/git.js';

const withId = (id: string, title = 'Policy') => `---\ntitle: ${title}\nID: ${id}\n---\n\n# ${title}\n`;
const options = { key: 'ID', pattern: '/^POL-\\d{3}$/' };
const DUPLICATE_DETAILS = /give all but one of these documents a new ID/;

ruleTester(rule, {
  valid: [
    { name: 'unique IDs of the configured form', files: { 'a.md': withId('POL-214'), 'b.md': withId('POL-215') }, options },
    { name: 'a number is an ID (YAML reads `id: 214` as one)', source: '---\nid: 214\n---\n\nText.\n' },
    { name: 'a key with a space', source: '---\nDocument ID: SEC 7\n---\n\nText.\n', options: { key: 'Document ID' } },
    { name: 'no ID when none is required', source: '---\ntitle: Draft\n---\n\nText.\n', options: { required: false } },
    {
      name: 'documents of another class may share an ID',
      files: { 'policies/a.md': withId('POL-214'), 'notes/a.md': withId('POL-214') },
      options,
      select: { paths: ['policies/**'] },
    },
  ],
  invalid: [
    {
      name: 'the same ID twice: a finding on each, naming the other path and line',
      files: { 'policies/a.md': withId('POL-214'), 'policies/b.md': `---\ntitle: B\nowner: x\nID: POL-214\n---\n`, 'policies/c.md': withId('POL-300') },
      options,
      errors: [
        { messageId: 'duplicate', path: 'policies/a.md', line: 3, data: { id: 'POL-214', others: 'policies/b.md:4' }, details: DUPLICATE_DETAILS },
        { messageId: 'duplicate', path: 'policies/b.md', line: 4, data: { id: 'POL-214', others: 'policies/a.md:3' }, details: DUPLICATE_DETAILS },
      ],
    },
    {
      name: 'three documents: each names the two others',
      files: { 'a.md': withId('POL-001'), 'b.md': withId('POL-001'), 'c.md': withId('POL-001') },
      options,
      errors: [
        { messageId: 'duplicate', path: 'a.md', line: 3, data: { id: 'POL-001', others: 'b.md:3, c.md:3' } },
        { messageId: 'duplicate', path: 'b.md', line: 3, data: { id: 'POL-001', others: 'a.md:3, c.md:3' } },
        { messageId: 'duplicate', path: 'c.md', line: 3, data: { id: 'POL-001', others: 'a.md:3, b.md:3' } },
      ],
    },
    {
      name: 'a partial run (named file) compares with the documents it does not lint, and reports only on its own',
      files: { 'a.md': withId('POL-214'), 'b.md': withId('POL-214') },
      options,
      lint: ['b.md'],
      errors: [{ messageId: 'duplicate', path: 'b.md', line: 3, data: { id: 'POL-214', others: 'a.md:3' } }],
    },
    {
      name: 'missing, at the title line',
      source: '---\nlayout: x\ntitle: Policy\n---\n\nText.\n',
      options,
      errors: [{ messageId: 'missing', line: 3, data: { key: 'ID' }, details: 'Set "ID" in the front matter to the document\'s ID.' }],
    },
    { name: 'empty counts as missing', source: '---\nid:\n---\n', errors: [{ messageId: 'missing', line: 1, data: { key: 'id' } }] },
    { name: 'case counts in the key', source: '---\nid: POL-214\n---\n', options, errors: [{ messageId: 'missing', line: 1, data: { key: 'ID' } }] },
    { name: 'a list is not an ID', source: '---\nid: [1, 2]\n---\n', errors: [{ messageId: 'notText', line: 2, data: { key: 'id' } }] },
    {
      name: 'not of the configured form',
      source: withId('POL-21'),
      options,
      errors: [
        {
          messageId: 'mismatch',
          line: 3,
          data: { id: 'POL-21', pattern: '/^POL-\\d{3}$/' },
          details: "IDs of this class have the form /^POL-\\d{3}$/ (the rule's `pattern` option).",
        },
      ],
    },
    {
      name: 'plain text is the whole ID',
      source: withId('POL-214'),
      options: { key: 'ID', pattern: 'POL' },
      errors: [{ messageId: 'mismatch', line: 3, data: { id: 'POL-214', pattern: 'POL' } }],
    },
  ],
  invalidOptions: [
    { options: { pattern: '/[/' }, error: /invalid regular expression/ },
    { options: { key: '' }, error: /too_small|at least 1/i },
    { options: { keys: 'id' }, error: /unrecognized/i },
  ],
});

const CONFIG = `classes:\n  policy:\n    paths: ["policies/**"]\n    when:\n      - frontMatter: { controlled_document: true }\n    rules:\n      document-id: [error, { key: ID }]\n`;
const controlled = (id: string) => `---\ncontrolled_document: true\nID: ${id}\n---\n\nText.\n`;

describe('document-id in partial and whole runs', () => {
  it('--changed: a new document reusing an existing ID is flagged, naming the committed one', async () => {
    const root = makeTree({ '.policylint.yml': CONFIG, 'policies/a.md': controlled('POL-214'), 'policies/notes.md': '# Not controlled\n\nID: POL-214\n' });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'start');
    git(root, 'checkout', '-q', '-b', 'topic');
    writeFileSync(path.join(root, 'policies/b.md'), controlled('POL-214'));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'add b');
    const result = await lint({ cwd: root, now: new Date('2026-11-27'), changedBase: 'main' });
    expect(result.filesLinted).toEqual(['policies/b.md']);
    expect(result.findings.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual(['policies/b.md:3 Document ID "POL-214" is also used by policies/a.md:3']);
  });

  it('a whole run reads each file once; a partial run reads the others for their front matter only once', async () => {
    const files: Record<string, string> = { '.policylint.yml': CONFIG };
    for (let i = 0; i < 5; i++) files[`policies/p${i}.md`] = controlled(`POL-00${i}`);
    const root = makeTree(files);
    const reads = vi.spyOn(RepositoryReader.prototype, 'bytes');
    try {
      await lint({ cwd: root, now: new Date('2026-11-27') });
      const whole = reads.mock.calls.map(([file]) => file).filter((file) => file.startsWith('policies/'));
      expect(whole.sort()).toEqual(['policies/p0.md', 'policies/p1.md', 'policies/p2.md', 'policies/p3.md', 'policies/p4.md']);
      reads.mockClear();
      await lint({ cwd: root, now: new Date('2026-11-27'), patterns: ['policies/p1.md'] });
      const partial = reads.mock.calls.map(([file]) => file).filter((file) => file.startsWith('policies/'));
      // p1 once as linted and once with the others: the project's documents are read in one pass.
      expect(partial.sort()).toEqual(['policies/p0.md', 'policies/p1.md', 'policies/p1.md', 'policies/p2.md', 'policies/p3.md', 'policies/p4.md']);
    } finally {
      reads.mockRestore();
    }
  });
});
