import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import rule from '../rules/codeowners-coverage.js';
import { draftFinding, type DraftFinding } from '../src/engine/findings.js';
import { parseDocumentModel } from '../src/model/parse.js';
import { createProjectContext } from '../src/project/context.js';
import type { ProjectContext } from '../src/project/types.js';
import { controlledDocument, makeTree } from './support/cli.js';
import { lint } from '../src/engine/run.js';

function tempRepo(files: Record<string, string>): string {
  return makeTree(files, 'policylint-coverage-');
}

/** A project over real files: the real CODEOWNERS loader and a real file listing. */
function project(root: string): ProjectContext {
  return createProjectContext({ root, now: new Date('2026-01-01') });
}

/** The rule's reports as findings (message text and details filled in), in report order. */
async function check(root: string, controlled: string[], options: Record<string, unknown> = {}): Promise<DraftFinding[]> {
  const documents = controlled.map((relative) =>
    parseDocumentModel({
      path: relative,
      absPath: path.join(root, relative),
      source: fs.readFileSync(path.join(root, relative), 'utf8'),
      documentClass: 'policy',
    }),
  );
  const reports: DraftFinding[] = [];
  const source = { ruleId: rule.meta.id, severity: 'error' as const, messages: rule.meta.messages };
  await rule.checkProject!({
    options: rule.meta.options.parse(options),
    project: project(root),
    documentClass: 'policy',
    documents,
    report: (report) => reports.push(draftFinding({ ...source, path: report.path ?? '' }, report)),
  });
  return reports;
}

const doc = (title: string) => `---\ncontrolled_document: true\ntitle: ${title}\n---\n\n# ${title}\n`;

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

const files = {
  '.gitlab/CODEOWNERS': codeowners,
  'policies/isms.md': doc('ISMS'),
  'policies/unowned.md': doc('Unowned'),
  'policies/no-owner.md': doc('No owner'),
  'policies/optional.md': doc('Optional'),
  'policies/procedures/incident.md': doc('Incident'),
  'policies/procedures/notes.md': '# Notes\n',
  'policies/procedures/diagram.png': 'png',
};
const controlled = [
  'policies/isms.md',
  'policies/unowned.md',
  'policies/no-owner.md',
  'policies/optional.md',
  'policies/procedures/incident.md',
];

describe('codeowners-coverage', () => {
  it('reports unowned documents, stale entries, uncontrolled files and CODEOWNERS problems', async () => {
    const reports = await check(tempRepo(files), controlled);
    expect(reports.map(({ path, line, identity }) => ({ path, line, identity }))).toEqual([
      { path: '.gitlab/CODEOWNERS', line: 6, identity: 'codeownersProblem\0kind=malformed-owner\0subject=/policies/no-owner.md not-a-user' },
      { path: 'policies/unowned.md', line: 3, identity: 'noEntry\0file=.gitlab/CODEOWNERS\0sections=[Controlled Documents] or ^[Controlled-Documents]' },
      { path: 'policies/no-owner.md', line: 3, identity: 'noValidOwner' },
      { path: 'policies/optional.md', line: 3, identity: 'optionalOnly' },
      { path: '.gitlab/CODEOWNERS', line: 4, identity: 'staleEntry\0pattern=/policies/old-policy.md\0section=[Controlled Documents]' },
      { path: '.gitlab/CODEOWNERS', line: 5, identity: 'uncontrolledFile\0path=policies/procedures/notes.md\0pattern=/policies/procedures/\0section=[Controlled Documents]' },
    ]);
    expect(reports.map(({ message, details }) => [message, details])).toEqual([
      ['Malformed owner "not-a-user" for /policies/no-owner.md', undefined],
      [
        'No code owner must approve changes to this document: it has no entry in [Controlled Documents] or ^[Controlled-Documents] of .gitlab/CODEOWNERS',
        'Add an entry for policies/unowned.md with its owners to one of those sections.',
      ],
      [
        'No code owner must approve changes to this document: its CODEOWNERS entry names no valid owner',
        'Owned by .gitlab/CODEOWNERS:6 (/policies/no-owner.md in [Controlled Documents]), whose owners are all malformed: GitLab approves such a rule automatically. Fix the owners.',
      ],
      [
        'No code owner must approve changes to this document: only an optional section owns it',
        'Owned by .gitlab/CODEOWNERS:8 (/policies/optional.md in ^[Controlled-Documents]). Entries in an optional section (^[...]) never require approval: add the document to a required section.',
      ],
      ['/policies/old-policy.md in [Controlled Documents] matches no file in the repository (moved or deleted?)', "Change the entry to the document's new path, or remove it."],
      [
        'policies/procedures/notes.md is owned by /policies/procedures/ in [Controlled Documents] but is not a controlled document',
        'The section should own only controlled documents: narrow the entry, or make the file a controlled document.',
      ],
    ]);
  });

  it('runs only the checks that are switched on, and takes other section names', async () => {
    const root = tempRepo(files);
    const off = { requireEntry: false, staleEntries: false, uncontrolledFiles: false };
    expect((await check(root, controlled, off)).map((report) => report.messageId)).toEqual(['codeownersProblem']);

    const other = await check(root, controlled, { ...off, requireEntry: true, section: ['other'] });
    expect(other.filter((report) => report.messageId === 'noEntry').map((report) => report.path)).toEqual([
      'policies/isms.md',
      'policies/no-owner.md',
      'policies/optional.md',
      'policies/procedures/incident.md',
    ]);
  });

  it('reports once when there is no CODEOWNERS file', async () => {
    const root = tempRepo({ 'policies/b.md': doc('B'), 'policies/a.md': doc('A') });
    expect(await check(root, ['policies/b.md', 'policies/a.md'])).toEqual([
      expect.objectContaining({ path: 'policies/a.md', line: 3, messageId: 'noCodeowners', details: expect.stringContaining('Looked for CODEOWNERS, docs/CODEOWNERS, .gitlab/CODEOWNERS.') }),
    ]);
  });

  it('reports once when CODEOWNERS has no controlled-documents section', async () => {
    const root = tempRepo({ CODEOWNERS: '* @a\n', 'policies/a.md': doc('A') });
    expect(await check(root, ['policies/a.md'])).toEqual([
      expect.objectContaining({
        path: 'CODEOWNERS',
        line: 1,
        messageId: 'missingSection',
        message: 'CODEOWNERS has no [Controlled Documents] or [Controlled-Documents] section, so no code owner must approve changes to controlled documents',
      }),
    ]);
  });

  it('applies exclusions: an excluded document is not owned', async () => {
    const root = tempRepo({
      CODEOWNERS: '[Controlled Documents]\n/policies/ @ciso\n!/policies/draft.md\n',
      'policies/a.md': doc('A'),
      'policies/draft.md': doc('Draft'),
    });
    expect((await check(root, ['policies/a.md', 'policies/draft.md'])).map((report) => [report.path, report.messageId])).toEqual([
      ['policies/draft.md', 'noEntry'],
    ]);
  });

  it('has defaults and rejects unknown options', () => {
    expect(rule.meta.options.parse({})).toEqual({
      section: ['Controlled Documents', 'Controlled-Documents'],
      requireEntry: true,
      staleEntries: true,
      uncontrolledFiles: true,
    });
    expect(() => rule.meta.options.parse({ sections: ['x'] })).toThrow();
  });
});

