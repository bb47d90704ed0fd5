import type { Command } from 'commander';

// Placeholder until the mr command lands.
export function registerMrCommand(_program: Command): void {}
