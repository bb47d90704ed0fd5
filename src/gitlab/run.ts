// `policylint mr`: the control a merge request cannot switch off. In order:
//   trusted inputs  — the policy (config, CODEOWNERS) from the target branch, and what was controlled on the base;
//   lint the head   — the changed files, under that policy;
//   compare         — which changes need code-owner approval, and whether GitLab's record shows it;
//   report/publish  — reports first (a GitLab outage loses no findings), then the merge request.
import { posix } from 'node:path';
import { approvalFindings, APPROVAL_RULES, severityFor } from '../approvals/findings.js';
import { judgeSubject, requirementsOf, type SubjectVerdict } from '../approvals/judge.js';
import { approvalSubjects } from '../approvals/subjects.js';
import type { ApprovalEvidence } from '../approvals/types.js';
import governanceFiles from '../../rules/governance-files.js';
import { reportInput, writeReports, type ReportTarget } from '../reporters/write.js';
import { ConfigError } from '../config/errors.js';
import { loadConfigText, MAX_CONFIG_BYTES } from '../config/load.js';
import { RepositoryReader } from '../select/read.js';
import { compareFindings, docsUrl, draftFinding, finalizeFindings, type DraftFinding } from '../engine/findings.js';
import { FILE_ERROR_RULE } from '../engine/documents.js';
import { summarizeRule } from '../engine/rules.js';
import { lint, type LintResult } from '../engine/run.js';
import type { Finding } from '../engine/types.js';
import { findGitRoot, git } from '../git/exec.js';
import { formatReport, type FormatName } from '../reporters/index.js';
import { compareCodeUnits } from '../util/paths.js';
import { gatherApprovalEvidence, MR_API_FIXES } from './approvals.js';
import { changedFilesFromApi, changedFilesFromGit, completeChanges, fillHunksFromGit, relativeTo, selectFilesToLint, type GitRange } from './changes.js';
import { createGitLabClient, fixForApiError, type GitLabApi, type RetryPolicy } from './client.js';
import type { ChangedFile } from './diff.js';
import { APPROVAL_RECHECK_NOTE } from './messages.js';
import { checkProjectSettings, describeSettingCheck, type SettingCheck } from './project-settings.js';
import { publishFindings } from './publish.js';
import { describeError, redact } from './redact.js';
import { neutralise } from './sanitize.js';
import { readMergeRequestSettings, type MergeRequestFlags, type MergeRequestSettings } from './settings.js';
import { resolveTrustedInputs, TrustError, type TrustedInputs } from './trusted.js';

/** Exit codes: findings decide 0/1 (an unverifiable policy is a finding: 1); 2 is a usage error; 3 a publishing failure when `failOnPublishError` is on. */
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
  /** Only check the GitLab settings the control relies on. */
  checkSettings?: boolean;
  /** Print what would be published instead of publishing. */
  dryRun?: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Tests make retries instant. */
  retry?: Partial<RetryPolicy>;
}

/** Why code-owner approvals cannot be verified, and what to do about it. */
interface Unavailable {
  reason: string;
  fix: string;
}

/** The API, when there is a token and the pipeline may use it; else why approvals cannot be verified. */
type Access =
  | {
      api: GitLabApi;
      /** Publishing is for the project's own merge requests: a fork's gets reports only. */
      publish: boolean;
    }
  | { api: null; publish: false; unavailable: Unavailable };

