// `policylint mr`: lint what a merge request changes, write the reports, then publish to the MR.
// Reports come first so a GitLab outage loses no findings.
import { dirname, relative } from 'node:path';
import { loadCodeownersAtRef } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import type { ReportTarget } from '../cli/report-targets.js';
import { renderReport, writeReports } from '../cli/output.js';
import { lint, resolveConfigFile, type LintResult } from '../engine/run.js';
import type { Finding } from '../engine/types.js';
import { findGitRoot } from '../git/exec.js';
import type { FormatName } from '../reporters/index.js';
import type { MergeRequestInfo } from '../project/types.js';
import { fetchApprovedBy, ownersFor, resolveOwnerMembers, targetCodeownersRef } from './approvals.js';
import { changedFilesFromApi, changedFilesFromGit, changedPaths, fillHunksFromGit, relativeTo, selectFilesToLint } from './changes.js';
import { createGitLabClient, type GitLabApi, type RetryPolicy } from './client.js';
import type { ChangedFile } from './diff.js';
import { publishFindings } from './publish.js';
import { describeError, redact } from './redact.js';
import { APPROVAL_RECHECK_NOTE } from './messages.js';
import { neutralise } from './sanitize.js';
import { readMergeRequestSettings, type MergeRequestFlags, type MergeRequestSettings } from './settings.js';

export const OWNER_APPROVAL_RULE = 'owner-approval';

/** Exit codes: findings decide 0/1; 2 is a usage/config error; 3 a publishing failure when `failOnPublishError` is on. */
export const MR_EXIT = { ok: 0, findings: 1, usage: 2, publishFailed: 3 } as const;

export interface MergeRequestRunOptions extends MergeRequestFlags {
  cwd: string;
  env: NodeJS.ProcessEnv;
  now: Date;
  configPath?: string;
  /** Report files written before anything is published. */
  reports: ReportTarget[];
  /** Format printed to stdout. */
  format: FormatName;
  /** Only re-check code-owner approvals of the changed documents; publishes nothing. */
  checkApprovals?: boolean;
  /** Print what would be published instead of publishing. */
  dryRun?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Tests make retries instant. */
  retry?: Partial<RetryPolicy>;
}

