import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../config/errors.js';
import type { LintResult } from '../engine/run.js';
import { VERSION } from '../version.js';
import type { FormatName } from './formats.js';
import { reportChunks } from './index.js';
import type { ReportInput } from './types.js';

/** `--report codequality=gl-code-quality-report.json`: a report to write beside the run's own output. */
export interface ReportTarget {
  format: FormatName;
  file: string;
}

/** How a terminal shows stylish output; files and job logs get no colour and 80 columns. */
export interface Terminal {
  color: boolean;
  width: number;
}

const PLAIN_TERMINAL: Terminal = { color: false, width: 80 };

export function reportInput(result: LintResult, terminal: Terminal = PLAIN_TERMINAL): ReportInput {
  // Terminal paths are absolute (clickable, as ESLint prints them); machine formats stay repository-relative.
  return { findings: result.findings, rules: result.rules, filesLinted: result.filesLinted, toolVersion: VERSION, ...terminal, cwd: result.config.root };
}

/** Writes every requested report file (relative to `cwd`) through `writeFileSafely`. */
export async function writeReports(result: LintResult, targets: readonly ReportTarget[], options: { cwd: string }): Promise<void> {
  for (const target of targets) await writeFileSafely(options.cwd, target.file, reportChunks(target.format, reportInput(result)), 'report');
}

/**
 * Writes a file the run produces (`file` relative to `cwd`), creating folders as needed. A merge
 * request can commit symbolic links where the pipeline writes (`reports -> ~/.ssh`,
 * `gl-code-quality-report.json -> ~/.bashrc`, `public -> …`), so nothing is written through one: a
 * linked folder under `cwd` is refused, and the file is written to a new temporary file beside the
 * target, then renamed over it, which replaces a link instead of following it (and never leaves half a file).
 * `what` names the file in the refusal: "Cannot write report x: …; reports are not written through links".
 */
export async function writeFileSafely(cwd: string, file: string, data: string | Iterable<string>, what: string): Promise<void> {
  const target = path.resolve(cwd, file);
  if (!isInside(cwd, target)) {
    // Outside the work tree the path is the user's own choice: `-o /dev/null`, `/dev/stdout` or a named pipe is written
    // into, never replaced by the rename below (which would swap a device for a regular file).
    const existing = await lstat(target).catch(() => undefined);
    if (existing && !existing.isFile()) return writeFile(target, data);
  }
  await refuseLinkedFolders(cwd, path.dirname(target), file, what);
  await mkdir(path.dirname(target), { recursive: true });
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(8).toString('hex')}.tmp`);
  try {
    // 'wx': created here and now, so nothing already at this name (a planted link) is written through.
    await writeFile(temporary, data, { flag: 'wx', mode: 0o644 });
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Whether `target` is strictly below `cwd`. */
function isInside(cwd: string, target: string): boolean {
  const relative = path.relative(cwd, target);
  return relative !== '' && relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/** Throws when a folder between `cwd` and `folder` (those that exist) is a symbolic link; folders outside `cwd` are the user's own choice. */
async function refuseLinkedFolders(cwd: string, folder: string, asGiven: string, what: string): Promise<void> {
  if (!isInside(cwd, folder)) return;
  const relative = path.relative(cwd, folder);
  let current = cwd;
  for (const part of relative.split(path.sep)) {
    current = path.join(current, part);
    const stat = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    // Missing from here down: mkdir creates real folders.
    if (!stat) return;
    if (stat.isSymbolicLink())
      throw new ConfigError(`Cannot write ${what} ${asGiven}: ${path.relative(cwd, current)} is a symbolic link; ${what}s are not written through links`);
  }
}
