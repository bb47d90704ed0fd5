import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.js';
import { redact } from '../gitlab/redact.js';
import { VERSION } from '../version.js';
import { COMMANDS } from './commands/index.js';
import { EXIT } from './exit.js';

/** The program, built from COMMANDS; each command's exit code goes to `setExit`. */
export function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('policylint')
    .description('Lint controlled documents (policies, standards, procedures) kept as Markdown in a GitLab repository.')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run policylint --help for usage)')
    // Options after a subcommand's name belong to it: `policylint rules --format json` must reach `rules`, not the lint --format.
    .enablePositionalOptions()
    .exitOverride();
  for (const spec of COMMANDS) {
    // Subcommands inherit the program's settings above (help after errors, exitOverride) when created.
    const command = spec.name === undefined ? program : program.command(spec.name);
    spec.define(command).action(async (...args: unknown[]) => {
      // Commander passes the declared arguments, then the options, then the command.
      const parsed = args.at(-1) as Command;
      setExit(await spec.run(parsed.args, parsed.opts(), parsed));
    });
  }
  return program;
}

/** Where GitLab tokens live in a CI job: ours and GitLab's own job token. */
const TOKEN_VARIABLES = ['GITLAB_TOKEN', 'POLICYLINT_GITLAB_TOKEN', 'CI_JOB_TOKEN'];

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with exit code 0; usage mistakes are 2, as for config errors.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    // Job logs are widely readable, and an error may quote a token (a mistyped flag value, say).
    const tokens = TOKEN_VARIABLES.map((name) => process.env[name]?.trim() ?? '');
    if (error instanceof ConfigError) {
      process.stderr.write(redact(`policylint: ${error.message}\n`, tokens));
      return EXIT.usage;
    }
    const details = process.env.POLICYLINT_DEBUG ? `${(error as Error).stack}\n` : 'Set POLICYLINT_DEBUG=1 for a stack trace, and please report it.\n';
    process.stderr.write(redact(`policylint: internal error: ${(error as Error).message}\n${details}`, tokens));
    return EXIT.usage;
  }
}
