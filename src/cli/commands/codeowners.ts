import { join, relative, resolve } from 'node:path';
import { Option } from 'commander';
import { CODEOWNERS_PATHS, loadCodeowners, loadCodeownersFile } from '../../codeowners/load.js';
import { codeownersReport, formatCodeownersProblems, formatCodeownersText } from '../../codeowners/report.js';
import type { CodeownersFile } from '../../codeowners/types.js';
import { findGitRoot } from '../../git/exec.js';
import { isOutsideRoot, toPosix } from '../../util/paths.js';
import { EXIT } from '../exit.js';
import type { CliCommand } from './command.js';

const CODEOWNERS_FORMATS = ['text', 'json'] as const;
type CodeownersFormat = (typeof CODEOWNERS_FORMATS)[number];

export interface CodeownersCommandInput {
  paths: string[];
  /** Explicit CODEOWNERS file; otherwise GitLab's lookup order from the repository root. */
  file?: string;
  format: CodeownersFormat;
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** Repository-relative POSIX path for an argument given relative to `cwd` (paths outside the root are kept as written). */
function repositoryPath(root: string, cwd: string, path: string): string {
  const fromRoot = relative(root, resolve(cwd, path));
  if (fromRoot === '' || isOutsideRoot(fromRoot)) return path.replace(/^\.?\//, '');
  return toPosix(fromRoot);
}

interface LoadedFile {
  file: CodeownersFile;
  /** How to name the file in warnings: as given, or relative to the current directory. */
  displayPath: string;
}

function loadFile(input: CodeownersCommandInput, root: string): LoadedFile | string {
  if (input.file === undefined) {
    // The repository's own file, read like every repository file: never through a link leaving it.
    const file = loadCodeowners(root);
    if (file === null) return `no CODEOWNERS file in ${root} (looked for ${CODEOWNERS_PATHS.join(', ')})`;
    return { file, displayPath: toPosix(relative(input.cwd, join(root, file.path))) };
  }
  try {
    return { file: loadCodeownersFile(resolve(input.cwd, input.file), repositoryPath(root, input.cwd, input.file)), displayPath: input.file };
  } catch (error) {
    return `cannot read ${input.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** Runs `policylint codeowners`; returns the exit code (0 ok, 2 when there is no CODEOWNERS to read). */
export async function runCodeownersCommand(input: CodeownersCommandInput): Promise<number> {
  const root = (await findGitRoot(input.cwd)) ?? input.cwd;
  const loaded = loadFile(input, root);
  if (typeof loaded === 'string') {
    input.stderr(`policylint codeowners: ${loaded}\n`);
    return EXIT.usage;
  }
  const { file, displayPath } = loaded;
  for (const warning of formatCodeownersProblems(file, displayPath)) input.stderr(`${warning}\n`);

  const report = codeownersReport(
    file,
    input.paths.map((path) => repositoryPath(root, input.cwd, path)),
  );
  input.stdout(input.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : `${formatCodeownersText(report, file.path)}\n`);
  return EXIT.ok;
}

export const codeownersCommand: CliCommand<{ file?: string; format: CodeownersFormat }> = {
  name: 'codeowners',
  define: (command) =>
    command
      .description('Show who must approve changes to each PATH, using GitLab CODEOWNERS semantics')
      .argument('<paths...>', 'files to look up, relative to the current directory')
      .option('--file <path>', `CODEOWNERS file to use (default: first of ${CODEOWNERS_PATHS.join(', ')} in the repository root)`)
      .addOption(new Option('--format <format>', 'output format').choices(CODEOWNERS_FORMATS).default('text')),

  run: (paths, flags) =>
    runCodeownersCommand({
      paths,
      file: flags.file,
      format: flags.format,
      cwd: process.cwd(),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    }),
};