function openAccess(settings: MergeRequestSettings, retry: Partial<RetryPolicy> | undefined): Access {
  const fork = settings.sourceProjectId !== undefined && settings.sourceProjectId !== settings.projectId;
  if (!settings.token) {
    return fork
      ? {
          api: null,
          publish: false,
          unavailable: {
            reason: 'this is a fork merge request, and its pipeline has no GitLab token',
            fix: "A maintainer runs the pipeline in the parent project (merge request → Pipelines → Run pipeline), where the project's token is available.",
          },
        }
      : {
          api: null,
          publish: false,
          unavailable: {
            reason: `there is no GitLab token (${settings.tokenSource} is not set)`,
            fix: 'Add a project access token with the read_api scope (api to comment) as a masked CI/CD variable GITLAB_TOKEN; a protected variable is absent in pipelines of unprotected source branches (docs/gitlab-ci.md#the-token).',
          },
        };
  }
  return { api: createGitLabClient({ host: settings.serverUrl, token: settings.token, retry }), publish: !fork };
}

interface MergeRequestState {
  author: { id: number; username: string } | undefined;
  /** Target branch head when the latest version was pushed (start_sha), and the diff base. */
  startSha: string | undefined;
  baseSha: string | undefined;
  /** The source branch's head in the latest version. */
  headSha: string | undefined;
}

async function readMergeRequest(api: GitLabApi, settings: MergeRequestSettings): Promise<MergeRequestState> {
  const mr = await api.MergeRequests.show(settings.projectId, settings.iid);
  const refs = (mr.diff_refs as typeof mr.diff_refs | null) ?? null;
  const author = mr.author as { id?: number; username?: string } | null | undefined;
  return {
    author: author?.id !== undefined && author.username ? { id: author.id, username: author.username } : undefined,
    startSha: refs?.start_sha,
    baseSha: refs?.base_sha,
    headSha: refs?.head_sha,
  };
}

/** What GitLab says about the merge request; when it cannot say, approvals are not verified and nothing is published. */
async function askGitLab(access: Access, settings: MergeRequestSettings, secrets: readonly string[], say: (line: string) => void): Promise<GitLabContext> {
  if (access.api === null) return { api: null, unavailable: access.unavailable };
  try {
    return { api: access.api, state: await readMergeRequest(access.api, settings) };
  } catch (error) {
    const unavailable = {
      reason: `GitLab could not be asked for the merge request (${describeError(error, secrets)})`,
      fix: fixForApiError(error, MR_API_FIXES),
    };
    say(`policylint mr: ${unavailable.reason}: approvals cannot be verified and nothing is published`);
    return { api: null, unavailable };
  }
}

async function revParse(gitRoot: string, ref: string): Promise<string | undefined> {
  return (await git(gitRoot, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() => '')).trim() || undefined;
}

/**
 * The commit the policy is read from (the target branch as the merge request's latest version
 * saw it, else the diff base) and the diff base. Never HEAD: that is the merge request.
 */
async function trustedCommits(
  gitRoot: string,
  settings: MergeRequestSettings,
  state: MergeRequestState | undefined,
): Promise<{ policySha: string; baseSha: string }> {
  const target = `refs/remotes/origin/${settings.targetBranch}`;
  const baseSha =
    state?.baseSha ??
    settings.baseSha ??
    (await git(gitRoot, ['merge-base', target, settings.headSha ?? 'HEAD']).then(
      (out) => out.trim(),
      () => undefined,
    ));
  const policySha = state?.startSha ?? settings.baseSha ?? (await revParse(gitRoot, target));
  if (!policySha || !baseSha) {
    throw new TrustError(
      `cannot tell which commit ${settings.targetBranch} is at: set CI_MERGE_REQUEST_DIFF_BASE_SHA (or pass --base-sha), or fetch origin/${settings.targetBranch}`,
    );
  }
  return { policySha, baseSha };
}

/**
 * The commit the merge request's changes end at. In a merged-results pipeline HEAD (CI_COMMIT_SHA)
 * is GitLab's temporary merge commit, and base...merge would count the target branch's own changes
 * as the merge request's. CI_MERGE_REQUEST_SOURCE_BRANCH_SHA is set only in those pipelines
 * (GitLab's predefined CI/CD variables, ../shared/research/gitlab-api.md §12); else the API's
 * diff_refs.head_sha; either only when the clone has it. The work tree is still what gets linted.
 */
