import { Option } from 'commander';
import { APPROVAL_RECHECK_NOTE } from '../../gitlab/messages.js';
import type { MergeRequestFlags } from '../../gitlab/settings.js';
import { FORMATS, type FormatName } from '../../reporters/formats.js';
import type { ReportTarget } from '../../reporters/write.js';
import { collectReportTarget } from '../report-targets.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

export interface MrFlags extends MergeRequestFlags {
  config?: string;
  now?: string;
  report: ReportTarget[];
  format: FormatName;
  checkApprovals?: boolean;
  checkSettings?: boolean;
  dryRun?: boolean;
}

/** `policylint mr`, also what a bare `policylint` means in a merge-request pipeline (see lint's `meansMergeRequest`). */
export const mrCommand: CliCommand<MrFlags> = {
  name: 'mr',
  define: (command) =>
    command
      .description('Lint what a GitLab merge request changes, write reports, then post one summary comment and diff threads (run in merge-request pipelines)')
      .option('-c, --config <file>', 'config file (default: .policylint.yml found from the current directory upwards)')
      .option('--now <date>', 'treat this date as today (also POLICYLINT_NOW)')
      .option(
        '--report <format=file>',
        `write a report before publishing, e.g. codequality=gl-code-quality-report.json (repeatable; formats: ${FORMATS.join(', ')})`,
        collectReportTarget,
        [],
      )
      .addOption(new Option('-f, --format <format>', 'output format on stdout').choices(FORMATS).default('stylish'))
      .option('--check-approvals', 'only re-check code-owner approvals of the changed documents; publishes nothing, exits 1 while approvals are missing')
      .option(
        '--check-settings',
        'only check the GitLab settings the control relies on (approval settings, protected branch, pipeline and CI config); exits 1 when one is off or unknown',
      )
      .option('--dry-run', 'print what would be published instead of publishing')
      .option('--server-url <url>', 'GitLab instance URL (default: $CI_SERVER_URL, else $CI_API_V4_URL without /api/v4)')
      .option('--project <id>', 'project ID or path of the merge request (default: $CI_MERGE_REQUEST_PROJECT_ID, else $CI_PROJECT_ID)')
      .option('--mr <iid>', 'merge request IID (default: $CI_MERGE_REQUEST_IID)')
      .option('--base-sha <sha>', 'diff base commit (default: $CI_MERGE_REQUEST_DIFF_BASE_SHA)')
      .option('--target-branch <name>', 'target branch, whose CODEOWNERS applies (default: $CI_MERGE_REQUEST_TARGET_BRANCH_NAME)')
      .option('--head-sha <sha>', 'commit under review (default: $CI_COMMIT_SHA)')
      .option('--source-project <id>', 'source project ID; a fork gets reports only (default: $CI_MERGE_REQUEST_SOURCE_PROJECT_ID)')
      .option(
        '--token-env <name>',
        'environment variable holding the API token (default: GITLAB_TOKEN, then POLICYLINT_GITLAB_TOKEN). There is no flag for the token itself: command lines end up in shell history and process lists',
      )
      .addHelpText(
        'after',
        `\n${APPROVAL_RECHECK_NOTE}\nThe policy and CODEOWNERS are read from the target branch, never from the merge request: see docs/security.md.\nSee docs/gitlab-ci.md for the CI/CD component and token setup.`,
      ),

  async run(_operands, { report, now, ...flags }) {
    // Loaded on use: the GitLab client is the heaviest part of policylint and most runs never need it.
    const { runMergeRequest } = await import('../../gitlab/run.js');
    return runMergeRequest({
      ...flags,
      cwd: process.cwd(),
      env: process.env,
      now: parseNow(now),
      reports: report,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
  },
};
