import { describe, expect, it } from 'vitest';
import { approvalFindings } from '../src/approvals/findings.js';
import { judgeSubject } from '../src/approvals/judge.js';
import { approvalSubjects, type FileChange } from '../src/approvals/subjects.js';
import type { ApprovalEvidence, ApprovalFacts, ApprovalSubject, Membership } from '../src/approvals/types.js';
import { parseCodeowners } from '../src/codeowners/parse.js';
import { loadConfigText } from '../src/config/load.js';
import { summaryBody } from '../src/gitlab/render.js';
import { AFTER_CHANGE, BEFORE_CHANGE, CHANGED_AT, documentSubject, verifiedEvidence } from './support/approval-table.js';

const CODEOWNERS = parseCodeowners(
  [
    '[Controlled Documents]',
    '/content/security/*.md @alice @acme/security @@maintainer',
    '[Legal][2]',
    '/content/security/privacy.md @lawyer1 @lawyer2 @lawyer3',
    '[Policy]',
    '/.policylint.yml @governor',
    '',
  ].join('\n'),
  'CODEOWNERS',
);

/** Verified evidence for files all last changed at CHANGED_AT. */
function facts(overrides: Partial<ApprovalFacts> = {}, groups: Record<string, Membership> = {}): ApprovalEvidence {
  const changed = ['content/security/access.md', 'content/security/privacy.md', 'content/security/old.md', '.policylint.yml'];
  return verifiedEvidence({ lastChangedAt: new Map(changed.map((path) => [path, CHANGED_AT])), ...overrides }, groups);
}
const policy = { committersMayApprove: false };
const judge = (subject: ApprovalSubject, evidence: ApprovalEvidence) => judgeSubject(subject, CODEOWNERS, evidence, policy, ['.policylint.yml']);
const approval = (userId: number, username: string, approvedAt = AFTER_CHANGE) => ({ userId, username, approvedAt });