async function changesHead(gitRoot: string, settings: MergeRequestSettings, state: MergeRequestState | undefined): Promise<string> {
  for (const candidate of [settings.sourceBranchSha, state?.headSha]) {
    if (candidate && (await revParse(gitRoot, candidate))) return candidate;
  }
  return settings.headSha ?? 'HEAD';
}

/**
 * What the merge request changes: git's diff of base...head, which lists every file, completed by
 * GitLab's own diffs (what threads attach to). GitLab alone may list too little (its diff limits, a
 * diff not computed yet): then the run fails closed rather than check part of the change.
 */
async function readChanges(api: GitLabApi | null, settings: MergeRequestSettings, range: GitRange, say: (line: string) => void): Promise<ChangedFile[]> {
  const [fromGit, fromApi] = await Promise.all([
    changedFilesFromGit(range).catch((error: unknown) => {
      say(`policylint mr: git cannot diff ${range.base.slice(0, 8)}...${range.head} (${describeError(error, [])}); only GitLab's list of changes is used`);
      return undefined;
    }),
    api
      ? changedFilesFromApi(api, settings.projectId, settings.iid).catch((error: unknown) => {
          say(`policylint mr: cannot read the merge request's changes from GitLab (${describeError(error, [])}); taking them from git`);
          return undefined;
        })
      : undefined,
  ]);
  if (fromGit) return fromApi ? completeChanges(fromApi, fromGit) : fromGit;
  if (!api || !fromApi)
    throw new TrustError(`cannot tell what the merge request changes: git cannot diff it and GitLab cannot be asked; fetch the history (GIT_DEPTH: "0")`);
  const versions = (await api.MergeRequests.allDiffVersions(settings.projectId, settings.iid).catch((error: unknown) => {
    throw new TrustError(
      `git cannot diff the merge request and GitLab cannot list its versions (${describeError(error, [])}): fetch the history (GIT_DEPTH: "0")`,
    );
  })) as unknown as Array<{ state?: string; created_at: string }>;
  const newest = [...versions].sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))[0];
  if (!newest)
    throw new TrustError('GitLab has not computed the merge request\'s diff yet and git cannot diff it: retry the job, and fetch the history (GIT_DEPTH: "0")');
  if (newest.state === 'overflow')
    throw new TrustError(
      'the merge request is over GitLab\'s diff limits, so GitLab does not list every changed file, and git cannot diff it: fetch the history (GIT_DEPTH: "0")',
    );
  return fromApi;
}

/** Hunks for the changed files that findings are on and GitLab gave none for (collapsed, too large, listed only by git), so threads can attach. */
async function withHunks(changes: ChangedFile[], findings: readonly Finding[], range: GitRange, say: (line: string) => void): Promise<ChangedFile[]> {
  const onFindings = new Set(findings.map((finding) => finding.path));
  const needed = changes.filter((file) => file.diff === null && file.status !== 'deleted' && onFindings.has(file.newPath));
  if (needed.length === 0) return changes;
  try {
    const filled = await fillHunksFromGit(range, needed);
    const byFile = new Map(needed.map((file, index) => [file, filled[index]!]));
    return changes.map((file) => byFile.get(file) ?? file);
  } catch (error) {
    say(`policylint mr: cannot read diffs from git (${describeError(error, [])}); those findings go into the summary`);
    return changes;
  }
}

