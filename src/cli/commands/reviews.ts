import type { Command } from 'commander';

// Placeholder until the reviews command lands.
export function registerReviewsCommand(_program: Command): void {}
