import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import rule from '../../rules/codeowners-coverage.js';
import { lint } from '../../src/engine/run.js';
import { controlledDocument, makeTree } from '../support/cli.js';
import { ruleTester } from '../support/rule-tester.js';

const doc = (title: string) => `---\ncontrolled_document: true\ntitle: ${title}\n---\n\n# ${title}\n`;
/** Controlled documents are those whose front matter says so, as in the gitlab-handbook preset. */
const controlled = { when: [{ frontMatter: { controlled_document: true } }] };

const codeowners = [
  '* @everyone', //                                         1
  '[Controlled Documents]', //                             2
  '/policies/isms.md @ciso', //                            3
  '/policies/old-policy.md @ciso', //                      4
  '/policies/procedures/ @secops', //                      5
  '/policies/no-owner.md not-a-user', //                   6
  '^[Controlled-Documents]', //                            7
  '/policies/optional.md @someone', //                     8
  '[Other]', //                                            9
  '/policies/unowned.md @other', //                        10
].join('\n');

const handbook = {
  select: controlled,
  files: {
    '.gitlab/CODEOWNERS': codeowners,
    'policies/isms.md': doc('ISMS'),
    'policies/unowned.md': doc('Unowned'),
    'policies/no-owner.md': doc('No owner'),
    'policies/optional.md': doc('Optional'),
    'policies/procedures/incident.md': doc('Incident'),
    'policies/procedures/notes.md': '# Notes\n',
    'policies/procedures/diagram.png': 'png',
  },
};
const onlyEntries = { requireEntry: false, staleEntries: false, uncontrolledFiles: false };

ruleTester(rule, {
  valid: [
    {
      name: 'every controlled document owned by a required section',
      select: controlled,
      files: { CODEOWNERS: '[Controlled Documents]\n/policies/ @ciso\n', 'policies/a.md': doc('A') },
    },
    {
      name: 'a well-formed CODEOWNERS with every check off',
      ...handbook,
      files: { ...handbook.files, '.gitlab/CODEOWNERS': codeowners.replace('not-a-user', '@owner') },
      options: onlyEntries,
    },
  ],
  invalid: [
    {
      name: 'unowned documents, stale entries, uncontrolled files and CODEOWNERS problems',
      ...handbook,
      errors: [
        {
          path: '.gitlab/CODEOWNERS',
          line: 4,
          messageId: 'staleEntry',
          data: { pattern: '/policies/old-policy.md', section: '[Controlled Documents]' },
          details: "Change the entry to the document's new path, or remove it.",
        },
        {
          path: '.gitlab/CODEOWNERS',
          line: 5,
          messageId: 'uncontrolledFile',
          data: { path: 'policies/procedures/notes.md', pattern: '/policies/procedures/', section: '[Controlled Documents]' },
          details: 'The section should own only controlled documents: narrow the entry, or make the file a controlled document.',
        },
        { path: '.gitlab/CODEOWNERS', line: 6, messageId: 'codeownersProblem', data: { problem: 'Malformed owner "not-a-user" for /policies/no-owner.md' } },
        {
          path: 'policies/no-owner.md',
          line: 3,
          messageId: 'noValidOwner',
          details:
            'Owned by .gitlab/CODEOWNERS:6 (/policies/no-owner.md in [Controlled Documents]), whose owners are all malformed: GitLab approves such a rule automatically. Fix the owners.',
        },
        {
          path: 'policies/optional.md',
          line: 3,
          messageId: 'optionalOnly',
          details:
            'Owned by .gitlab/CODEOWNERS:8 (/policies/optional.md in ^[Controlled-Documents]). Entries in an optional section (^[...]) never require approval: add the document to a required section.',
        },
        {
          path: 'policies/unowned.md',
          line: 3,
          messageId: 'noEntry',
          data: { sections: '[Controlled Documents] or ^[Controlled-Documents]', file: '.gitlab/CODEOWNERS' },
          details: 'Add an entry for policies/unowned.md with its owners to one of those sections.',
        },
      ],
    },
    {
      name: 'only the checks switched on',
      ...handbook,
      options: onlyEntries,
      errors: [{ path: '.gitlab/CODEOWNERS', line: 6, messageId: 'codeownersProblem' }],
    },
    {
      name: 'other section names',
      ...handbook,
      options: { ...onlyEntries, requireEntry: true, section: ['other'] },
      errors: [
        { path: '.gitlab/CODEOWNERS', line: 6, messageId: 'codeownersProblem' },
        ...['policies/isms.md', 'policies/no-owner.md', 'policies/optional.md', 'policies/procedures/incident.md'].map((file) => ({
          path: file,
          line: 3,
          messageId: 'noEntry',
        })),
      ],
    },
    {
      name: 'no CODEOWNERS file, once',
      select: controlled,
      files: { 'policies/b.md': doc('B'), 'policies/a.md': doc('A') },
      errors: [{ path: 'policies/a.md', line: 3, messageId: 'noCodeowners', details: /Looked for CODEOWNERS, docs\/CODEOWNERS, \.gitlab\/CODEOWNERS\./ }],
    },
    {
      name: 'no controlled-documents section, once',
      select: controlled,
      files: { CODEOWNERS: '* @a\n', 'policies/a.md': doc('A') },
      errors: [
        {
          path: 'CODEOWNERS',
          line: 1,
          messageId: 'missingSection',
          data: { file: 'CODEOWNERS', sections: '[Controlled Documents] or [Controlled-Documents]' },
        },
      ],
    },
    {
      name: 'an excluded document is not owned',
      select: controlled,
      files: { CODEOWNERS: '[Controlled Documents]\n/policies/ @ciso\n!/policies/draft.md\n', 'policies/a.md': doc('A'), 'policies/draft.md': doc('Draft') },
      errors: [{ path: 'policies/draft.md', line: 3, messageId: 'noEntry' }],
    },
  ],
  invalidOptions: [{ options: { sections: ['x'] }, error: /sections/ }],
});

