import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';
import { CONFIG_FILE_NAMES } from './names.js';

/** Walks up from `start` to the filesystem root looking for a config file. */
export function findConfigFile(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The config file a run uses: `configPath` (relative to `cwd`) when given, else the nearest one from `cwd` up. */
export function resolveConfigFile(options: { cwd: string; configPath?: string }): string {
  if (options.configPath) return path.resolve(options.cwd, options.configPath);
  const found = findConfigFile(options.cwd);
  if (!found)
    throw new ConfigError(`No .policylint.yml found in ${options.cwd} or any parent directory. Create one with \`policylint init\`, or pass --config.`);
  return found;
}