describe('judgeSubject', () => {
  it('counts an owner who approved after the last change', () => {
    const verdict = judge(documentSubject('content/security/access.md'), facts({ approvals: [approval(2, 'alice')] }));
    expect(verdict.status).toBe('approved');
    expect(verdict.requirements[0]!.approvers).toEqual([{ username: 'alice', counted: true }]);
  });

  it('never counts the author, committers, stale approvals or ineligible members, and says why', () => {
    const evidence = facts(
      {
        author: { id: 2, username: 'alice' },
        committerIds: new Set([3]),
        approvals: [approval(2, 'alice'), approval(3, 'bob'), approval(4, 'carol', BEFORE_CHANGE), approval(5, 'dave'), approval(6, 'erin')],
        ineligible: new Map([[5, 'project role below Developer']]),
      },
      { '@@maintainer:3': 'yes', '@acme/security:4': 'yes', '@acme/security:5': 'yes' },
    );
    const verdict = judge(documentSubject('content/security/access.md'), evidence);
    expect(verdict.status).toBe('missing');
    expect(Object.fromEntries(verdict.requirements[0]!.approvers.map((a) => [a.username, a.why]))).toEqual({
      alice: 'author of the merge request',
      bob: 'pushed or authored commits of the merge request',
      carol: 'approved before the last change to content/security/access.md',
      dave: 'project role below Developer',
      erin: 'not a code owner of this entry',
    });
    // Committers may be allowed; the author never is.
    const allowed = judgeSubject(documentSubject('content/security/access.md'), CODEOWNERS, evidence, { committersMayApprove: true }, []);
    expect(allowed.status).toBe('approved');
    expect(allowed.requirements[0]!.approvers.filter((a) => a.counted).map((a) => a.username)).toEqual(['bob']);
  });

  it('needs distinct owners up to the section count, and renames need the owners of both paths', () => {
    const privacy = documentSubject('content/security/privacy.md');
    const two = facts({ approvals: [approval(7, 'lawyer1'), approval(8, 'LAWYER2'), approval(2, 'alice')] });
    expect(judge(privacy, two).status).toBe('approved');
    const one = facts({ approvals: [approval(7, 'lawyer1'), approval(2, 'alice')] });
    expect(judge(privacy, one).status).toBe('missing');
    // Renamed from privacy.md into a path [Legal] does not own: Legal must still approve.
    const renamed = documentSubject('content/security/access.md', {
      ownerPaths: ['content/security/privacy.md', 'content/security/access.md'],
      detail: 'renamed from content/security/privacy.md',
    });
    const verdict = judge(renamed, one);
    expect(verdict.requirements.map((r) => [r.section, r.counted, r.needed])).toEqual([
      ['Controlled Documents', 1, 1],
      ['Legal', 1, 2],
    ]);
  });

  it('fails closed: without evidence, or when a group could not be read, the change is not verified', () => {
    const unverified = judge(documentSubject('content/security/access.md'), { verified: false, reason: 'there is no GitLab token', fix: 'Add one.' });
    expect(unverified.status).toBe('not-verified');
    const group = judge(
      documentSubject('content/security/access.md'),
      facts({ approvals: [approval(4, 'carol')] }, { '@acme/security:4': { unverified: '@acme/security is not a group the token can see' } }),
    );
    expect(group.status).toBe('not-verified');
    expect(group.requirements[0]!.unverified).toEqual(['@acme/security is not a group the token can see']);
    // An approval whose time GitLab did not give cannot be told fresh from stale.
    expect(judge(documentSubject('content/security/access.md'), facts({ approvals: [{ userId: 2, username: 'alice', approvedAt: undefined }] })).status).toBe(
      'not-verified',
    );
  });

  it('lets the owners of the config decide for governance files and leaving documents nobody owns', () => {
    const leaving: ApprovalSubject = {
      kind: 'leaves',
      path: 'content/other/x.md',
      ownerPaths: ['content/other/x.md'],
      line: 1,
      classes: ['controlled-document'],
      detail: 'deleted',
    };
    const verdict = judge(leaving, facts({ approvals: [approval(9, 'governor')], lastChangedAt: new Map([['content/other/x.md', CHANGED_AT]]) }));
    expect(verdict).toMatchObject({ ownersOfConfig: true, status: 'approved' });
    // With no owner for the config either, nobody can approve: that is a finding, never a pass.
    const orphan = judgeSubject(leaving, parseCodeowners('', 'CODEOWNERS'), facts(), policy, ['.policylint.yml']);
    expect(orphan.status).toBe('no-owners');
    const config = loadConfigText('extends: gitlab-handbook', '<config>', '/repo');
    expect(approvalFindings([orphan], config, '.policylint.yml')).toMatchObject([{ ruleId: 'codeowners-coverage', severity: 'error', messageId: 'noOwners' }]);
  });
});

describe('approvalFindings', () => {
  const config = loadConfigText('extends: gitlab-handbook', '<config>', '/repo');

  it('reports each kind under its rule, and lowers only unverified approvals when configured', () => {
    const missing = judge(documentSubject('content/security/access.md'), facts());
    const notVerified = judge(documentSubject('content/security/access.md'), { verified: false, reason: 'there is no GitLab token', fix: 'Add one.' });
    const governance = judge(
      { kind: 'governance', path: '.policylint.yml', ownerPaths: ['.policylint.yml'], line: 1, classes: [], detail: undefined },
      facts(),
    );
    const findings = approvalFindings([missing, notVerified, governance], config, '.policylint.yml');
    expect(findings.map((f) => [f.ruleId, f.severity, f.messageId, f.identity])).toEqual([
      ['owner-approval', 'error', 'approvalMissing', 'approvalMissing\0change=content/security/access.md\0section=Controlled Documents'],
      ['owner-approval', 'error', 'notVerified', 'notVerified\0change=content/security/access.md'],
      ['governance-files', 'error', 'approvalMissing', 'approvalMissing\0change=.policylint.yml\0section=Policy'],
    ]);
    expect(findings[1]).toMatchObject({
      message: 'Code-owner approval of content/security/access.md was not verified: there is no GitLab token',
      details: 'Add one.',
    });
    expect(findings[2]!.message).toContain('.policylint.yml changes the policy (a governance file), so it needs 1 more code-owner approval from [Policy]');
    const lenient = loadConfigText('{ extends: gitlab-handbook, mergeRequest: { unverifiedApprovals: warn } }', '<config>', '/repo');
    expect(approvalFindings([missing, notVerified], lenient, '.policylint.yml').map((f) => f.severity)).toEqual(['error', 'warn']);
  });
});

