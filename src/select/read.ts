import { isUtf8 } from 'node:buffer';
import { FileTooLarge, openRegularFile, readBounded, readErrorReason, RefusedFile, RepositoryFiles, type OpenFile } from '../io/files.js';

export type ReadResult = { ok: true; source: string } | { ok: false; message: string; line?: number };
export type BytesResult = { ok: true; data: Buffer } | { ok: false; message: string; line?: number };

/** The config's default `maxFileBytes`, for readers made without a config. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;

/**
 * Reads the files of one repository (repository-relative paths) as `readBytes` does, but never
 * through a symbolic link that leads outside it. One reader per run: it caches directories' real paths.
 */
export class RepositoryReader {
  readonly #files: RepositoryFiles;

  constructor(
    readonly root: string,
    readonly maxBytes: number,
  ) {
    this.#files = new RepositoryFiles(root);
  }

  bytes(file: string): BytesResult {
    return checkedBytes(() => this.#files.open(file), this.maxBytes);
  }

  text(file: string): ReadResult {
    const read = this.bytes(file);
    return read.ok ? { ok: true, source: decodeUtf8(read.data) } : read;
  }
}

/**
 * Reads a file's bytes at any path (a symbolic link is followed: for files a user names, not a
 * repository's; those go through `RepositoryReader`) and checks them (size, NUL bytes, UTF-8)
 * without decoding: selection can search the bytes and decode only the files it keeps. Synchronous, one file at a time: on a local
 * disk that is about 3× faster than many concurrent `readFile` promises (measured on the handbook-ja
 * corpus: 0.11 s against 0.38 s for 4,561 files), and never holds more than one file in flight.
 * The size is checked before reading, so a huge file is never loaded; only regular files are read.
 * The bytes are a view of a buffer the next call reuses: decode or copy them before reading another file.
 */
export function readBytes(absPath: string, maxBytes: number): BytesResult {
  return checkedBytes(() => openRegularFile(absPath), maxBytes);
}

function checkedBytes(open: () => OpenFile, maxBytes: number): BytesResult {
  let data: Buffer;
  try {
    data = readBounded(open(), maxBytes);
  } catch (error) {
    if (error instanceof FileTooLarge) return tooLarge(error.size, maxBytes);
    if (error instanceof RefusedFile) return { ok: false, message: error.message };
    const reason = readErrorReason(error);
    return { ok: false, message: `Cannot read file: ${reason === 'no such file' ? 'no such file (a broken symbolic link?)' : reason}` };
  }
  return checkBytes(data, maxBytes);
}

/** Checks bytes as a file's are checked (size, NUL bytes, UTF-8), for content read from elsewhere (a git object). */
export function checkBytes(data: Buffer, maxBytes: number): BytesResult {
  if (data.length > maxBytes) return tooLarge(data.length, maxBytes);
  const nul = data.subarray(0, 8192).indexOf(0);
  if (nul !== -1) return { ok: false, message: 'Binary file (contains NUL bytes): not linted as Markdown' };
  // simdutf validation: a few milliseconds for the whole handbook, where decoding it all takes ~0.2 s.
  if (!isUtf8(data)) {
    const bad = firstInvalidUtf8(data);
    const line = data.subarray(0, bad).toString('latin1').split('\n').length;
    return { ok: false, message: `File is not valid UTF-8 (first bad byte at offset ${bad}): save it as UTF-8`, line };
  }
  return { ok: true, data };
}

function tooLarge(size: number, maxBytes: number): BytesResult {
  let [file, limit] = [formatBytes(size), formatBytes(maxBytes)];
  // Just over the limit both round alike ("98 KiB, over the 98 KiB limit"): give the bytes.
  if (file === limit) [file, limit] = [`${size} bytes`, `${maxBytes}-byte`];
  return { ok: false, message: `File is ${file}, over the ${limit} limit (maxFileBytes): not linted` };
}

/** Text of bytes `readBytes` accepted; like `TextDecoder`, a leading byte order mark is dropped. */
export function decodeUtf8(data: Buffer): string {
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  return (bom ? data.subarray(3) : data).toString('utf8');
}

function firstInvalidUtf8(data: Buffer): number {
  // Binary search for the longest prefix that decodes; a prefix may only end mid-character at the very end.
  let low = 0;
  let high = data.length;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    try {
      // Streaming mode accepts a character cut off at the end of the prefix; a fresh decoder keeps no state between tries.
      new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, mid), { stream: true });
      low = mid;
    } catch {
      high = mid - 1;
    }
  }
  return low;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
}
