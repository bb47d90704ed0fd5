import rule from '../../rules/governance-files.js';
import type { ApprovalSubject } from '../../src/approvals/types.js';
import { approvalRuleTester } from '../support/approval-table.js';

const codeowners = '[Controlled Documents]\n/content/security/*.md @alice\n[Policy]\n/.policylint.yml @governor\n/.gitlab-ci.yml @governor\n';
const governance = (path: string, detail?: string): ApprovalSubject => ({ kind: 'governance', path, ownerPaths: [path], line: 1, classes: [], detail });
const config = governance('.policylint.yml');

approvalRuleTester(rule, [
  { name: 'the config changed with its owner approving', subject: config, codeowners, approvals: ['governor'], findings: [] },
  { name: 'the CI config changed with its owner approving', subject: governance('.gitlab-ci.yml'), codeowners, approvals: ['governor'], findings: [] },
  {
    name: 'the config changed without its owner approving',
    subject: config,
    codeowners,
    approvals: ['alice'],
    findings: [
      {
        messageId: 'approvalMissing',
        severity: 'error',
        message: '.policylint.yml changes the policy (a governance file), so it needs 1 more code-owner approval from [Policy]',
      },
    ],
  },
  {
    name: 'a governance file nobody owns',
    subject: governance('.gitlab-ci.yml'),
    codeowners: '[Controlled Documents]\n/content/security/*.md @alice\n',
    findings: [{ messageId: 'noOwners', message: /^\.gitlab-ci\.yml changes the policy \(a governance file\), so it needs a code owner's approval/ }],
  },
  {
    name: 'approvals that could not be read',
    subject: config,
    codeowners,
    unverified: 'the token cannot read approvals',
    findings: [{ messageId: 'notVerified', message: /was not verified: the token cannot read approvals$/ }],
  },
]);
