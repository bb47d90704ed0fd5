// The config in force at each point of the period, read from git: a change that excluded a
// folder, or narrowed a class, must not hide from the evidence the documents it took out of the
// controlled set, nor their history before it. Where git has no config (not committed yet, or
// outside the repository), or one that does not load, the config the command was given stands in.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import picomatch from 'picomatch';
import { loadConfigText, MAX_CONFIG_BYTES } from '../config/load.js';
import type { ResolvedConfig } from '../config/types.js';
import { readBlobs } from '../git/objects.js';
import { classOfContent, compileClass } from '../select/classes.js';
import type { PeriodHistory } from './history.js';
import type { Policy } from './walk.js';

/** Blob contents, filled once the blobs the policies asked for are read. */
export interface Contents {
  blobs: ReadonlyMap<string, Buffer>;
  oversized: ReadonlySet<string>;
}

export interface PolicyVersion extends Policy {
  config: ResolvedConfig;
  /** SHA-256 of the config text in force. */
  sha256: string;
  /** Whether a file at this path (from the top of the work tree) can be a document at all: cheap, before its content is read. */
  relevant(repositoryPath: string): boolean;
}

export interface PolicyTimeline {
  atStart: PolicyVersion;
  /** The policy after each commit that changed the config file. */
  after: Map<string, PolicyVersion>;
  atEnd: PolicyVersion;
  /** What the evidence must say about the configs it used (one that did not load, one not in git). */
  notes: string[];
}

function policyOf(config: ResolvedConfig, sha256: string, prefix: string, contents: () => Contents): PolicyVersion {
  const matchers = config.classes.map(compileClass);
  const included = picomatch(config.include, { dot: false });
  const excluded = config.exclude.length > 0 ? picomatch(config.exclude, { dot: true }) : () => false;
  const relativeOf = (repositoryPath: string) => {
    if (!repositoryPath.startsWith(prefix)) return null;
    const relative = repositoryPath.slice(prefix.length);
    return included(relative) && !excluded(relative) && matchers.some((m) => m.matchesPath(relative)) ? relative : null;
  };
  const classes = new Map<string, string | null>();
  return {
    config,
    sha256,
    committersMayApprove: config.mergeRequest.committersMayApprove,
    relevant: (repositoryPath) => relativeOf(repositoryPath) !== null,
    classOf(repositoryPath, blob) {
      const key = `${repositoryPath}\0${blob}`;
      if (!classes.has(key)) {
        const relative = relativeOf(repositoryPath);
        const { blobs, oversized } = contents();
        const data = blobs.get(blob);
        let documentClass: string | null = null;
        // Content too large to judge falls to its path's class, as lint treats it: maybe controlled counts as controlled.
        // A blob git did not give (a submodule) is no document.
        if (relative !== null && data) documentClass = classOfContent(matchers, relative, data, config.maxFileBytes) ?? null;
        else if (relative !== null && oversized.has(blob)) documentClass = matchers.find((m) => m.matchesPath(relative))!.documentClass.name;
        classes.set(key, documentClass);
      }
      return classes.get(key)!;
    },
  };
}

/**
 * The config at the start of the period and after each commit of it that changed the config file
 * (`configPath`, from the top of the work tree). `given` is the config the command loaded.
 */
export async function policyTimeline(
  gitRoot: string,
  prefix: string,
  given: ResolvedConfig,
  configPath: string | null,
  history: PeriodHistory,
  contents: () => Contents,
): Promise<PolicyTimeline> {
  const givenText = given.file ? readFileSync(given.file) : Buffer.alloc(0);
  const notes: string[] = [];
  const fallback = policyOf(given, createHash('sha256').update(givenText).digest('hex'), prefix, contents);
  if (configPath === null) {
    notes.push('The config is outside the repository, so git has no history of it: it stands in for the whole period.');
    return { atStart: fallback, after: new Map(), atEnd: fallback, notes };
  }

  const versions: Array<{ commit: string | null; blob: string | null }> = [{ commit: null, blob: history.baseTree.get(configPath) ?? null }];
  for (const commit of history.mainline) {
    const change = commit.changes.find((c) => c.oldPath === configPath || c.newPath === configPath);
    if (change) versions.push({ commit: commit.sha, blob: change.newPath === configPath ? change.newBlob : null });
  }
  const texts = await readBlobs(
    gitRoot,
    versions.flatMap((v) => (v.blob ? [v.blob] : [])),
    MAX_CONFIG_BYTES,
  );
  const parsed = new Map<string, PolicyVersion>();
  const policyAt = (version: { commit: string | null; blob: string | null }): PolicyVersion => {
    const where = version.commit ? `after commit ${version.commit.slice(0, 8)}` : 'at the start of the period';
    if (!version.blob) {
      // Before the branch's first commit there is nothing to select.
      if (version.commit !== null || history.base !== null) notes.push(`${configPath} was not in the repository ${where}: the given config stands in for it.`);
      return fallback;
    }
    const known = parsed.get(version.blob);
    if (known) return known;
    let policy = fallback;
    const text = texts.blobs.get(version.blob);
    try {
      if (!text) throw new Error('too large or unreadable');
      const config = loadConfigText(text.toString('utf8'), `${configPath} ${where}`, given.root, given.file);
      policy = policyOf(config, createHash('sha256').update(text).digest('hex'), prefix, contents);
    } catch (error) {
      notes.push(`${configPath} ${where} does not load (${(error as Error).message.replace(/\s+/g, ' ')}): the given config stands in for it.`);
    }
    parsed.set(version.blob, policy);
    return policy;
  };
  const atStart = policyAt(versions[0]!);
  const after = new Map(versions.slice(1).map((version) => [version.commit!, policyAt(version)] as const));
  return { atStart, after, atEnd: [...after.values()].at(-1) ?? atStart, notes };
}
