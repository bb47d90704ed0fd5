import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gitBytes } from '../git/exec.js';
import { parseCodeowners } from './parse.js';
import type { CodeownersFile } from './types.js';

/** GitLab loads at most this much of the blob (MAX_DATA_DISPLAY_SIZE, 10 MB); the rest is ignored. */
export const MAX_CODEOWNERS_BYTES = 10 * 1024 * 1024;

/** Where GitLab looks, in order; the first one present wins and the others are ignored. */
export const CODEOWNERS_PATHS = ['CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'] as const;

/** Git's own test for binary content: a NUL byte in the first 8000 bytes. GitLab treats a binary blob as empty. */
function isBinary(data: Buffer): boolean {
  return data.subarray(0, 8000).includes(0);
}

/** Parses blob bytes the way GitLab sees them: at most 10 MB, binary means empty. */
export function parseCodeownersBytes(data: Buffer, path: string, totalBytes = data.length): CodeownersFile {
  if (isBinary(data)) {
    const file = parseCodeowners('', path);
    file.problems.push({ kind: 'binary-file', line: 1, column: 1, subject: path, message: 'CODEOWNERS looks binary; GitLab treats it as empty' });
    return file;
  }
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

/** Exact-case existence check, so `codeowners` on a case-insensitive disk does not count (git lookups are exact). */
function isRegularFileExactCase(root: string, relativePath: string): boolean {
  const directory = join(root, posix.dirname(relativePath));
  try {
    if (!readdirSync(directory).includes(posix.basename(relativePath))) return false;
    return statSync(join(root, relativePath)).isFile();
  } catch {
    return false;
  }
}

/** Reads at most 10 MB (plus one byte, to know it was cut) so a huge file cannot exhaust memory. */
function readBounded(path: string): { data: Buffer; totalBytes: number } {
  const totalBytes = statSync(path).size;
  const data = Buffer.alloc(Math.min(totalBytes, MAX_CODEOWNERS_BYTES));
  const fd = openSync(path, 'r');
  try {
    let offset = 0;
    while (offset < data.length) {
      const read = readSync(fd, data, offset, data.length - offset, offset);
      if (read === 0) break;
      offset += read;
    }
    return { data: data.subarray(0, offset), totalBytes };
  } finally {
    closeSync(fd);
  }
}

/** The relative path of the CODEOWNERS file GitLab would use in this work tree, or null. */
export function findCodeownersPath(root: string): string | null {
  return CODEOWNERS_PATHS.find((candidate) => isRegularFileExactCase(root, candidate)) ?? null;
}

/** Reads a CODEOWNERS file at any path (e.g. `--file`), reporting it under `displayPath`. */
export function loadCodeownersFile(absolutePath: string, displayPath: string): CodeownersFile {
  const { data, totalBytes } = readBounded(absolutePath);
  return parseCodeownersBytes(data, displayPath, totalBytes);
}

/** CODEOWNERS from the work tree under `root`, following GitLab's lookup order; null when there is none. */
export function loadCodeowners(root: string): CodeownersFile | null {
  const path = findCodeownersPath(root);
  return path === null ? null : loadCodeownersFile(join(root, path), path);
}

export class GitRefError extends Error {
  override name = 'GitRefError';
}

interface BatchObject {
  type: string;
  data: Buffer;
}

/** Splits `git cat-file --batch` output: `<oid> <type> <size>\n<data>\n`, or `<name> missing\n`. */
function parseBatchOutput(output: Buffer, count: number): Array<BatchObject | null> {
  const objects: Array<BatchObject | null> = [];
  let offset = 0;
  for (let index = 0; index < count; index++) {
    const newline = output.indexOf(0x0a, offset);
    if (newline === -1) throw new GitRefError('git cat-file --batch ended early');
    const header = output.subarray(offset, newline).toString('utf8');
    offset = newline + 1;
    const found = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!found) {
      objects.push(null); // "missing" or "ambiguous"
      continue;
    }
    const size = Number(found[2]);
    objects.push({ type: found[1]!, data: output.subarray(offset, offset + size) });
    offset += size + 1;
  }
  return objects;
}

function gitCatFileBatch(gitRoot: string, requests: string[]): Promise<Buffer> {
  return gitBytes(gitRoot, ['cat-file', '--batch'], { input: `${requests.join('\n')}\n` });
}

/**
 * CODEOWNERS as stored at a git ref (GitLab reads the merge request's target branch), following
 * the lookup order. One `git cat-file --batch` call answers the ref check and all candidates.
 * Pass a fully qualified ref (`refs/remotes/origin/main`) so a same-named tag cannot win.
 * Throws GitRefError when the ref does not name a commit.
 */
export async function loadCodeownersAtRef(gitRoot: string, ref: string): Promise<CodeownersFile | null> {
  const requests = [`${ref}^{commit}`, ...CODEOWNERS_PATHS.map((path) => `${ref}:${path}`)];
  const stdout = await gitCatFileBatch(gitRoot, requests).catch((error: Error) => {
    throw new GitRefError(`Cannot read CODEOWNERS at ${ref} in ${gitRoot}: ${error.message}`);
  });
  const [commit, ...candidates] = parseBatchOutput(stdout, requests.length);
  if (!commit) throw new GitRefError(`${ref} is not a commit in ${gitRoot}`);
  for (const [index, object] of candidates.entries()) {
    if (object?.type !== 'blob') continue;
    return parseCodeownersBytes(object.data.subarray(0, MAX_CODEOWNERS_BYTES), CODEOWNERS_PATHS[index]!, object.data.length);
  }
  return null;
}
