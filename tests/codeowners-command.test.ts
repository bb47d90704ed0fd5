import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCodeownersCommand } from '../src/cli/commands/codeowners.js';
import { loadCodeowners } from '../src/codeowners/load.js';
import { codeownersReport } from '../src/codeowners/report.js';
import { makeTree } from './support/cli.js';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const handbookCodeowners = fs.readFileSync(path.join(repositoryRoot, 'fixtures/gitlab-handbook/.gitlab/CODEOWNERS'), 'utf8');

function tempDir(files: Record<string, string>): string {
  return makeTree(files, 'policylint-codeowners-cmd-');
}

async function run(cwd: string, paths: string[], options: { file?: string; format?: 'text' | 'json' } = {}) {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCodeownersCommand({
    paths,
    file: options.file,
    format: options.format ?? 'json',
    cwd,
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { exitCode, stdout, stderr };
}

const sample = [
  '*.md @writers', //                     1
  '[Controlled Documents][2] @security', // 2
  '/policies/', //                         3
  '/policies/draft.md not-an-owner', //    4
  '^[Optional]', //                        5
  '/policies/ @@maintainer jane@example.com', // 6
  '[controlled documents]', //             7
  '/policies/isms.md @ciso @Ciso', //      8
].join('\n');

describe('codeownersReport', () => {
  it('gives every matching section in file order with the JSON fields the command prints', () => {
    const file = loadCodeowners(tempDir({ '.gitlab/CODEOWNERS': sample }))!;
    expect(codeownersReport(file, ['policies/isms.md', 'policies/draft.md', 'src/x.ts'])).toEqual([
      {
        path: 'policies/isms.md',
        sections: [
          { name: 'codeowners', optional: false, approvalsRequired: 1, owners: ['@writers'], line: 1 },
          // Entry written under a header without [n]: GitLab counts it per header, so 1, not 2.
          { name: 'Controlled Documents', optional: false, approvalsRequired: 1, owners: ['@ciso'], line: 8 },
          { name: 'Optional', optional: true, approvalsRequired: 0, owners: ['@@maintainer', 'jane@example.com'], line: 6 },
        ],
      },
      {
        path: 'policies/draft.md',
        sections: [
          { name: 'codeowners', optional: false, approvalsRequired: 1, owners: ['@writers'], line: 1 },
          { name: 'Controlled Documents', optional: false, approvalsRequired: 0, owners: [], line: 4 },
          { name: 'Optional', optional: true, approvalsRequired: 0, owners: ['@@maintainer', 'jane@example.com'], line: 6 },
        ],
      },
      { path: 'src/x.ts', sections: [] },
    ]);
  });

  it('uses the default owners and count of the header for an entry without owners', () => {
    const file = loadCodeowners(tempDir({ CODEOWNERS: sample }))!;
    expect(codeownersReport(file, ['policies/a.txt'])[0]!.sections).toEqual([
      { name: 'Controlled Documents', optional: false, approvalsRequired: 2, owners: ['@security'], line: 3 },
      { name: 'Optional', optional: true, approvalsRequired: 0, owners: ['@@maintainer', 'jane@example.com'], line: 6 },
    ]);
  });
});

describe('runCodeownersCommand', () => {
  it('answers for the handbook: isms.md needs [Controlled Documents] at line 89', async () => {
    // Copied out of this repository, whose own git root has no CODEOWNERS.
    const handbookRoot = tempDir({ '.gitlab/CODEOWNERS': handbookCodeowners });
    const { exitCode, stdout, stderr } = await run(handbookRoot, ['content/handbook/security/isms.md', 'README.md']);
    expect(exitCode).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.map((entry: { path: string }) => entry.path)).toEqual(['content/handbook/security/isms.md', 'README.md']);
    expect(report[0].sections[0]).toEqual({
      name: 'Controlled Documents',
      optional: false,
      approvalsRequired: 1,
      owners: ['@joshlemos', '@jlongo_gitlab'],
      line: 89,
    });
    expect(report[0].sections.map((section: { name: string }) => section.name)).toEqual(['Controlled Documents', 'content-sites', 'handbook', 'security']);
    expect(report[1].sections.map((section: { name: string; line: number }) => [section.name, section.line])).toEqual([
      ['docs', 63],
      ['content-sites', 118],
    ]);
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^\.gitlab\/CODEOWNERS:114:1 warning: .*change-management-policy\.md repeats line 110/),
      expect.stringMatching(/^\.gitlab\/CODEOWNERS:238:1 warning: .*pronouns\/ repeats line 232/),
    ]);
  });

  it('resolves PATH arguments from a subdirectory against the repository root', async () => {
    const root = tempDir({ CODEOWNERS: sample, 'policies/isms.md': '# ISMS\n' });
    execFileSync('git', ['init', '-q'], { cwd: root });
    const { exitCode, stdout } = await run(path.join(root, 'policies'), ['isms.md']);
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)[0].path).toBe('policies/isms.md');
  });

  it('prints a readable block per path in text format', async () => {
    const root = tempDir({ CODEOWNERS: sample });
    const { exitCode, stdout } = await run(root, ['policies/isms.md', 'src/x.ts'], { format: 'text' });
    expect(exitCode).toBe(0);
    expect(stdout).toBe(
      [
        'policies/isms.md',
        '  [codeowners] line 1: 1 approval required: @writers',
        '  [Controlled Documents] line 8: 1 approval required: @ciso',
        '  ^[Optional] line 6: optional: @@maintainer jane@example.com',
        '',
        'src/x.ts',
        '  no entry in CODEOWNERS: no code owner approval needed',
        '',
      ].join('\n'),
    );
  });

  it('uses --file instead of the lookup order and reports its problems under that name', async () => {
    const root = tempDir({ CODEOWNERS: '* @root\n', 'other/OWNERS': '*.md\ndocs/ @docs\n' });
    const { exitCode, stdout, stderr } = await run(root, ['docs/a.md'], { file: 'other/OWNERS' });
    expect(exitCode).toBe(0);
    expect(JSON.parse(stdout)[0].sections[0].owners).toEqual(['@docs']);
    expect(stderr).toBe('other/OWNERS:1:1 warning: Entry *.md has no owners\n');
  });

  it('exits 2 with a clear message when there is no CODEOWNERS file', async () => {
    const root = tempDir({ 'README.md': '# x\n' });
    const { exitCode, stdout, stderr } = await run(root, ['README.md']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/no CODEOWNERS file in .* \(looked for CODEOWNERS, docs\/CODEOWNERS, \.gitlab\/CODEOWNERS\)/);
  });

  // An unknown --format is refused while the command line is parsed (tests/cli.test.ts).
  it('exits 2 for a missing --file', async () => {
    const root = tempDir({ CODEOWNERS: '* @a\n' });
    expect(await run(root, ['x'], { file: 'nope' })).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('cannot read nope: ENOENT') });
  });
});

// End to end through the real binary; needs `npm run build` (the lead's CLI main wires the subcommand).
describe('policylint codeowners (built CLI)', () => {
  it('prints the JSON report', () => {
    const handbookRoot = tempDir({ '.gitlab/CODEOWNERS': handbookCodeowners });
    const result = spawnSync(
      process.execPath,
      [path.join(repositoryRoot, 'bin/policylint.js'), 'codeowners', '--format', 'json', 'content/handbook/security/isms.md'],
      { cwd: handbookRoot, encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)[0].sections[0]).toMatchObject({ name: 'Controlled Documents', line: 89 });
  });
});
