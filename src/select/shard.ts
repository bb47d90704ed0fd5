import { createHash } from 'node:crypto';
import { ConfigError } from '../config/errors.js';

/** One of `total` parallel runs that split a lint between them (`--shard 2/4`), 1-based as GitLab's CI_NODE_INDEX. */
export interface Shard {
  index: number;
  total: number;
}

const SPEC = /^([1-9]\d*)\/([1-9]\d*)$/;

/** Reads `INDEX/TOTAL`; `source` names where it came from, for the usage error. */
export function parseShard(spec: string, source = '--shard'): Shard {
  const match = SPEC.exec(spec.trim());
  const shard = match && { index: Number(match[1]), total: Number(match[2]) };
  if (!shard || shard.index > shard.total) {
    throw new ConfigError(`${source} expects INDEX/TOTAL with 1 ≤ INDEX ≤ TOTAL (e.g. 2/4), got "${spec}"`);
  }
  return shard;
}

/**
 * The shard of a GitLab `parallel:` job: CI_NODE_INDEX/CI_NODE_TOTAL, which GitLab sets only in
 * such jobs (it sets CI_NODE_TOTAL to 1 in every other job). Undefined outside them.
 */
export function shardFromEnvironment(env: NodeJS.ProcessEnv): Shard | undefined {
  if (env.CI_NODE_INDEX === undefined) return undefined;
  return parseShard(`${env.CI_NODE_INDEX}/${env.CI_NODE_TOTAL ?? ''}`, 'CI_NODE_INDEX/CI_NODE_TOTAL');
}

/**
 * Whether a repository-relative path belongs to the shard. By a hash of the path alone, not by its
 * position in the sorted file list: adding or removing a file moves no other file to another
 * shard, and a folder full of controlled documents is spread over every shard instead of landing
 * on one (selection is by content, so an even split of the candidates would not be an even split
 * of the parsing).
 */
export function inShard(shard: Shard, path: string): boolean {
  if (shard.total === 1) return true;
  return createHash('md5').update(path).digest().readUInt32BE(0) % shard.total === shard.index - 1;
}
