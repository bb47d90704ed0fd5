import { statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { EVIDENCE_EXTENSIONS, EVIDENCE_FORMATS, type EvidenceFormat } from '../../evidence/formats.js';
import { writeFileSafely } from '../../reporters/write.js';
import { EXIT } from '../exit.js';
import { startProgress } from '../progress.js';
import { parseNow } from '../util.js';
import type { CliCommand } from './command.js';

interface EvidenceFlags {
  since: string;
  until: string;
  ref: string;
  config?: string;
  now?: string;
  format: EvidenceFormat;
  output?: string;
  serverUrl?: string;
  project?: string;
  tokenEnv?: string;
  branch?: string;
}

/** `--output` names a folder: one that exists, or a path written with a trailing slash. */
function isFolder(cwd: string, output: string): boolean {
  if (/[\\/]$/.test(output)) return true;
  try {
    return statSync(path.resolve(cwd, output)).isDirectory();
  } catch {
    return false;
  }
}

/** `policylint evidence`: every change to a controlled document in a period, who approved it, and whether the procedure was met. A report: exit 0 whatever it finds. */
export const evidenceCommand: CliCommand<EvidenceFlags> = {
  name: 'evidence',
  define: (command) =>
    command
      .description(
        'Export the audit evidence of a period: each change to a controlled document on the default branch, its merge request, approvals and required code owners, and whether the procedure was met',
      )
      .requiredOption('--since <day>', 'first day of the period, YYYY-MM-DD (UTC)')
      .requiredOption('--until <day>', 'last day of the period, YYYY-MM-DD (UTC), included')
      .option('--ref <rev>', 'the default branch as this clone has it', 'HEAD')
      .option('--config <path>', 'configuration file (default: .policylint.yml found from the current directory up)')
      .option('--now <date>', 'the time of generation written into the evidence (default: POLICYLINT_NOW, else the clock)')
      .addOption(
        new Option('--format <format>', 'output format (with a folder as --output: every format unless this is given)')
          .choices(EVIDENCE_FORMATS)
          .default('markdown'),
      )
      .option('-o, --output <file|folder>', 'write to a file, or into a folder as evidence-<since>-to-<until>.<ext>, instead of stdout')
      .option('--server-url <url>', 'GitLab URL (default: CI_SERVER_URL)')
      .option('--project <id>', 'project ID or path (default: CI_PROJECT_ID)')
      .option('--branch <name>', "the default branch's name in GitLab (default: CI_DEFAULT_BRANCH, else the project's)")
      .option('--token-env <name>', 'environment variable holding the API token (default: GITLAB_TOKEN, then POLICYLINT_GITLAB_TOKEN)'),

  async run(_operands, flags, command: Command) {
    const now = parseNow(flags.now);
    const cwd = process.cwd();
    const [{ loadConfig }, { resolveConfigFile }, { buildEvidence }, { formatEvidence }, { openEvidenceSource }, { redact }] = await Promise.all([
      import('../../config/load.js'),
      import('../../config/discover.js'),
      import('../../evidence/build.js'),
      import('../../evidence/format.js'),
      import('../../evidence/source.js'),
      import('../../gitlab/redact.js'),
    ]);
    const config = loadConfig(resolveConfigFile({ cwd, configPath: flags.config }));
    const folder = flags.output !== undefined && isFolder(cwd, flags.output);
    const formats: EvidenceFormat[] = folder && command.getOptionValueSource('format') === 'default' ? [...EVIDENCE_FORMATS] : [flags.format];
    const source = await openEvidenceSource(flags, process.env);
    const progress = startProgress(process.stderr);
    let evidence;
    try {
      evidence = await buildEvidence({
        config,
        since: flags.since,
        until: flags.until,
        now,
        ref: flags.ref,
        gitlab: source.gitlab,
        notAsked: source.notAsked,
        onProgress: (phase, done, total) => progress.update(done, total, phase),
      });
    } finally {
      progress.stop();
    }
    for (const format of formats) {
      const text = redact(formatEvidence(evidence, format), source.secrets);
      if (!flags.output) process.stdout.write(text);
      else {
        const file = folder ? path.join(flags.output, `evidence-${flags.since}-to-${flags.until}.${EVIDENCE_EXTENSIONS[format]}`) : flags.output;
        await writeFileSafely(cwd, file, text, 'evidence');
      }
    }
    if (!source.gitlab) process.stderr.write(`policylint evidence: ${source.notAsked.detail}\n`);
    else if (evidence.source.note) process.stderr.write(`policylint evidence: ${redact(evidence.source.note, source.secrets)}\n`);
    return EXIT.ok;
  },
};
