// `policylint exceptions` over real files, reading the exceptions' issues from the fake GitLab on
// 127.0.0.1 with the real gitbeaker client.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runExceptionsCommand, type ExceptionsCommandInput } from '../src/cli/commands/exceptions.js';
import type { ExceptionEntry } from '../src/exceptions/build.js';
import { startFakeGitLab, type FakeGitLab } from './fake-gitlab/server.js';
import { fastRetry, TOKEN } from './mr-fixtures.js';
import { controlledDocument, makeTree, removeTrees } from './support/cli.js';

const EXCEPTIONS_PROJECT = 50;
const NOW = '2026-11-27';
const CONFIG = `extends: gitlab-handbook
classes:
  controlled-document:
    rules:
      exception-expiry: [error, { project: acme/exceptions, labels: [exception], warnDays: 14 }]
`;
const BACKUP_GRANT = 'The analytics database has been granted an exception to daily backups, until its migration (acme/exceptions#1).';
const ACCESS_GRANT = 'The on-call team is exempt from this policy for break-glass accounts (#2, https://gitlab.example.com/acme/handbook/-/issues/9).';

let fake: FakeGitLab;
let root: string;

function addIssue(due: string | null, labels = ['exception']) {
  return fake.state.addIssue({ project_id: EXCEPTIONS_PROJECT, title: 'Exception', description: '', author_id: 1, assignee_ids: [], labels, due_date: due });
}

beforeEach(async () => {
  fake = await startFakeGitLab({
    users: [{ id: 1, username: 'policylint-bot', bot: true }],
    tokens: [{ token: TOKEN, user_id: 1, scopes: ['read_api'] }],
    projects: [{ id: EXCEPTIONS_PROJECT, path_with_namespace: 'acme/exceptions' }],
  });
  addIssue('2027-06-30');
  addIssue('2026-12-01').state = 'closed';
  root = makeTree({
    '.policylint.yml': CONFIG,
    'content/backup.md': controlledDocument('Backup', `\n\n${BACKUP_GRANT}`),
    'content/access.md': controlledDocument('Access', `\n\n${ACCESS_GRANT}`),
  });
});

afterEach(async () => {
  await fake.close();
  removeTrees();
});

const WITH_TOKEN = () => ({ GITLAB_TOKEN: TOKEN, CI_SERVER_URL: fake.url });

async function exceptions(format: ExceptionsCommandInput['format'], env: NodeJS.ProcessEnv = {}, extra: Partial<ExceptionsCommandInput> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runExceptionsCommand({
    cwd: root,
    paths: [],
    now: NOW,
    format,
    env,
    retry: fastRetry(),
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    ...extra,
  });
  return { code, stdout, stderr };
}

/** The line the text is on in controlledDocument(…, extra). */
const lineOf = (text: string) =>
  controlledDocument('X', `\n\n${text}`)
    .split('\n')
    .findIndex((line) => line.includes(text)) + 1;