/** Lints the head's changed files under the trusted config; finding paths become repository-relative, as GitLab wants them. */
async function lintHead(
  trusted: TrustedInputs,
  changes: readonly ChangedFile[],
  gitRoot: string,
  options: MergeRequestRunOptions,
  say: (line: string) => void,
): Promise<LintResult> {
  const selection = await selectFilesToLint({ gitRoot, changes, targetCodeowners: trusted.codeowners });
  if (!options.checkApprovals) for (const reason of selection.reasons) say(`policylint mr: ${reason}`);
  const files = selection.files.map((file) => relativeTo(trusted.config.root, gitRoot, file)).filter((file): file is string => file !== undefined);
  // Project-wide findings only about what the merge request touches: a pre-existing stale entry is not its failure.
  const fromConfigFolder = (file: string) => posix.relative(posix.dirname(trusted.configPath), file);
  const scope = [...new Set(changes.flatMap((change) => [change.oldPath, change.newPath]))].map(fromConfigFolder);
  const result = await lint({ cwd: options.cwd, config: trusted.config, files, now: options.now, scope });
  if (posix.dirname(trusted.configPath) === '.') return result;
  const fromRoot = (file: string) => repositoryPath(trusted, file);
  return { ...result, findings: result.findings.map((f) => ({ ...f, path: fromRoot(f.path) })), filesLinted: result.filesLinted.map(fromRoot) };
}

/** A path the engine reports (relative to the config's folder) as GitLab and the merge request's changes name it. */
function repositoryPath(trusted: TrustedInputs, file: string): string {
  return posix.join(posix.dirname(trusted.configPath), file);
}

/**
 * A config the merge request adds or changes, anywhere the lookup would find it, is checked as it
 * would be once merged; it never replaces the policy in force. It is read like any repository file
 * (never through a link leading outside), so a finding can only quote the merge request's own text.
 */
function headConfigFindings(trusted: TrustedInputs, changes: readonly ChangedFile[], gitRoot: string): DraftFinding[] {
  const lookup = new Set(trusted.configLookup);
  const reader = new RepositoryReader(gitRoot, MAX_CONFIG_BYTES);
  const { id, messages } = governanceFiles.meta;
  const invalid = (path: string, line: number, problem: string) =>
    draftFinding(
      { ruleId: id, severity: 'error', path, messages, docsUrl: docsUrl(id) },
      {
        line,
        messageId: 'invalidConfig',
        data: { problem },
        details: "Once merged it would stop policylint. This merge request is checked under the target branch's config.",
      },
    );
  return changes
    .filter((change) => change.status !== 'deleted' && lookup.has(change.newPath))
    .flatMap((change) => {
      const read = reader.text(change.newPath);
      if (!read.ok) return [invalid(change.newPath, read.line ?? 1, read.message)];
      try {
        loadConfigText(read.source, change.newPath, posix.join(gitRoot, posix.dirname(change.newPath)));
        return [];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const details = error.details.length > 0 ? error.details : [error.message];
        return details.map((detail) => {
          const where = /:(\d+):\d+: (.*)$/.exec(detail);
          return invalid(change.newPath, where ? Number(where[1]) : 1, where?.[2] ?? detail);
        });
      }
    });
}

/** GitLab as the run uses it: the API and what it said about the merge request, or why it cannot be asked. */
type GitLabContext = { api: GitLabApi; state: MergeRequestState } | { api: null; unavailable: Unavailable };

interface CompareContext {
  gitRoot: string;
  settings: MergeRequestSettings;
  gitlab: GitLabContext;
}

