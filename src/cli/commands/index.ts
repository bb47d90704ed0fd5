import type { CliCommand } from './command.js';
import { codeownersCommand } from './codeowners.js';
import { evidenceCommand } from './evidence.js';
import { exceptionsCommand } from './exceptions.js';
import { initCommand } from './init.js';
import { lintCommand } from './lint.js';
import { mrCommand } from './mr.js';
import { registerCommand } from './register.js';
import { reviewsCommand } from './reviews.js';
import { rulesCommand } from './rules.js';

/** Every command, the default one (lint) first; `policylint --help` lists the others in this order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each command has its own options type
export const COMMANDS: ReadonlyArray<CliCommand<any>> = [
  lintCommand,
  rulesCommand,
  initCommand,
  codeownersCommand,
  reviewsCommand,
  registerCommand,
  exceptionsCommand,
  evidenceCommand,
  mrCommand,
];
