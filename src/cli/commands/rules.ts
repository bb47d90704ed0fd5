import { Option } from 'commander';
import { EXIT } from '../exit.js';
import type { CliCommand } from './command.js';

/** `policylint rules`: every rule, in registry order, then file-error (always on, no rule module). */
export const rulesCommand: CliCommand<{ format: 'text' | 'json' }> = {
  name: 'rules',
  define: (command) =>
    command
      .description('list every rule (file-error included) with its default severity, description and docs link')
      .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text')),

  async run(_operands, flags) {
    const [{ rules }, { summarizeRule }, { FILE_ERROR_SUMMARY }] = await Promise.all([
      import('../../../rules/index.js'),
      import('../../engine/rules.js'),
      import('../../engine/documents.js'),
    ]);
    const summaries = [...rules.map(summarizeRule), FILE_ERROR_SUMMARY];
    if (flags.format === 'json') {
      process.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
      return EXIT.ok;
    }
    const width = Math.max(...summaries.map((rule) => rule.id.length));
    for (const rule of summaries)
      process.stdout.write(`${rule.id.padEnd(width)}  ${rule.defaultSeverity.padEnd(5)}  ${rule.description}\n${' '.repeat(width + 9)}${rule.docsUrl}\n`);
    return EXIT.ok;
  },
};
