// Files as a commit holds them, read from git's object store: never from the work tree, which
// the change under review controls.
import { gitBytes } from './exec.js';

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

/** Reads blobs by object id with one `git cat-file --batch`; ids git does not have (or that are not blobs) are left out. */
export async function readBlobs(gitRoot: string, ids: readonly string[]): Promise<Map<string, Buffer>> {
  const unique = [...new Set(ids)];
  const blobs = new Map<string, Buffer>();
  if (unique.length === 0) return blobs;
  let output: Buffer;
  try {
    output = await gitBytes(gitRoot, ['cat-file', '--batch'], { input: `${unique.join('\n')}\n` });
  } catch (error) {
    throw new GitObjectError(`Cannot read objects in ${gitRoot}: ${(error as Error).message}`);
  }
  const objects = parseBatchOutput(output, unique.length);
  for (const [index, id] of unique.entries()) {
    const object = objects[index];
    if (object?.type === 'blob') blobs.set(id, object.data);
  }
  return blobs;
}
