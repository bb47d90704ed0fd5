import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../config/errors.js';
import { CONFIG_FILE_NAMES } from '../../config/names.js';
import { EXIT } from '../exit.js';
import type { CliCommand } from './command.js';

const STARTER_CONFIG = `# policylint configuration: https://gitlab.com/policylint/policylint/-/blob/main/docs/configuration.md
# yaml-language-server: $schema=./node_modules/policylint/schema/policylint.schema.json
extends: gitlab-handbook

# Override any rule of the preset's controlled-document class, e.g.:
# classes:
#   controlled-document:
#     rules:
#       links: "off"
#       review-date: ["error", { maxAgeDays: 365, warnDays: 30 }]
`;

/** `policylint init`: a starter config on the gitlab-handbook preset. */
export const initCommand: CliCommand<{ force?: boolean }> = {
  name: 'init',
  define: (command) =>
    command.description(`write a starter ${CONFIG_FILE_NAMES[0]} on the gitlab-handbook preset`).option('--force', 'overwrite an existing config'),

  run(_operands, flags) {
    const target = path.resolve(CONFIG_FILE_NAMES[0]);
    if (existsSync(target) && !flags.force) throw new ConfigError(`${target} already exists; pass --force to overwrite it`);
    writeFileSync(target, STARTER_CONFIG);
    const command = isProjectDependency(process.cwd()) ? 'npx policylint' : 'policylint';
    process.stdout.write(`Wrote ${target} (extends the gitlab-handbook preset). Run \`${command}\` to lint.\n`);
    return EXIT.ok;
  },
};

/**
 * Whether policylint is a dependency of the project at `cwd`: installed in a node_modules folder
 * from `cwd` upwards, or listed by the nearest package.json. Then its command is `npx policylint`,
 * since node_modules/.bin is not on the PATH outside npm scripts.
 */
function isProjectDependency(cwd: string): boolean {
  let packageJsonSeen = false;
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'node_modules', 'policylint'))) return true;
    const manifest = path.join(dir, 'package.json');
    if (!packageJsonSeen && existsSync(manifest)) {
      packageJsonSeen = true;
      if (listsPolicylint(manifest)) return true;
    }
    if (path.dirname(dir) === dir) return false;
  }
}

function listsPolicylint(manifest: string): boolean {
  try {
    const json = JSON.parse(readFileSync(manifest, 'utf8')) as Record<string, unknown>;
    return ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some((key) => {
      const deps = json[key];
      return typeof deps === 'object' && deps !== null && Object.hasOwn(deps, 'policylint');
    });
  } catch {
    // An unreadable or invalid package.json says nothing about policylint; init still works.
    return false;
  }
}
