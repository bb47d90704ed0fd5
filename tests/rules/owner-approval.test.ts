import rule from '../../rules/owner-approval.js';
import { approvalRuleTester, BEFORE_CHANGE, documentSubject } from '../support/approval-table.js';

const codeowners =
  '[Controlled Documents]\n/content/security/*.md @alice @acme/security\n[Legal][2]\n/content/security/privacy.md @lawyer1 @lawyer2 @lawyer3\n';
const access = documentSubject('content/security/access.md');
const privacy = documentSubject('content/security/privacy.md');

approvalRuleTester(rule, [
  { name: 'an owner approved after the last change', subject: access, codeowners, approvals: ['alice'], findings: [] },
  { name: 'a group member approved', subject: access, codeowners, approvals: ['carol'], groups: { '@acme/security:100': 'yes' }, findings: [] },
  { name: 'as many distinct owners as the section needs', subject: privacy, codeowners, approvals: ['lawyer1', 'LAWYER2', 'alice'], findings: [] },
  {
    name: 'no approval',
    subject: access,
    codeowners,
    findings: [
      { messageId: 'approvalMissing', severity: 'error', message: 'content/security/access.md needs 1 more code-owner approval from [Controlled Documents]' },
    ],
  },
  {
    name: 'an approval from before the last change',
    subject: access,
    codeowners,
    approvals: [{ username: 'alice', approvedAt: BEFORE_CHANGE }],
    findings: [{ messageId: 'approvalMissing' }],
  },
  {
    name: 'the author approving their own change',
    subject: access,
    codeowners,
    approvals: ['alice'],
    facts: { author: { id: 100, username: 'alice' } },
    findings: [{ messageId: 'approvalMissing' }],
  },
  {
    name: 'fewer owners than the section needs',
    subject: privacy,
    codeowners,
    approvals: ['lawyer1', 'alice'],
    findings: [{ messageId: 'approvalMissing', message: /needs 1 more code-owner approval from \[Legal\]/ }],
  },
  {
    name: 'a renamed document needs the owners of its old path too',
    subject: documentSubject('content/security/access.md', {
      ownerPaths: ['content/security/privacy.md', 'content/security/access.md'],
      detail: 'renamed from content/security/privacy.md',
    }),
    codeowners,
    approvals: ['lawyer1', 'alice'],
    findings: [{ messageId: 'approvalMissing', message: /\[Legal\]/ }],
  },
  {
    name: 'approvals that could not be read',
    subject: access,
    codeowners,
    unverified: 'there is no GitLab token',
    findings: [
      { messageId: 'notVerified', severity: 'error', message: 'Code-owner approval of content/security/access.md was not verified: there is no GitLab token' },
    ],
  },
  {
    name: 'unverified approvals as warnings when configured',
    subject: access,
    codeowners,
    unverified: 'there is no GitLab token',
    config: '{ extends: gitlab-handbook, mergeRequest: { unverifiedApprovals: warn } }',
    findings: [{ messageId: 'notVerified', severity: 'warn' }],
  },
  {
    name: 'a group that could not be read, when its member might count',
    subject: access,
    codeowners,
    approvals: ['carol'],
    groups: { '@acme/security:100': { unverified: '@acme/security is not a group the token can see' } },
    findings: [{ messageId: 'approvalNotVerified', message: /could not be verified/ }],
  },
]);
