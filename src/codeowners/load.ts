import { lstatSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { openRegularFile, readAndClose, readErrorReason, RepositoryFiles, type OpenFile } from '../io/files.js';
import { parseCodeowners } from './parse.js';
import type { CodeownersFile, CodeownersProblem } from './types.js';

/** GitLab loads at most this much of the blob (MAX_DATA_DISPLAY_SIZE, 10 MB); the rest is ignored. */
export const MAX_CODEOWNERS_BYTES = 10 * 1024 * 1024;

/** Where GitLab looks, in order; the first one present wins and the others are ignored. */
export const CODEOWNERS_PATHS = ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'] as const;

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. GitLab treats a binary blob as empty. */
function isBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}

/** A CODEOWNERS file whose content is not used, with the problem saying why. */
function emptyWithProblem(path: string, kind: CodeownersProblem['kind'], message: string): CodeownersFile {
  const file = parseCodeowners('', path);
  file.problems.push({ kind, line: 1, column: 1, subject: path, message });
  return file;
}

/** Parses blob bytes the way GitLab sees them: at most 10 MB, binary means empty. */
export function parseCodeownersBytes(data: Buffer, path: string, totalBytes = data.length): CodeownersFile {
  if (isBinary(data)) return emptyWithProblem(path, 'binary-file', 'CODEOWNERS looks binary; GitLab treats it as empty');
  const file = parseCodeowners(data.subarray(0, MAX_CODEOWNERS_BYTES).toString('utf8'), path);
  if (totalBytes > MAX_CODEOWNERS_BYTES) {
    file.problems.unshift({
      kind: 'file-too-large',
      line: 1,
      column: 1,
      subject: path,
      message: `CODEOWNERS is ${totalBytes} bytes; GitLab reads only the first ${MAX_CODEOWNERS_BYTES}`,
    });
  }
  return file;
}

/**
 * Exact-case existence check, so `codeowners` on a case-insensitive disk does not count (git lookups are exact).
 * A symbolic link or special file counts, to be reported as not read; a directory does not.
 */
function existsExactCase(root: string, relativePath: string): boolean {
  const directory = join(root, posix.dirname(relativePath));
  try {
    if (!readdirSync(directory).includes(posix.basename(relativePath))) return false;
    return !lstatSync(join(root, relativePath)).isDirectory();
  } catch {
    return false;
  }
}

/** Parses an open file, reading at most 10 MB (plus one byte, to know it was cut) so a huge file cannot exhaust memory. */
function parseOpenFile(opened: OpenFile, displayPath: string): CodeownersFile {
  const data = readAndClose(opened, MAX_CODEOWNERS_BYTES);
  return parseCodeownersBytes(data, displayPath, Math.max(opened.size, data.length));
}

/** The relative path of the CODEOWNERS file GitLab would use in this work tree, or null. */
export function findCodeownersPath(root: string): string | null {
  return CODEOWNERS_PATHS.find((candidate) => existsExactCase(root, candidate)) ?? null;
}

/** Reads a CODEOWNERS file at any path (e.g. `--file`), reporting it under `displayPath`; only a regular file is read. */
export function loadCodeownersFile(absolutePath: string, displayPath: string): CodeownersFile {
  return parseOpenFile(openRegularFile(absolutePath), displayPath);
}

/**
 * CODEOWNERS from the work tree under `root`, following GitLab's lookup order; null when there is none.
 * A merge request can commit it as a symbolic link (to a secret outside the repository, to
 * `/dev/zero`): such a file is not read, and reported as a problem naming the reason only.
 */
export function loadCodeowners(root: string): CodeownersFile | null {
  const path = findCodeownersPath(root);
  if (path === null) return null;
  let opened: OpenFile;
  try {
    opened = new RepositoryFiles(root).open(path);
  } catch (error) {
    return emptyWithProblem(path, 'unreadable-file', `CODEOWNERS was not read (${readErrorReason(error)}); treated as empty`);
  }
  return parseOpenFile(opened, path);
}

/**
 * CODEOWNERS among files read elsewhere (a commit's objects, the repository files API): the first
 * of GitLab's lookup paths present wins, as in `findCodeownersPath`; null when none is.
 */
export function firstCodeowners(files: ReadonlyMap<string, Buffer | null>): CodeownersFile | null {
  const path = CODEOWNERS_PATHS.find((candidate) => files.get(candidate));
  return path === undefined ? null : parseCodeownersBytes(files.get(path)!, path);
}
