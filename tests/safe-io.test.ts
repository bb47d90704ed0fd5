import { execFileSync } from 'node:child_process';
import { createReadStream, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReports } from '../src/reporters/write.js';
import { loadCodeowners } from '../src/codeowners/load.js';
import { ConfigError } from '../src/config/errors.js';
import { loadConfig } from '../src/config/load.js';
import { lint, type LintResult } from '../src/engine/run.js';
import { createProjectContext } from '../src/project/context.js';
import { readBytes, RepositoryReader } from '../src/select/read.js';
import { controlledDocument, makeTree } from './support/cli.js';

// A merge request's author can commit symbolic links, and the pipeline posts findings publicly:
// nothing outside the repository may be read (let alone quoted), no special file read, and no
// report written through a link.

const NOW = new Date('2026-11-27');
const SECRET = 'SECRET-7c1e9a';

/** Rules that need git or more than the document are off; links stays on. */
const CONFIG = `extends: gitlab-handbook
include: ['content/**/*.md']
classes:
  controlled-document:
    rules:
      codeowners-coverage: "off"
      review-date: "off"
`;

/** A controlled document full of the secret: its title, a heading, its text. */
const SECRET_DOCUMENT = controlledDocument(SECRET, `\n\n## ${SECRET}\n\n${SECRET} password=hunter2\n`);

/** Files outside any repository: what a link committed in a merge request would point at. */
function outside(): string {
  return makeTree({ 'secret.md': SECRET_DOCUMENT, passwd: `root:x:0:0:${SECRET}:/root:/bin/bash\n`, 'dir/secret.md': SECRET_DOCUMENT }, 'policylint-outside-');
}

