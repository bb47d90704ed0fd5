// The policy in force for a merge request, read once from the target branch and never from the
// work tree, which the merge request controls: the policylint config, CODEOWNERS, and which of
// the files it changes were controlled documents before it.
import path from 'node:path';
import { CODEOWNERS_PATHS, firstCodeowners } from '../codeowners/load.js';
import type { CodeownersFile } from '../codeowners/types.js';
import { ConfigError } from '../config/errors.js';
import { loadConfigText } from '../config/load.js';
import { CONFIG_FILE_NAMES } from '../config/names.js';
import type { ResolvedConfig } from '../config/types.js';
import { isOutsideRoot, toPosix } from '../util/paths.js';
import { readBlobsAt } from '../git/objects.js';
import { classOfContent, compileClass } from '../select/classes.js';
import { GitLabApiError, type GitLabApi } from './client.js';
import { describeError } from './redact.js';

/** The trusted inputs could not be read: the run must fail closed, saying why in one line. */
export class TrustError extends Error {
  override name = 'TrustError';
}

export interface TrustedInputs {
  /** Commit the policy was read from: the target branch as the merge request sees it. */
  policySha: string;
  /** The merge request's diff base: where "controlled before this change" is judged. */
  baseSha: string;
  /** Where the policy came from, in a few words, for the log and the summary. */
  source: string;
  config: ResolvedConfig;
  /** Repository-relative path of the config. */
  configPath: string;
  /** Every place the config is looked for, nearest first: a file added at any of them would become the policy. */
  configLookup: readonly string[];
  codeowners: CodeownersFile | null;
  /** Class of each old path of the change on the base, under the trusted config; undefined when not controlled. */
  baseClasses: ReadonlyMap<string, string | undefined>;
}

export interface TrustOptions {
  gitRoot: string;
  cwd: string;
  /** `--config`, as given. */
  configFlag: string | undefined;
  api: GitLabApi | null;
  projectId: string;
  targetBranch: string;
  policySha: string;
  baseSha: string;
  /** Paths on the base side of the changes (old paths of modified, renamed and deleted files). */
  basePaths: readonly string[];
}

/** Files at a commit from git's objects; when the clone does not have the commit, from the repository files API at that SHA. */
async function readAtCommit(
  options: TrustOptions,
  sha: string,
  paths: readonly string[],
): Promise<{ files: Map<string, Buffer | null>; via: 'git' | 'the API' }> {
  const local = await readBlobsAt(options.gitRoot, sha, paths);
  if (local.commitFound) {
    const files = local.blobs;
    for (const path of paths) if (!files.has(path)) files.set(path, null);
    return { files, via: 'git' };
  }
  const api = options.api;
  if (!api)
    throw new TrustError(
      `commit ${sha.slice(0, 8)} is not in this clone (fetch it, or use GIT_DEPTH: "0") and there is no GitLab API access to read it instead`,
    );
  const files = new Map<string, Buffer | null>();
  for (const path of paths) {
    try {
      const raw = await api.RepositoryFiles.showRaw(options.projectId, path, sha);
      files.set(path, typeof raw === 'string' ? Buffer.from(raw, 'utf8') : Buffer.from(await raw.arrayBuffer()));
    } catch (error) {
      if (error instanceof GitLabApiError && error.status === 404) files.set(path, null);
      else throw new TrustError(`cannot read ${path} at ${sha.slice(0, 8)} through the API (${describeError(error, [])})`);
    }
  }
  return { files, via: 'the API' };
}

/** Where the config may be, repository-relative: `--config`, else the names looked for from cwd up to the repository root. */
function configCandidates(options: TrustOptions): string[] {
  if (options.configFlag) {
    const relative = toPosix(path.relative(options.gitRoot, path.resolve(options.cwd, options.configFlag)));
    if (isOutsideRoot(relative)) {
      throw new TrustError(
        `--config ${options.configFlag} is outside the repository: in a merge request the policy is read from the target branch, so the config must be a file of the repository`,
      );
    }
    return [relative];
  }
  const candidates: string[] = [];
  let dir = toPosix(path.relative(options.gitRoot, options.cwd));
  if (isOutsideRoot(dir)) dir = '';
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) candidates.push(dir === '' ? name : `${dir}/${name}`);
    if (dir === '') return candidates;
    const parent = path.posix.dirname(dir);
    dir = parent === '.' ? '' : parent;
  }
}

function parseTrustedConfig(text: string, configPath: string, options: TrustOptions, where: string): ResolvedConfig {
  try {
    return loadConfigText(text, `${configPath} (${where})`, path.join(options.gitRoot, path.posix.dirname(configPath)), path.join(options.gitRoot, configPath));
  } catch (error) {
    if (error instanceof ConfigError)
      throw new TrustError(
        `the policylint config on the target branch is invalid, so no policy can be applied: ${error.message.split('\n').slice(0, 2).join(' ')}`,
      );
    throw error;
  }
}

export async function resolveTrustedInputs(options: TrustOptions): Promise<TrustedInputs> {
  const where = `${options.targetBranch} at ${options.policySha.slice(0, 8)}`;
  const candidates = configCandidates(options);
  const { files, via } = await readAtCommit(options, options.policySha, [...candidates, ...CODEOWNERS_PATHS]);
  const configPath = candidates.find((candidate) => files.get(candidate));
  if (!configPath) {
    throw new TrustError(
      `${where} has no policylint config (looked for ${candidates.join(', ')}): the policy in force cannot come from the merge request itself; merge the config first`,
    );
  }
  const config = parseTrustedConfig(files.get(configPath)!.toString('utf8'), configPath, options, where);

  const codeowners = firstCodeowners(files);

  const baseClasses = new Map<string, string | undefined>();
  if (options.basePaths.length > 0) {
    const matchers = config.classes.map(compileClass);
    const fromConfigRoot = (file: string) => toPosix(path.relative(config.root, path.join(options.gitRoot, file)));
    const candidatesOnBase = options.basePaths.filter((file) => matchers.some((m) => m.matchesPath(fromConfigRoot(file))));
    const base = candidatesOnBase.length > 0 ? (await readAtCommit(options, options.baseSha, candidatesOnBase)).files : new Map<string, Buffer | null>();
    for (const file of options.basePaths) {
      const data = base.get(file);
      const relative = fromConfigRoot(file);
      // A path git cannot name in a batch is unknown: judged by its path alone, as "maybe controlled".
      if (data === undefined && candidatesOnBase.includes(file)) baseClasses.set(file, matchers.find((m) => m.matchesPath(relative))?.documentClass.name);
      else baseClasses.set(file, data ? classOfContent(matchers, relative, data, config.maxFileBytes) : undefined);
    }
  }

  return {
    policySha: options.policySha,
    baseSha: options.baseSha,
    source: `${where} (read from ${via})`,
    config,
    configPath,
    configLookup: candidates,
    codeowners,
    baseClasses,
  };
}
