// Files as a commit holds them, read from git's object store: never from the work tree, which
// the change under review controls.
import { git, gitBytes } from './exec.js';

export class GitObjectError extends Error {
  override name = 'GitObjectError';
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
    if (newline === -1) throw new GitObjectError('git cat-file --batch ended early');
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

/** What a commit holds at some paths; `blobs` maps each path to its bytes, or null when the commit has no file there. */
export type BlobsAtCommit = { commitFound: false } | { commitFound: true; blobs: Map<string, Buffer | null> };

/**
 * Reads files at a commit with one `git cat-file --batch` (NUL-separated requests, so paths with
 * spaces or unicode are safe). Pass a full SHA or a fully qualified ref (`refs/remotes/origin/main`)
 * so a same-named tag cannot win. A path holding a newline cannot be named in the batch
 * protocol's answers and is left out of `blobs`: callers treat it as unknown.
 */
export async function readBlobsAt(gitRoot: string, commit: string, paths: readonly string[]): Promise<BlobsAtCommit> {
  const readable = paths.filter((path) => !path.includes('\n'));
  const requests = [`${commit}^{commit}`, ...readable.map((path) => `${commit}:${path}`)];
  let output: Buffer;
  try {
    output = await gitBytes(gitRoot, ['cat-file', '--batch', '-z'], { input: `${requests.join('\0')}\0` });
  } catch (error) {
    throw new GitObjectError(`Cannot read ${commit} in ${gitRoot}: ${(error as Error).message}`);
  }
  const [found, ...objects] = parseBatchOutput(output, requests.length);
  if (!found) return { commitFound: false };
  const blobs = new Map<string, Buffer | null>();
  for (const [index, path] of readable.entries()) {
    const object = objects[index];
    blobs.set(path, object?.type === 'blob' ? object.data : null);
  }
  return { commitFound: true, blobs };
}

/** What one `git cat-file --batch` call may return at most: git's output is held in memory until it ends. */
const MAX_BATCH_BYTES = 64 * 1024 * 1024;

export interface BlobRead {
  blobs: Map<string, Buffer>;
  /** Blobs over `maxBytes`, not read. */
  oversized: Set<string>;
}

/**
 * Reads blobs by object id: their sizes with one `git cat-file --batch-check`, then their bytes
 * with as few `git cat-file --batch` calls as keep each answer under 64 MiB. Blobs larger than
 * `maxBytes` are not read; ids git does not have (or that are not blobs) are left out.
 */
export async function readBlobs(gitRoot: string, ids: readonly string[], maxBytes: number): Promise<BlobRead> {
  const unique = [...new Set(ids)];
  const read: BlobRead = { blobs: new Map(), oversized: new Set() };
  if (unique.length === 0) return read;
  const batches: string[][] = [[]];
  let batchBytes = 0;
  try {
    const sizes = await git(gitRoot, ['cat-file', '--batch-check'], { input: `${unique.join('\n')}\n` });
    for (const line of sizes.split('\n')) {
      const [id = '', type, size] = line.split(' ');
      if (type !== 'blob') continue;
      const bytes = Number(size);
      if (bytes > maxBytes) {
        read.oversized.add(id);
        continue;
      }
      if (batchBytes + bytes > MAX_BATCH_BYTES && batches.at(-1)!.length > 0) {
        batches.push([]);
        batchBytes = 0;
      }
      batches.at(-1)!.push(id);
      batchBytes += bytes;
    }
    for (const batch of batches.filter((b) => b.length > 0)) {
      const output = await gitBytes(gitRoot, ['cat-file', '--batch'], { input: `${batch.join('\n')}\n` });
      for (const [index, object] of parseBatchOutput(output, batch.length).entries()) if (object?.type === 'blob') read.blobs.set(batch[index]!, object.data);
    }
  } catch (error) {
    if (error instanceof GitObjectError) throw error;
    throw new GitObjectError(`Cannot read objects in ${gitRoot}: ${(error as Error).message}`);
  }
  return read;
}