describe('codeowners-coverage beyond the table', () => {
  const now = new Date('2026-11-27');
  const config =
    'classes:\n  policy:\n    paths: ["docs/**/*.md"]\n    when: [{frontMatter: {controlled_document: true}}]\n    rules:\n      codeowners-coverage: error\n';

  it('has these defaults', () => {
    expect(rule.meta.options.parse({})).toEqual({
      section: ['Controlled Documents', 'Controlled-Documents'],
      requireEntry: true,
      staleEntries: true,
      uncontrolledFiles: true,
    });
  });

  it('knows the documents a run did not lint are still controlled (--changed, merge requests)', async () => {
    const root = makeTree({
      '.policylint.yml': config,
      CODEOWNERS: '[Controlled Documents]\n/docs/ @owner\n',
      'docs/a.md': controlledDocument('A'),
      'docs/b.md': controlledDocument('B'),
      'docs/notes.md': '# Not controlled\n',
    });
    // A change touching all three but linting one: b.md, unlinted, is still known to be controlled.
    const result = await lint({ cwd: root, patterns: ['docs/a.md'], scope: ['docs/a.md', 'docs/b.md', 'docs/notes.md'], now });
    expect(result.findings.map((f) => f.message)).toEqual(['docs/notes.md is owned by /docs/ in [Controlled Documents] but is not a controlled document']);
  });

  it('reports project-wide problems of a partial run only when the change touches what they are about', async () => {
    const root = makeTree({
      '.policylint.yml': config,
      CODEOWNERS: '[Controlled Documents]\n/docs/ @owner\n/docs/gone.md @owner\n',
      'docs/a.md': controlledDocument('A'),
      'docs/notes.md': '# Not controlled\n',
    });
    const messages = async (options: { patterns?: string[]; scope?: string[] }) => (await lint({ cwd: root, now, ...options })).findings.map((f) => f.message);
    const notes = 'docs/notes.md is owned by /docs/ in [Controlled Documents] but is not a controlled document';
    const stale = '/docs/gone.md in [Controlled Documents] matches no file in the repository (moved or deleted?)';
    // A full run reports everything; naming one document reports nothing it does not touch.
    expect(await messages({})).toEqual([notes, stale]);
    expect(await messages({ patterns: ['docs/a.md'] })).toEqual([]);
    // The change that deleted gone.md, edited CODEOWNERS or touched notes.md is told.
    expect(await messages({ patterns: ['docs/a.md'], scope: ['docs/a.md', 'docs/gone.md'] })).toEqual([stale]);
    expect(await messages({ patterns: ['docs/a.md'], scope: ['CODEOWNERS'] })).toEqual([notes, stale]);
    expect(await messages({ patterns: ['docs/a.md'], scope: ['docs/notes.md'] })).toEqual([notes]);
  });

  const handbookConfig = 'classes:\n  policy:\n    when: [{frontMatter: {controlled_document: true}}]\n    rules:\n      codeowners-coverage: error\n';
  const inSubfolder = (files: Record<string, string>) => {
    const root = makeTree({ 'handbook/.policylint.yml': handbookConfig, 'handbook/content/a-policy.md': controlledDocument('A'), ...files });
    execFileSync('git', ['init', '-q'], { cwd: root });
    return `${root}/handbook`;
  };

  it('reads CODEOWNERS at the top of the git work tree, as GitLab does, when the config lives in a subfolder', async () => {
    const handbook = inSubfolder({ CODEOWNERS: '[Controlled Documents]\n/handbook/content/a-policy.md @dave\n/handbook/content/gone.md @dave\n' });
    const { findings } = await lint({ cwd: handbook, now });
    // The document matches as /handbook/content/a-policy.md; the stale entry is reported on ../CODEOWNERS.
    expect(findings.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      '../CODEOWNERS:3 /handbook/content/gone.md in [Controlled Documents] matches no file in the repository (moved or deleted?)',
    ]);
  });

  it("finds the files of a CODEOWNERS above the config's folder anywhere in the work tree, so entries outside it are not stale", async () => {
    const handbook = inSubfolder({
      CODEOWNERS: '[Controlled Documents]\n/handbook/content/a-policy.md @dave\n/docs/outside.md @bob\n/scripts/ @bob\n/docs/gone.md @bob\n',
      'docs/outside.md': '# Outside the handbook\n',
      'scripts/check.sh': 'true\n',
    });
    const { findings } = await lint({ cwd: handbook, now });
    expect(findings.map((f) => `${f.path}:${f.line} ${f.message}`)).toEqual([
      '../CODEOWNERS:5 /docs/gone.md in [Controlled Documents] matches no file in the repository (moved or deleted?)',
    ]);
  });

  it("falls back to the config's folder for a handbook that is not a repository of its own", async () => {
    const handbook = inSubfolder({ 'handbook/.gitlab/CODEOWNERS': '[Controlled Documents]\n/content/a-policy.md @dave\n' });
    expect((await lint({ cwd: handbook, now })).findings).toEqual([]);
  });
});