describe('codeowners-coverage on part of a repository', () => {
  it('knows the documents a run did not lint are still controlled (--changed, merge requests)', async () => {
    const root = makeTree({
      '.policylint.yml': 'classes:\n  policy:\n    paths: ["docs/**/*.md"]\n    when: [{frontMatter: {controlled_document: true}}]\n    rules:\n      codeowners-coverage: error\n',
      CODEOWNERS: '[Controlled Documents]\n/docs/ @owner\n',
      'docs/a.md': controlledDocument('A'),
      'docs/b.md': controlledDocument('B'),
      'docs/notes.md': '# Not controlled\n',
    });
    // A change touching all three but linting one: b.md, unlinted, is still known to be controlled.
    const result = await lint({ cwd: root, patterns: ['docs/a.md'], scope: ['docs/a.md', 'docs/b.md', 'docs/notes.md'], now: new Date('2026-11-27') });
    expect(result.findings.map((f) => f.message)).toEqual(['docs/notes.md is owned by /docs/ in [Controlled Documents] but is not a controlled document']);
  });

  it('reports project-wide problems of a partial run only when the change touches what they are about', async () => {
    const root = makeTree({
      '.policylint.yml': 'classes:\n  policy:\n    paths: ["docs/**/*.md"]\n    when: [{frontMatter: {controlled_document: true}}]\n    rules:\n      codeowners-coverage: error\n',
      CODEOWNERS: '[Controlled Documents]\n/docs/ @owner\n/docs/gone.md @owner\n',
      'docs/a.md': controlledDocument('A'),
      'docs/notes.md': '# Not controlled\n',
    });
    const messages = async (options: { patterns?: string[]; scope?: string[] }) => (await lint({ cwd: root, now: new Date('2026-11-27'), ...options })).findings.map((f) => f.message);
    const notes = 'docs/notes.md is owned by /docs/ in [Controlled Documents] but is not a controlled document';
    const stale = '/docs/gone.md in [Controlled Documents] matches no file in the repository (moved or deleted?)';
    // A full run reports everything; naming one document reports nothing it does not touch.
    expect(await messages({})).toEqual([notes, stale]);
    expect(await messages({ patterns: ['docs/a.md'] })).toEqual([]);
    // The change that deleted gone.md, edited CODEOWNERS or touched notes.md is told.
    expect(await messages({ patterns: ['docs/a.md'], scope: ['docs/a.md', 'docs/gone.md'] })).toEqual([stale]);
    expect(await messages({ patterns: ["docs/a.md"], scope: ["CODEOWNERS"] })).toEqual([notes, stale]);
    expect(await messages({ patterns: ['docs/a.md'], scope: ['docs/notes.md'] })).toEqual([notes]);
  });
});

describe('where CODEOWNERS is read from', () => {
  const gitInit = (root: string) => execFileSync('git', ['init', '-q'], { cwd: root });
  const POLICY = 'content/a-policy.md';

  it('reads it at the top of the git work tree, as GitLab does, when the config lives in a subfolder', async () => {
    const root = tempRepo({ CODEOWNERS: '[Controlled Documents]\n/handbook/content/a-policy.md @dave\n/handbook/content/gone.md @dave\n', [`handbook/${POLICY}`]: controlledDocument('A') });
    gitInit(root);
    const reports = await check(path.join(root, 'handbook'), [POLICY]);
    // The document matches as /handbook/content/a-policy.md; the stale entry is reported on ../CODEOWNERS.
    expect(reports.map((r) => `${r.path}:${r.line} ${r.message}`)).toEqual(['../CODEOWNERS:3 /handbook/content/gone.md in [Controlled Documents] matches no file in the repository (moved or deleted?)']);
  });

  it("falls back to the config's folder for a handbook that is not a repository of its own", async () => {
    const root = tempRepo({ 'handbook/.gitlab/CODEOWNERS': '[Controlled Documents]\n/content/a-policy.md @dave\n', [`handbook/${POLICY}`]: controlledDocument('A') });
    gitInit(root);
    expect(await check(path.join(root, 'handbook'), [POLICY])).toEqual([]);
  });
});