async function compare(
  trusted: TrustedInputs,
  changes: readonly ChangedFile[],
  head: LintResult,
  context: CompareContext,
): Promise<{ verdicts: SubjectVerdict[]; drafts: DraftFinding[] }> {
  const headClasses = new Map(head.documents.map((doc) => [repositoryPath(trusted, doc.path), doc]));
  const unreadable = new Set(head.findings.filter((f) => f.ruleId === FILE_ERROR_RULE).map((f) => f.path));
  const subjects = approvalSubjects({
    changes,
    baseClassOf: (path) => trusted.baseClasses.get(path),
    headClassOf: (path) => headClasses.get(path)?.documentClass,
    headUnreadable: (path) => unreadable.has(path),
    titleLineOf: (path) => headClasses.get(path)?.titleLine,
    configPaths: trusted.configLookup,
    governanceFiles: trusted.config.mergeRequest.governanceFiles,
  })
    // A rule the trusted config turns off for a class judges nothing there.
    .filter((subject) => severityFor(subject, trusted.config) !== undefined);
  if (subjects.length === 0) return { verdicts: [], drafts: [] };

  const configOwners = [trusted.configPath];
  let evidence: ApprovalEvidence;
  if (context.gitlab.api === null) evidence = { verified: false, ...context.gitlab.unavailable };
  else {
    evidence = await gatherApprovalEvidence({
      api: context.gitlab.api,
      projectId: context.settings.projectId,
      iid: context.settings.iid,
      gitRoot: context.gitRoot,
      author: context.gitlab.state.author,
      paths: [...new Set(subjects.flatMap((s) => [s.path, ...s.ownerPaths]))],
      // Everyone GitLab is asked about: the owners of every entry that must approve something.
      owners: subjects.flatMap((s) => requirementsOf(s, trusted.codeowners, configOwners).requirements.flatMap((r) => r.owners)),
    });
  }
  const policy = { committersMayApprove: trusted.config.mergeRequest.committersMayApprove };
  const verdicts = subjects.map((subject) => judgeSubject(subject, trusted.codeowners, evidence, policy, configOwners));
  return { verdicts, drafts: approvalFindings(verdicts, trusted.config, trusted.configPath) };
}

/** The head's findings plus the comparison's, fingerprinted and ordered as one run's; the approval rules count as run. */
function combine(head: LintResult, drafts: readonly DraftFinding[]): LintResult {
  const findings: Finding[] = [...head.findings, ...finalizeFindings(drafts)].sort(compareFindings);
  const rules = new Map(head.rules.map((rule) => [rule.id, rule]));
  for (const rule of APPROVAL_RULES) rules.set(rule.meta.id, summarizeRule(rule));
  return { ...head, findings, rules: [...rules.values()].sort((a, b) => compareCodeUnits(a.id, b.id)) };
}

const APPROVAL_RULE_IDS = new Set(APPROVAL_RULES.map((rule) => rule.meta.id));

function settingsNote(checks: readonly SettingCheck[]): string[] {
  const off = checks.filter((check) => check.ok !== true);
  if (off.length === 0) return [];
  return [
    [
      '**GitLab settings this control relies on that are off or unknown** (policylint fails the pipeline; only GitLab can block the merge):',
      ...off.map((check) => `- ${check.ok === false ? 'off' : 'unknown'}: ${check.setting}: ${check.detail}`),
    ].join('\n'),
  ];
}

