import type { Command } from 'commander';
import { registerCodeownersCommand } from './codeowners.js';
import { registerMrCommand } from './mr.js';
import { registerReviewsCommand } from './reviews.js';

/** Subcommands besides the default lint command; each module owns its flags and help. */
export const registerSubcommands: Array<(program: Command, setExit: (code: number) => void) => void> = [
  registerCodeownersCommand,
  registerReviewsCommand,
  registerMrCommand,
];
