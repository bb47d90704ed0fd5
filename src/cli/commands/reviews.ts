import type { Command } from 'commander';
import { CALENDAR_FORMATS } from '../../reviews/formats.js';

export function registerReviewsCommand(program: Command): void {
  program
    .command('reviews')
    .description('List controlled documents with their last review, due date, status and CODEOWNERS owners, earliest due first')
    .argument('[paths...]', 'files, directories or globs to consider (default: the config include globs)')
    .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
    .option('--now <date>', 'today, as YYYY-MM-DD or an ISO timestamp (default: POLICYLINT_NOW, else the clock)')
    .option('--format <format>', `output format: ${CALENDAR_FORMATS.join(', ')}`, 'text')
    .option('--due-within <days>', 'only documents due within this many days, overdue ones included')
    .action(async (paths: string[], options: { config?: string; now?: string; format: string; dueWithin?: string }) => {
      const { runReviewsCommand } = await import('../../reviews/command.js');
      await runReviewsCommand({ cwd: process.cwd(), paths, ...options, stdout: (text) => process.stdout.write(text) });
    });
}