async function runSettingsCheck(access: Access, settings: MergeRequestSettings, options: MergeRequestRunOptions, say: (line: string) => void): Promise<number> {
  if (access.api === null) {
    say(`policylint mr --check-settings: needs the GitLab API: ${access.unavailable.reason}`);
    return MR_EXIT.usage;
  }
  const checks = await checkProjectSettings(access.api, settings.projectId, settings.targetBranch);
  options.stdout(`${checks.map(describeSettingCheck).join('\n')}\n`);
  return checks.every((check) => check.ok === true) ? MR_EXIT.ok : MR_EXIT.findings;
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
  const access = openAccess(settings, options.retry);
  if (options.checkSettings) return runSettingsCheck(access, settings, options, say);
  if (access.api === null) say(`policylint mr: ${access.unavailable.reason}: code-owner approvals cannot be verified and nothing is published`);
  else if (!access.publish) say('policylint mr: fork merge request (source project differs): approvals are verified, but nothing is published');
  const gitlab = await askGitLab(access, settings, secrets, say);
  const { api } = gitlab;

  // 1. Trusted inputs: the policy of the target branch, never the work tree's.
  let trusted: TrustedInputs;
  let changes: ChangedFile[];
  let range: GitRange;
  try {
    const state = gitlab.api === null ? undefined : gitlab.state;
    const commits = await trustedCommits(gitRoot, settings, state);
    range = { gitRoot, base: commits.baseSha, head: await changesHead(gitRoot, settings, state) };
    changes = await readChanges(api, settings, range, say);
    const basePaths = [...new Set(changes.filter((c) => c.status !== 'added').map((c) => c.oldPath))];
    trusted = await resolveTrustedInputs({
      gitRoot,
      cwd: options.cwd,
      configFlag: options.configPath,
      api,
      projectId: settings.projectId,
      targetBranch: settings.targetBranch,
      ...commits,
      basePaths,
    });
  } catch (error) {
    if (!(error instanceof TrustError)) throw error;
    say(`policylint mr: nothing was checked: cannot read the policy in force: ${error.message}`);
    return MR_EXIT.findings;
  }
  if (!options.checkApprovals) say(`policylint mr: policy and CODEOWNERS from ${trusted.source}`);

  // 2. Lint the head, 3. compare with the base and GitLab's approvals.
  const head = await lintHead(trusted, changes, gitRoot, options, say);
  const { verdicts, drafts } = await compare(trusted, changes, head, { gitRoot, settings, gitlab });
  let result = combine(head, [...drafts, ...headConfigFindings(trusted, changes, gitRoot)]);
  if (options.checkApprovals) result = { ...result, findings: result.findings.filter((f) => APPROVAL_RULE_IDS.has(f.ruleId)) };

  // 4. Report, then publish.
  await writeReports(result, options.reports, { cwd: options.cwd });
  options.stdout(formatReport(options.format, reportInput(result)));
  const exitCode = result.findings.some((f) => f.severity === 'error') ? MR_EXIT.findings : MR_EXIT.ok;
  if (!api || !access.publish || options.checkApprovals) return exitCode;

  const checks = await checkProjectSettings(api, settings.projectId, settings.targetBranch);
  for (const check of checks.filter((c) => c.ok !== true)) say(`policylint mr: warning: GitLab setting ${describeSettingCheck(check)}`);
  try {
    const published = await publishFindings({
      api,
      projectId: settings.projectId,
      iid: settings.iid,
      findings: result.findings,
      changes: await withHunks(changes, result.findings, range, say),
      documents: result.filesLinted.length,
      maxInlineThreads: trusted.config.mergeRequest.maxInlineThreads,
      approvals: verdicts,
      notes: [...approvalNotes(result.findings, verdicts, trusted), ...settingsNote(checks)],
      dryRun: options.dryRun,
    });
    if (options.dryRun) {
      say(`policylint mr: dry run, nothing published. Would:\n${published.actions.map((a) => `  - ${a}`).join('\n') || '  (change nothing)'}`);
      options.stdout(`${published.summaryBody}\n`);
    } else {
      const { created, resolved, open } = published.threads;
      say(
        `policylint mr: published to !${settings.iid}: ${open} open thread(s) (${created} new, ${resolved} resolved), ${published.listedInSummary} finding(s) in the summary`,
      );
    }
  } catch (error) {
    say(`policylint mr: warning: could not publish to the merge request: ${describeError(error, secrets)}. The findings are in the job's reports.`);
    if (trusted.config.mergeRequest.failOnPublishError) return MR_EXIT.publishFailed;
  }
  return exitCode;
}

function approvalNotes(findings: readonly Finding[], verdicts: readonly SubjectVerdict[], trusted: TrustedInputs): string[] {
  if (verdicts.length === 0 && !findings.some((f) => APPROVAL_RULE_IDS.has(f.ruleId))) return [];
  const source = `Required approvals follow the policy and CODEOWNERS of ${neutralise(trusted.source)}; the author's approval, approvals given before a change's last push, and approvals of people who are not eligible code owners do not count.`;
  return [`${source} ${APPROVAL_RECHECK_NOTE}`];
}
