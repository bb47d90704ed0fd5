import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export type ReadResult = { ok: true; source: string } | { ok: false; message: string; line?: number };
export type BytesResult = { ok: true; data: Buffer } | { ok: false; message: string; line?: number };

/** Reads a file as UTF-8 text, turning every way it can be unusable into a message naming why. */
export async function readText(absPath: string, maxBytes: number): Promise<ReadResult> {
  const read = readBytes(absPath, maxBytes);
  return read.ok ? { ok: true, source: decodeUtf8(read.data) } : read;
}

/**
 * Reads a file's bytes and checks them (size, NUL bytes, UTF-8) without decoding: selection can
 * search the bytes and decode only the files it keeps. Synchronous, one file at a time: on a local
 * disk that is about 3× faster than many concurrent `readFile` promises (measured on the handbook-ja
 * corpus: 0.11 s against 0.38 s for 4,561 files), and never holds more than one file in flight.
 * The size is checked before reading, so a huge file is never loaded. The bytes are a view of a
 * buffer the next call reuses: decode or copy them before reading another file.
 */
export function readBytes(absPath: string, maxBytes: number): BytesResult {
  let data: Buffer;
  try {
    data = readBounded(absPath, maxBytes);
  } catch (error) {
    if (error instanceof TooLarge) {
      return { ok: false, message: `File is ${formatBytes(error.size)}, over the ${formatBytes(maxBytes)} limit (maxFileBytes): not linted` };
    }
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'symbolic link loop' : code === 'EISDIR' ? 'is a directory' : code === 'ENOENT' ? 'no such file (a broken symbolic link?)' : code ?? (error as Error).message;
    return { ok: false, message: `Cannot read file: ${reason}` };
  }
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

/** Text of bytes `readBytes` accepted; like `TextDecoder`, a leading byte order mark is dropped. */
export function decodeUtf8(data: Buffer): string {
  const bom = data.length >= 3 && data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf;
  return (bom ? data.subarray(3) : data).toString('utf8');
}

class TooLarge extends Error {
  constructor(readonly size: number) {
    super('too large');
  }
}

/**
 * One buffer for every read, grown to the largest file read so far: selection reads thousands of
 * files and keeps the bytes of none, and a fresh buffer per file was tens of MB of garbage a run.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

function readBounded(absPath: string, maxBytes: number): Buffer {
  const fd = openSync(absPath, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stat.size > maxBytes) throw new TooLarge(stat.size);
    const regular = stat.isFile();
    // Sized from fstat, but read to the end: a file that grew since (or a special file reporting 0) is still read whole, up to the limit.
    if (scratch.length < stat.size + 1) scratch = Buffer.allocUnsafe(stat.size + 1);
    let buffer = scratch;
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw new TooLarge(length);
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(bigger, 0, 0, length);
        buffer = scratch = bigger;
      }
      const wanted = buffer.length - length;
      const read = readSync(fd, buffer, length, wanted, null);
      length += read;
      // A short read of a regular file is its end: no second read (and syscall) per file just to see 0.
      if (read === 0 || (read < wanted && regular)) break;
    }
    if (length > maxBytes) throw new TooLarge(length);
    return buffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
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