describe('approvalSubjects', () => {
  const classes: Record<string, string> = {
    'content/security/access.md': 'controlled-document',
    'content/security/old.md': 'controlled-document',
    'content/security/flag.md': 'controlled-document',
    'content/security/gone.md': 'controlled-document',
  };
  const headClasses: Record<string, string> = { 'content/security/access.md': 'controlled-document', 'content/security/new.md': 'controlled-document' };
  const subjects = (changes: FileChange[]) =>
    approvalSubjects({
      changes,
      baseClassOf: (path) => classes[path],
      headClassOf: (path) => headClasses[path],
      headUnreadable: () => false,
      titleLineOf: () => 2,
      configPaths: ['.policylint.yml', '.policylint.yaml'],
      governanceFiles: ['.gitlab-ci.yml'],
    }).map((s) => [s.kind, s.path, s.ownerPaths.join(' '), s.detail]);

  it('sees documents controlled on the base or the head, governance files, and documents leaving the set', () => {
    expect(
      subjects([
        { oldPath: 'content/security/access.md', newPath: 'content/security/access.md', status: 'modified' },
        { oldPath: 'content/security/old.md', newPath: 'content/security/old.markdown', status: 'renamed' },
        { oldPath: 'content/security/flag.md', newPath: 'content/security/flag.md', status: 'modified' },
        { oldPath: 'content/security/gone.md', newPath: 'content/security/gone.md', status: 'deleted' },
        { oldPath: 'content/x/new.md', newPath: 'content/security/new.md', status: 'renamed' },
        { oldPath: '.gitlab-ci.yml', newPath: '.gitlab-ci.yml', status: 'modified' },
        { oldPath: '.gitlab/CODEOWNERS', newPath: '.gitlab/CODEOWNERS', status: 'added' },
        { oldPath: 'README.md', newPath: 'README.md', status: 'modified' },
      ]),
    ).toEqual([
      ['governance', '.gitlab-ci.yml', '.gitlab-ci.yml', undefined],
      ['governance', '.gitlab/CODEOWNERS', '.gitlab/CODEOWNERS', undefined],
      ['document', 'content/security/access.md', 'content/security/access.md', undefined],
      [
        'leaves',
        'content/security/flag.md',
        'content/security/flag.md',
        'no longer selected as a controlled document: its front matter or text no longer matches',
      ],
      ['leaves', 'content/security/gone.md', 'content/security/gone.md', 'deleted'],
      ['document', 'content/security/new.md', 'content/x/new.md content/security/new.md', 'renamed from content/x/new.md'],
      [
        'leaves',
        'content/security/old.markdown',
        'content/security/old.md content/security/old.markdown',
        'renamed to content/security/old.markdown, which the policy does not select',
      ],
    ]);
  });
});

describe('the summary table', () => {
  /** GFM's table row scan: a cell runs over escaped characters (`\` and the next one) and anything but `|`. */
  const cells = (row: string) => row.slice(1, -1).match(/(?:\\.|[^|\\])+/g)!;

  it('keeps every row to its four cells and every quoted name inert, whatever a path holds', () => {
    const hostile = 'content/a\\|b @root |c`x`|.md';
    const verdict = judge(documentSubject(hostile, { ownerPaths: ['content/security/access.md'] }), facts({ approvals: [approval(2, 'alice')] }));
    const body = summaryBody({ listed: [], threaded: 0, documents: 1, commit: undefined, notes: [], approvals: [verdict] });
    const rows = body.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| ---') && !line.startsWith('| Change'));
    expect(rows).toHaveLength(1);
    expect(cells(rows[0]!)).toHaveLength(4);
    expect(rows[0]).not.toMatch(/@root|@alice/);
    expect(rows[0]).toContain('approved');
  });
});
