import { Option } from 'commander';
import { ConfigError } from '../../config/errors.js';
import { REGISTER_FORMATS, type RegisterFormat } from '../../register/formats.js';
import { writeFileSafely } from '../../reporters/write.js';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

interface RegisterFlags {
  config?: string;
  now?: string;
  format: RegisterFormat;
  output?: string;
  bom?: boolean;
}

/** What spreadsheets (Excel) need to read a CSV file as UTF-8 rather than the system code page. */
const UTF8_BOM = '\uFEFF';

/** `policylint register`: the register of controlled documents. A report: exit 0 whatever it lists; usage mistakes exit 2. */
export const registerCommand: CliCommand<RegisterFlags> = {
  name: 'register',
  define: (command) =>
    command
      .description('List controlled documents with their ID, title, class, code owners, review dates and status, last change and exception references, by ID')
      .argument('[paths...]', 'files, directories or globs to consider (default: the config include globs)')
      .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
      .option('--now <date>', 'today, as YYYY-MM-DD or an ISO timestamp (default: POLICYLINT_NOW, else the clock)')
      .addOption(new Option('--format <format>', 'output format').choices(REGISTER_FORMATS).default('text'))
      .option('-o, --output <file>', 'write the register to a file instead of stdout')
      .option('--bom', 'start CSV output with a UTF-8 byte order mark, for spreadsheets that need one'),

  async run(paths, flags) {
    if (flags.bom && flags.format !== 'csv') throw new ConfigError('--bom applies to --format csv only');
    const now = parseNow(flags.now);
    const [{ prepareRun }, { buildRegister, keepForRegister }, { formatRegister }] = await Promise.all([
      import('../../engine/run.js'),
      import('../../register/build.js'),
      import('../../register/format.js'),
    ]);
    const progress = startProgress(process.stderr);
    let text: string;
    try {
      const prepared = await prepareRun({ cwd: process.cwd(), configPath: flags.config, patterns: paths, now, onProgress: progress.update }, keepForRegister);
      text = formatRegister(await buildRegister(prepared), flags.format);
    } finally {
      progress.stop();
    }
    if (flags.bom) text = UTF8_BOM + text;
    // A Pages job writes `--output public/register.html`, and a branch may commit `public` as a link: written as reports are.
    if (flags.output) await writeFileSafely(process.cwd(), flags.output, text, 'register');
    else process.stdout.write(text);
    return EXIT.ok;
  },
};
