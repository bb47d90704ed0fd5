// exception-expiry reads the exceptions' issues from the fake GitLab on 127.0.0.1 with the token and
// URL a CI job has (GITLAB_TOKEN, CI_SERVER_URL); without them it says once that nothing was checked.
import { afterAll, beforeAll, describe, vi } from 'vitest';
import rule from '../../rules/exception-expiry.js';
import { startFakeGitLab, type FakeGitLab } from '../fake-gitlab/server.js';
import { TOKEN } from '../mr-fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const EXCEPTIONS_PROJECT = 50;

/** A policy whose Exceptions section (line 3) grants one exception per line given, from line 5. */
const policy = (...grants: string[]) => `# Backup Policy\n\n## Exceptions\n\n${grants.join('\n\n')}\n`;
const grant = (reference: string) => `The analytics database has been granted an exception to daily backups (${reference}).`;

let fake: FakeGitLab;

/** The exceptions project's issues on the tester's today, 2026-11-27. */
function seedIssues(): void {
  const add = (title: string, fields: { state?: 'closed'; due_date?: string | null; labels?: string[] }) => {
    const issue = fake.state.addIssue({
      project_id: EXCEPTIONS_PROJECT,
      title,
      description: '',
      author_id: 1,
      assignee_ids: [],
      labels: fields.labels ?? ['exception'],
      due_date: fields.due_date === undefined ? '2027-06-30' : fields.due_date,
    });
    if (fields.state) issue.state = fields.state;
  };
  add('#1 open until next summer', {});
  add('#2 closed', { state: 'closed' });
  add('#3 expired', { due_date: '2026-11-01' });
  add('#4 expires in 10 days', { due_date: '2026-12-07' });
  add('#5 no due date', { due_date: null });
  add('#6 not an exception', { due_date: '2026-01-01', labels: ['discussion'] });
}

describe('with a token', () => {
  beforeAll(async () => {
    fake = await startFakeGitLab({
      users: [{ id: 1, username: 'policylint-bot', bot: true }],
      tokens: [{ token: TOKEN, user_id: 1, scopes: ['read_api'] }],
      projects: [{ id: EXCEPTIONS_PROJECT, path_with_namespace: 'acme/exceptions' }],
    });
    seedIssues();
    vi.stubEnv('GITLAB_TOKEN', TOKEN);
    vi.stubEnv('POLICYLINT_GITLAB_TOKEN', '');
    vi.stubEnv('CI_SERVER_URL', fake.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await fake.close();
  });

  const project = { project: 'acme/exceptions', labels: ['exception'] };
  ruleTester(rule, {
    valid: [
      { name: 'an open exception due after the warning window', source: policy(grant('acme/exceptions#1')), options: project },
      { name: 'a bare #1 is an issue of `project`', source: policy(grant('#1')), options: project },
      { name: 'an issue without the exception labels is no tracked exception', source: policy(grant('acme/exceptions#6')), options: project },
      { name: 'an issue of another project is no tracked exception', source: policy(grant('acme/handbook#3')), options: project },
      { name: 'no due date, when none is required', source: policy(grant('acme/exceptions#5')), options: { ...project, requireDueDate: false } },
      { name: 'due in 10 days, warned 7 days ahead', source: policy(grant('acme/exceptions#4')), options: { ...project, warnDays: 7 } },
      'A policy that cites no exception.\n',
    ],
    invalid: [
      {
        name: 'closed, expired, expiring, without a due date and missing issues, each on its citation',
        source: policy(grant('acme/exceptions#2'), grant('#3'), grant('acme/exceptions#4'), grant('#5'), grant('#99')),
        options: project,
        errors: [
          { messageId: 'closed', line: 5, column: 72, data: { reference: 'acme/exceptions#2' }, severity: 'error' },
          { messageId: 'expired', line: 7, data: { reference: '#3', due: '2026-11-01' }, details: /was due 26 days ago/ },
          { messageId: 'expiresSoon', line: 9, data: { reference: 'acme/exceptions#4', due: '2026-12-07' }, details: /^In 10 days/, severity: 'warn' },
          { messageId: 'noDueDate', line: 11, data: { reference: '#5' } },
          { messageId: 'notFound', line: 13, data: { reference: '#99' } },
        ],
      },
      {
        name: 'an issue URL, in a reference-style link',
        source: policy('Legacy backups are exempt from this policy, see [the exception][x].', `[x]: ${'{{URL}}'}/acme/exceptions/-/issues/3`).replace(
          '{{URL}}',
          'https://gitlab.example.com',
        ),
        options: project,
        errors: [{ messageId: 'unresolved', line: 5, details: /on gitlab\.example\.com, not on the GitLab instance/ }],
      },
      {
        name: 'every cited issue is tracked when neither project nor references is set',
        source: policy(grant('acme/exceptions#2')),
        errors: [{ messageId: 'closed', line: 5 }],
      },
      {
        name: 'references select tracked exceptions among other citations',
        source: policy(grant('acme/exceptions#3'), grant('acme/exceptions#2')),
        options: { references: ['/#3$/'] },
        errors: [{ messageId: 'expired', line: 5 }],
      },
    ],
    invalidOptions: [
      { options: { warnDays: -1 }, error: /too_small|>=0/ },
      { options: { project: '' }, error: /too_small|>=1/ },
      { options: { references: ['/(/'] }, error: /regular expression|Invalid/i },
    ],
  });
});

describe('with a token GitLab refuses', () => {
  beforeAll(async () => {
    fake = await startFakeGitLab({ projects: [{ id: EXCEPTIONS_PROJECT, path_with_namespace: 'acme/exceptions' }] });
    vi.stubEnv('GITLAB_TOKEN', 'glpat-revoked-token-0123456789abcdef');
    vi.stubEnv('CI_SERVER_URL', fake.url);
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await fake.close();
  });

  ruleTester(rule, {
    valid: ['A policy that cites no exception.\n'],
    invalid: [
      {
        name: 'one finding for the run, failing closed, the token not shown',
        files: { 'a.md': policy(grant('acme/exceptions#1')), 'b.md': policy(grant('acme/exceptions#2')) },
        options: { project: 'acme/exceptions' },
        errors: [{ messageId: 'readFailed', path: 'a.md', line: 5, severity: 'error', details: /^(?![^]*glpat-revoked)[^]*401[^]*The token was refused/ }],
      },
    ],
  });
});