function repo(files: Record<string, string> = {}): string {
  return makeTree({ '.policylint.yml': CONFIG, ...files }, 'policylint-safe-io-');
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

describe('documents', () => {
  it('refuses a document linked outside the repository, directly or through a linked folder, and lints links that stay inside', async () => {
    const secrets = outside();
    const root = repo({ 'content/real.md': controlledDocument('Real'), 'policies/nested.md': controlledDocument('Nested') });
    symlinkSync(path.join(secrets, 'secret.md'), path.join(root, 'content/leak.md'));
    symlinkSync(path.join(secrets, 'dir'), path.join(root, 'content/linked'));
    symlinkSync('real.md', path.join(root, 'content/alias.md'));
    symlinkSync('../policies', path.join(root, 'content/inside'));
    // The repository reached through a link of its own, as on a runner whose /tmp is one: links inside still count as inside.
    const viaLink = path.join(outside(), 'checkout');
    symlinkSync(root, viaLink);

    // `files` names them as a merge request's changed paths do (discovery itself does not enter linked folders).
    const result = await lint({
      cwd: viaLink,
      files: ['content/alias.md', 'content/inside/nested.md', 'content/leak.md', 'content/linked/secret.md', 'content/real.md'],
      now: NOW,
    });

    const fileErrors = result.findings.filter((f) => f.ruleId === 'file-error').map((f) => `${f.path}: ${f.message}`);
    expect(fileErrors).toEqual([
      'content/leak.md: Symbolic link pointing outside the repository: not read',
      'content/linked/secret.md: Symbolic link pointing outside the repository: not read',
    ]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(result.filesLinted).toEqual(['content/alias.md', 'content/inside/nested.md', 'content/real.md']);
  });

  it('refuses a FIFO without waiting for a writer, and bounds every read by maxFileBytes', async () => {
    const root = repo();
    mkdirSync(path.join(root, 'content'));
    mkfifo(path.join(root, 'content/pipe.md'));
    symlinkSync('pipe.md', path.join(root, 'content/to-pipe.md'));
    writeFileSync(path.join(root, 'content/big.md'), 'x'.repeat(2000));
    const project = createProjectContext({ root, now: NOW, reader: new RepositoryReader(root, 1024) });
    expect(project.readText('content/pipe.md')).toEqual({ ok: false, message: 'Not a regular file: not read' });
    expect(project.readText('content/to-pipe.md')).toEqual({ ok: false, message: 'Not a regular file: not read' });
    expect(project.readText('content/big.md')).toMatchObject({ ok: false, message: expect.stringMatching(/over the 1 KiB limit/) });

    const result = await lint({ cwd: root, files: ['content/pipe.md'], now: NOW });
    expect(result.findings.map((f) => `${f.path}: ${f.message}`)).toEqual(['content/pipe.md: Not a regular file: not read']);
  });
});

describe('linked pages', () => {
  it('reads no page through a link leading outside: /dev/zero does not hang, a secret is never quoted', async () => {
    const secrets = outside();
    const root = repo({ 'content/doc.md': controlledDocument('Doc', '\n\nSee [zero](/pages/zero/#x) and [secret](/pages/secret/#purpose).') });
    mkdirSync(path.join(root, 'content/pages'));
    symlinkSync('/dev/zero', path.join(root, 'content/pages/zero.md'));
    // It has a "Purpose" heading: read, the link would pass.
    symlinkSync(path.join(secrets, 'secret.md'), path.join(root, 'content/pages/secret.md'));
    // A checkout, as in a pipeline: git lists the links as pages.
    execFileSync('git', ['init', '-q'], { cwd: root });
    const started = Date.now();
    const result = await lint({ cwd: root, now: NOW });
    expect(Date.now() - started).toBeLessThan(5_000);
    // Pages that are not read have unknown anchors: nothing is claimed about them, and nothing of them is quoted.
    expect(result.findings.filter((f) => f.message.includes('pages/'))).toEqual([]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
    const project = createProjectContext({ root, now: NOW });
    expect(project.readText('content/pages/secret.md')).toEqual({ ok: false, message: 'Symbolic link pointing outside the repository: not read' });
    expect(project.readText('content/pages/zero.md')).toEqual({ ok: false, message: 'Symbolic link pointing outside the repository: not read' });
  }, 20_000);
});

describe('work-tree CODEOWNERS', () => {
  it.each([
    ['CODEOWNERS', 'a file outside', (secrets: string, root: string) => symlinkSync(path.join(secrets, 'passwd'), path.join(root, 'CODEOWNERS'))],
    [
      '.gitlab/CODEOWNERS',
      'a folder outside',
      (secrets: string, root: string) => {
        writeFileSync(path.join(secrets, 'dir/CODEOWNERS'), `* @${SECRET}\n`);
        symlinkSync(path.join(secrets, 'dir'), path.join(root, '.gitlab'));
      },
    ],
  ])('is not read when %s is a link to %s, and says so', (where, _kind, link) => {
    const root = repo();
    link(outside(), root);
    const file = loadCodeowners(root)!;
    expect(file.path).toBe(where);
    expect(file.sections.flatMap((section) => section.entries)).toEqual([]);
    expect(file.problems).toEqual([
      {
        kind: 'unreadable-file',
        line: 1,
        column: 1,
        subject: where,
        message: 'CODEOWNERS was not read (symbolic link pointing outside the repository); treated as empty',
      },
    ]);
    expect(JSON.stringify(file)).not.toContain(SECRET);
  });

  it('is read when linked inside the repository, and reported when it is not a regular file', () => {
    const inside = repo({ 'owners/CODEOWNERS': '* @inside\n' });
    symlinkSync('owners/CODEOWNERS', path.join(inside, 'CODEOWNERS'));
    const file = loadCodeowners(inside)!;
    expect(file.problems).toEqual([]);
    expect(file.sections[0]!.entries.map((entry) => entry.owners[0]!.text)).toEqual(['@inside']);

    const fifo = repo();
    mkfifo(path.join(fifo, 'CODEOWNERS'));
    expect(loadCodeowners(fifo)!.problems).toEqual([
      expect.objectContaining({ kind: 'unreadable-file', message: 'CODEOWNERS was not read (not a regular file); treated as empty' }),
    ]);
  });
});

describe('config file', () => {
  it('refuses a FIFO and a config over 1 MiB, and follows a link to a real one', () => {
    const root = repo();
    mkfifo(path.join(root, 'fifo.yml'));
    expect(() => loadConfig(path.join(root, 'fifo.yml'))).toThrow(
      new ConfigError(`Cannot read config ${path.relative(process.cwd(), path.join(root, 'fifo.yml'))}: not a regular file`),
    );
    writeFileSync(path.join(root, 'huge.yml'), `extends: gitlab-handbook\n${'# padding\n'.repeat(120_000)}`);
    expect(() => loadConfig(path.join(root, 'huge.yml'))).toThrow(/over the 1 MiB limit for a config file/);
    symlinkSync('.policylint.yml', path.join(root, 'linked.yml'));
    expect(loadConfig(path.join(root, 'linked.yml')).classes.map((c) => c.name)).toContain('controlled-document');
  });
});

describe('reports', () => {
  async function lintedRepo(): Promise<{ root: string; result: LintResult }> {
    const root = repo({ 'content/doc.md': controlledDocument('Doc').replace('## Scope', '## Scoop') });
    return { root, result: await lint({ cwd: root, now: NOW }) };
  }

  it('replaces a report file that is a link instead of writing through it, and leaves no temporary file', async () => {
    const { root, result } = await lintedRepo();
    const victim = path.join(outside(), 'passwd');
    const before = readFileSync(victim, 'utf8');
    symlinkSync(victim, path.join(root, 'gl-code-quality-report.json'));
    await writeReports(
      result,
      [
        { format: 'codequality', file: 'gl-code-quality-report.json' },
        { format: 'junit', file: 'out/junit.xml' },
      ],
      { cwd: root },
    );
    expect(readFileSync(victim, 'utf8')).toBe(before);
    expect(lstatSync(path.join(root, 'gl-code-quality-report.json')).isFile()).toBe(true);
    expect(JSON.parse(readFileSync(path.join(root, 'gl-code-quality-report.json'), 'utf8'))).toHaveLength(result.findings.length);
    expect(readdirSync(root).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(path.join(root, 'out'))).toEqual(['junit.xml']);
  });

  it('refuses a report folder that is a link, and removes the temporary file when writing fails', async () => {
    const { root, result } = await lintedRepo();
    const elsewhere = path.join(outside(), 'dir');
    symlinkSync(elsewhere, path.join(root, 'reports'));
    const before = readdirSync(elsewhere);
    await expect(writeReports(result, [{ format: 'junit', file: 'reports/junit.xml' }], { cwd: root })).rejects.toThrow(
      new ConfigError('Cannot write report reports/junit.xml: reports is a symbolic link; reports are not written through links'),
    );
    mkdirSync(path.join(root, 'real'));
    symlinkSync(elsewhere, path.join(root, 'real/nested'));
    await expect(writeReports(result, [{ format: 'json', file: 'real/nested/deeper/report.json' }], { cwd: root })).rejects.toThrow(
      /real\/nested is a symbolic link/,
    );
    expect(readdirSync(elsewhere)).toEqual(before);

    // A directory where the report goes: the rename fails, and the temporary file goes with it.
    mkdirSync(path.join(root, 'taken/report.json'), { recursive: true });
    await expect(writeReports(result, [{ format: 'json', file: 'taken/report.json' }], { cwd: root })).rejects.toThrow();
    expect(readdirSync(path.join(root, 'taken'))).toEqual(['report.json']);
  });
});

describe('a report path outside the work tree', () => {
  it('is written into when it is a named pipe or a link the user chose (as -o /dev/null or /dev/stdout), never replaced', async () => {
    const root = repo({ 'content/doc.md': controlledDocument('Doc') });
    const result = await lint({ cwd: root, now: NOW });
    const elsewhere = outside();
    const pipe = path.join(elsewhere, 'pipe');
    execFileSync('mkfifo', [pipe]);
    const received = new Promise<string>((resolve) => {
      let text = '';
      createReadStream(pipe, 'utf8')
        .on('data', (chunk) => (text += chunk))
        .on('end', () => resolve(text));
    });
    await writeReports(result, [{ format: 'json', file: pipe }], { cwd: root });
    expect(JSON.parse(await received)).toHaveLength(result.findings.length);
    expect(lstatSync(pipe).isFIFO()).toBe(true);

    const real = path.join(elsewhere, 'real.json');
    writeFileSync(real, '');
    const link = path.join(elsewhere, 'link.json');
    symlinkSync(real, link);
    await writeReports(result, [{ format: 'json', file: link }], { cwd: root });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(real, 'utf8'))).toHaveLength(result.findings.length);
  });
});

describe('the size limit message', () => {
  it('gives exact bytes when the file and the limit would round to the same size', () => {
    const root = makeTree({ 'a.md': 'x'.repeat(100_001), 'b.md': 'x'.repeat(300_000) });
    expect(readBytes(path.join(root, 'a.md'), 100_000)).toEqual({
      ok: false,
      message: 'File is 100001 bytes, over the 100000-byte limit (maxFileBytes): not linted',
    });
    expect(readBytes(path.join(root, 'b.md'), 100_000)).toEqual({ ok: false, message: 'File is 293 KiB, over the 98 KiB limit (maxFileBytes): not linted' });
  });
});