export async function runMergeRequest(options: MergeRequestRunOptions): Promise<number> {
  const settings = readMergeRequestSettings(options, options.env);
  const secrets = settings.token ? [settings.token] : [];
  const say = (line: string) => options.stderr(`${redact(line, secrets)}\n`);

  const gitRoot = await findGitRoot(options.cwd);
  if (!gitRoot) {
    say(`policylint mr: ${options.cwd} is not in a git work tree; the job needs the repository checked out (GIT_DEPTH: "0")`);
    return MR_EXIT.usage;
  }
  const fork = settings.sourceProjectId !== undefined && settings.sourceProjectId !== settings.projectId;
  let api: GitLabApi | null = null;
  if (fork) say('policylint mr: fork merge request (source project differs): writing reports only, nothing is published');
  else if (!settings.token) say(`policylint mr: no GitLab token (${settings.tokenSource} is not set): writing reports only, nothing is published`);
  else api = createGitLabClient({ host: settings.serverUrl, token: settings.token, retry: options.retry });

  const gitRange = { gitRoot, base: settings.baseSha ?? `refs/remotes/origin/${settings.targetBranch}`, head: settings.headSha ?? 'HEAD' };
  let changes: ChangedFile[];
  let apiReachable = api !== null;
  try {
    changes = api ? await changedFilesFromApi(api, settings.projectId, settings.iid) : await changedFilesFromGit(gitRange);
  } catch (error) {
    if (!api) throw error;
    say(`policylint mr: cannot read the merge request from GitLab (${describeError(error, secrets)}); taking the changes from git and writing reports only`);
    apiReachable = false;
    changes = await changedFilesFromGit(gitRange);
  }
  if (changes.some((file) => file.diff === null && file.status !== 'deleted')) {
    // Collapsed or too-large diffs: without hunks their findings simply go into the summary.
    changes = await fillHunksFromGit(gitRange, changes).catch((error: unknown) => {
      say(`policylint mr: cannot read collapsed diffs from git (${describeError(error, secrets)}); their findings go into the summary`);
      return changes;
    });
  }
  const online = apiReachable ? api : null;

  const source = await targetCodeownersRef({ gitRoot, targetBranch: settings.targetBranch, api: online, projectId: settings.projectId, baseSha: settings.baseSha }).catch((error: unknown) => {
    say(`policylint mr: cannot read CODEOWNERS of ${settings.targetBranch} (${describeError(error, secrets)}); using the work tree's`);
    return null;
  });
  const targetCodeowners = source ? await loadCodeownersAtRef(gitRoot, source.ref) : null;

  // The engine and its rules see paths relative to the config's directory.
  const configFile = resolveConfigFile({ cwd: options.cwd, configPath: options.configPath });
  const fromConfigDir = (paths: readonly string[]) =>
    paths.map((path) => relativeTo(dirname(configFile), gitRoot, path)).filter((path): path is string => path !== undefined);
  const paths = changedPaths(changes);
  const mergeRequest = online ? await mergeRequestInfo(online, settings, paths, fromConfigDir(paths), targetCodeowners).catch((error: unknown) => {
    say(`policylint mr: code-owner approvals are not checked: cannot read them from GitLab (${describeError(error, secrets)})`);
    return undefined;
  }) : undefined;
  if (!online) say('policylint mr: code-owner approvals are not checked without GitLab API access');

  const selection = await selectFilesToLint({ gitRoot, changes, configFile: relative(gitRoot, configFile).split('\\').join('/'), targetCodeowners });
  if (!options.checkApprovals) for (const reason of selection.reasons) say(`policylint mr: ${reason}`);
  const lintAll = selection.files === 'all' && !options.checkApprovals;
  const files = fromConfigDir(selection.files === 'all' ? changes.filter((c) => c.status !== 'deleted').map((c) => c.newPath) : selection.files);

  let result: LintResult = await lint({
    cwd: options.cwd,
    configPath: options.configPath,
    files: lintAll ? undefined : files,
    now: options.now,
    mergeRequest,
    codeownersRef: source?.ref,
  });
  if (options.checkApprovals) result = { ...result, findings: result.findings.filter((f) => f.ruleId === OWNER_APPROVAL_RULE) };

  await writeReports(result, options.reports, { cwd: options.cwd });
  options.stdout(renderReport(result, options.format, { color: false }));
  const exitCode = result.findings.some((f) => f.severity === 'error') ? MR_EXIT.findings : MR_EXIT.ok;
  if (!online || options.checkApprovals) return exitCode;

  try {
    const published = await publishFindings({
      api: online,
      projectId: settings.projectId,
      iid: settings.iid,
      findings: result.findings,
      changes,
      documents: result.filesLinted.length,
      maxInlineThreads: result.config.mergeRequest.maxInlineThreads,
      notes: approvalNotes(result.findings, source?.description),
      dryRun: options.dryRun,
    });
    if (options.dryRun) {
      say(`policylint mr: dry run, nothing published. Would:\n${published.actions.map((a) => `  - ${a}`).join('\n') || '  (change nothing)'}`);
      options.stdout(`${published.summaryBody}\n`);
    } else {
      const { created, resolved, open } = published.threads;
      say(`policylint mr: published to !${settings.iid}: ${open} open thread(s) (${created} new, ${resolved} resolved), ${published.listedInSummary} finding(s) in the summary`);
    }
  } catch (error) {
    say(`policylint mr: warning: could not publish to the merge request: ${describeError(error, secrets)}. The findings are in the job's reports.`);
    if (result.config.mergeRequest.failOnPublishError) return MR_EXIT.publishFailed;
  }
  return exitCode;
}

/** Approvals and the members behind group and role owners of the changed paths. */
async function mergeRequestInfo(
  api: GitLabApi,
  settings: MergeRequestSettings,
  gitRootPaths: string[],
  changedPaths: string[],
  targetCodeowners: CodeownersFile | null,
): Promise<MergeRequestInfo> {
  const owners = targetCodeowners ? ownersFor(targetCodeowners, gitRootPaths) : [];
  return {
    projectId: settings.projectId,
    iid: settings.iid,
    targetBranch: settings.targetBranch,
    diffBaseSha: settings.baseSha,
    headSha: settings.headSha,
    approvedBy: await fetchApprovedBy(api, settings.projectId, settings.iid),
    ownerMembers: await resolveOwnerMembers(api, settings.projectId, owners),
    changedPaths,
  };
}

function approvalNotes(findings: readonly Finding[], codeownersSource: string | undefined): string[] {
  if (!findings.some((f) => f.ruleId === OWNER_APPROVAL_RULE)) return [];
  return [`Code-owner approvals follow CODEOWNERS from ${neutralise(codeownersSource ?? 'the target branch')}. ${APPROVAL_RECHECK_NOTE}`];
}
