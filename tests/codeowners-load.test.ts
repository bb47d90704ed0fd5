import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CODEOWNERS_PATHS, MAX_CODEOWNERS_BYTES, findCodeownersPath, firstCodeowners, loadCodeowners } from '../src/codeowners/load.js';
import { GitObjectError, readBlobsAt } from '../src/git/objects.js';
import { makeTree } from './support/cli.js';
import { git } from './support/git.js';

/** CODEOWNERS as a commit holds it, the way a merge request's target branch is read. */
async function loadCodeownersAtRef(root: string, ref: string) {
  const read = await readBlobsAt(root, ref, CODEOWNERS_PATHS);
  if (!read.commitFound) throw new Error(`${ref} is not a commit`);
  return firstCodeowners(read.blobs);
}

const tempRepo = (files: Record<string, string | Buffer>) => makeTree(files, 'policylint-codeowners-');

function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), content);
  }
}

describe('lookup order in the work tree', () => {
  const all = { CODEOWNERS: '* @root\n', 'docs/CODEOWNERS': '* @docs\n', '.gitlab/CODEOWNERS': '* @gitlab\n' };

  it.each([
    [all, 'CODEOWNERS', '@root'],
    [{ 'docs/CODEOWNERS': all['docs/CODEOWNERS'], '.gitlab/CODEOWNERS': all['.gitlab/CODEOWNERS'] }, 'docs/CODEOWNERS', '@docs'],
    [{ '.gitlab/CODEOWNERS': all['.gitlab/CODEOWNERS'] }, '.gitlab/CODEOWNERS', '@gitlab'],
  ])('uses the first file present and ignores the rest (%#)', (files, expectedPath, expectedOwner) => {
    const file = loadCodeowners(tempRepo(files))!;
    expect(file.path).toBe(expectedPath);
    expect(file.sections[0]!.entries.map((entry) => entry.owners[0]!.text)).toEqual([expectedOwner]);
  });

  it('returns null when there is none, and ignores .github/, lower-case names and directories', () => {
    const root = tempRepo({ '.github/CODEOWNERS': '* @gh\n', 'docs/codeowners': '* @lower\n', 'CODEOWNERS/x': '' });
    expect(findCodeownersPath(root)).toBeNull();
    expect(loadCodeowners(root)).toBeNull();
  });

  it('treats a binary file as empty, with a problem', () => {
    const file = loadCodeowners(tempRepo({ CODEOWNERS: Buffer.from([0x2a, 0x20, 0x40, 0x61, 0x00, 0x0a]) }))!;
    expect(file.sections.flatMap((section) => section.entries)).toEqual([]);
    expect(file.problems.map((problem) => problem.kind)).toEqual(['binary-file']);
  });

  it('reads only the first 10 MB, like GitLab', () => {
    // Long comment lines keep the parse cheap; only the byte count matters here.
    const line = `# ${'x'.repeat(1024 * 1024)}\n`;
    const filler = line.repeat(Math.ceil(MAX_CODEOWNERS_BYTES / line.length));
    const file = loadCodeowners(tempRepo({ CODEOWNERS: `/early.md @early\n${filler}/late.md @late\n` }))!;
    expect(file.match('early.md')).toHaveLength(1);
    expect(file.match('late.md')).toEqual([]);
    expect(file.problems[0]).toMatchObject({ kind: 'file-too-large', line: 1 });
  });
});

describe('loading at a git ref', () => {
  function repoWithHistory(): string {
    const root = tempRepo({ '.gitlab/CODEOWNERS': '[Controlled Documents]\n/policies/ @security\n', 'policies/a.md': '# A\n' });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'first');
    // The MR branch edits CODEOWNERS and adds a root file that would win the lookup.
    git(root, 'checkout', '-q', '-b', 'feature');
    writeFiles(root, { CODEOWNERS: '* @attacker\n' });
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'take over');
    return root;
  }

  it('reads the file as it is at the target branch, not the work tree', async () => {
    const root = repoWithHistory();
    const atMain = (await loadCodeownersAtRef(root, 'refs/heads/main'))!;
    expect(atMain.path).toBe('.gitlab/CODEOWNERS');
    expect(atMain.match('policies/a.md').map((match) => match.entry.owners[0]!.text)).toEqual(['@security']);

    const atFeature = (await loadCodeownersAtRef(root, 'feature'))!;
    expect(atFeature.path).toBe('CODEOWNERS');
    expect(loadCodeowners(root)!.path).toBe('CODEOWNERS');
  });

  it('returns null when no candidate exists at the ref, and ignores a CODEOWNERS directory', async () => {
    const root = tempRepo({ 'CODEOWNERS/readme.txt': 'not a file\n', 'README.md': '# x\n' });
    git(root, 'init', '-q', '-b', 'main');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'first');
    expect(await loadCodeownersAtRef(root, 'main')).toBeNull();
  });

  it('fails clearly for a ref that does not exist', async () => {
    const root = repoWithHistory();
    expect(await readBlobsAt(root, 'refs/heads/nope', CODEOWNERS_PATHS)).toEqual({ commitFound: false });
  });

  it('fails clearly outside a git repository', async () => {
    const root = tempRepo({ CODEOWNERS: '* @a\n' });
    await expect(readBlobsAt(root, 'main', CODEOWNERS_PATHS)).rejects.toThrow(GitObjectError);
  });

  it('knows the three candidate paths in GitLab order', () => {
    expect(CODEOWNERS_PATHS).toEqual(['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS']);
  });
});