describe('without a token', () => {
  it('lists every tracked exception with its document, line and sentence, and says the issues were not read', async () => {
    const { code, stdout, stderr } = await exceptions('json');
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as { schemaVersion: number; asOf: string; unchecked: string; exceptions: ExceptionEntry[] };
    expect(json).toMatchObject({ schemaVersion: 1, asOf: NOW, unchecked: 'no GitLab token (GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set)' });
    // The handbook's issue #9 is no exception: only acme/exceptions is the tracker.
    expect(json.exceptions).toEqual([
      {
        reference: '#2',
        issue: 'acme/exceptions#2',
        path: 'content/access.md',
        title: 'Access',
        line: lineOf(ACCESS_GRANT),
        sentence: ACCESS_GRANT,
        state: null,
        dueDate: null,
        labels: null,
        webUrl: null,
        status: 'unchecked',
        daysLeft: null,
      },
      expect.objectContaining({
        reference: 'acme/exceptions#1',
        path: 'content/backup.md',
        line: lineOf(BACKUP_GRANT),
        sentence: BACKUP_GRANT,
        status: 'unchecked',
      }),
    ]);
    expect(stderr).toContain('no GitLab token (GITLAB_TOKEN or POLICYLINT_GITLAB_TOKEN is not set): issues not read');
    expect(fake.requests).toEqual([]);
  });

  it('writes RFC 4180 CSV, a Markdown table and an aligned text table', async () => {
    const csv = (await exceptions('csv')).stdout;
    expect(csv.split('\r\n')[0]).toBe('Reference,Issue,Document,Line,State,Due date,Labels,Status,Sentence');
    expect(csv).toContain(`acme/exceptions#1,acme/exceptions#1,content/backup.md,${lineOf(BACKUP_GRANT)},,,,unchecked,"${BACKUP_GRANT}"\r\n`);
    expect(csv.endsWith('\r\n')).toBe(true);
    const markdown = (await exceptions('markdown')).stdout;
    expect(markdown.split('\n').slice(0, 2)).toEqual([
      '| Reference | Issue | Document | Line | State | Due date | Labels | Status | Sentence |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ]);
    expect(markdown).toContain(`| #2 | acme/exceptions#2 | content/access.md | ${lineOf(ACCESS_GRANT)} |  |  |  | unchecked | ${ACCESS_GRANT} |`);
    const text = (await exceptions('text')).stdout;
    expect(text).toMatch(/^REFERENCE +ISSUE +DOCUMENT +LINE +STATE +DUE DATE +LABELS +STATUS +SENTENCE\n/);
    expect(text).toContain('2 tracked exceptions cited in 2 documents as of 2026-11-27; issues not read: no GitLab token');
  });

  it('writes the list to --output', async () => {
    const { stdout } = await exceptions('csv', {}, { output: 'reports/exceptions.csv' });
    expect(stdout).toBe('');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(`${root}/reports/exceptions.csv`, 'utf8')).toContain('content/backup.md');
  });
});

describe('with a token', () => {
  it("adds each issue's state, due date and labels, and judges its expiry", async () => {
    const { code, stdout, stderr } = await exceptions('json', WITH_TOKEN());
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const json = JSON.parse(stdout) as { unchecked: null; exceptions: ExceptionEntry[] };
    expect(json.unchecked).toBeNull();
    expect(json.exceptions).toMatchObject([
      {
        reference: '#2',
        state: 'closed',
        dueDate: '2026-12-01',
        labels: ['exception'],
        status: 'closed',
        daysLeft: 4,
        webUrl: `${fake.url}/acme/exceptions/-/issues/2`,
      },
      { reference: 'acme/exceptions#1', state: 'opened', dueDate: '2027-06-30', status: 'open', daysLeft: 215 },
    ]);
    const text = (await exceptions('text', WITH_TOKEN())).stdout;
    expect(text).toContain(
      '2 tracked exceptions cited in 2 documents as of 2026-11-27: 0 expired, 0 expiring soon, 1 closed, 0 without a due date, 0 not found, 1 open',
    );
  });

  it('leaves out a cited issue without the exception labels', async () => {
    fake.state.issues.find((issue) => issue.iid === 1)!.labels = ['discussion'];
    const json = JSON.parse((await exceptions('json', WITH_TOKEN())).stdout) as { exceptions: ExceptionEntry[] };
    expect(json.exceptions.map((entry) => entry.reference)).toEqual(['#2']);
  });

  it('reads the issues in batches of 100 iids, each issue once per run', async () => {
    for (let iid = 3; iid <= 150; iid++) addIssue(iid % 2 === 0 ? '2026-12-05' : null);
    const citing = Array.from({ length: 150 }, (_, index) => `acme/exceptions#${index + 1}`).join(', ');
    // Cited twice: by a third document, and again by the first.
    root = makeTree({
      '.policylint.yml': CONFIG,
      'content/all.md': controlledDocument('All', `\n\nThese services are exempt from this policy: ${citing}.`),
      'content/backup.md': controlledDocument('Backup', `\n\n${BACKUP_GRANT}`),
    });
    const { code, stdout } = await exceptions('json', WITH_TOKEN());
    expect(code).toBe(0);
    const listed = (JSON.parse(stdout) as { exceptions: ExceptionEntry[] }).exceptions;
    expect(listed).toHaveLength(151);
    expect(listed.filter((entry) => entry.status === 'expires-soon')).toHaveLength(74);
    expect(listed.filter((entry) => entry.status === 'no-due-date')).toHaveLength(74);
    const reads = fake.requests.filter((request) => request.path === '/api/v4/projects/acme%2Fexceptions/issues');
    expect(reads.map((request) => request.status)).toEqual([200, 200]);
  });

  it('retries a 429 and a 502, then lists as usual', async () => {
    fake.faults.status(429, { path: 'projects/*/issues', retryAfter: 1 }).status(502, { path: 'projects/*/issues' });
    const { code, stdout } = await exceptions('json', WITH_TOKEN());
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { exceptions: ExceptionEntry[] }).exceptions.map((entry) => entry.status)).toEqual(['closed', 'open']);
    expect(fake.requests.map((request) => request.status)).toEqual([429, 502, 200]);
  });

  it('fails closed when GitLab keeps failing: exit 3, nothing listed, what to do, the token never shown', async () => {
    fake.faults.status(503, { path: 'projects/*/issues', times: Infinity, body: { message: `upstream rejected ${TOKEN}` } });
    const { code, stdout, stderr } = await exceptions('text', WITH_TOKEN());
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^policylint exceptions: exception issues not read, expiry not checked: GitLab API GET projects\/acme\/exceptions\/issues failed after 4 attempts: 503 upstream rejected \[REDACTED\]\. Re-run once GitLab answers again\.\n$/,
    );
    expect(stderr).not.toContain(TOKEN);
  });

  it('says how to fix a refused token', async () => {
    const { code, stderr } = await exceptions('text', { ...WITH_TOKEN(), GITLAB_TOKEN: 'glpat-revoked-token-0123456789abcdef' });
    expect(code).toBe(3);
    expect(stderr).toContain('401 401 Unauthorized. The token was refused: it is invalid, revoked or expired; renew it.');
    expect(stderr).not.toContain('glpat-revoked');
  });
});
