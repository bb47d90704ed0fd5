import { readFile } from 'node:fs/promises';

export type ReadResult = { ok: true; source: string } | { ok: false; message: string; line?: number };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a file as UTF-8 text, turning every way it can be unusable into a message naming why. */
export async function readText(absPath: string, maxBytes: number): Promise<ReadResult> {
  let data: Buffer;
  try {
    data = await readFile(absPath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ELOOP' ? 'symbolic link loop' : code === 'EISDIR' ? 'is a directory' : code === 'ENOENT' ? 'no such file (a broken symbolic link?)' : code ?? (error as Error).message;
    return { ok: false, message: `Cannot read file: ${reason}` };
  }
  if (data.length > maxBytes) {
    return { ok: false, message: `File is ${formatBytes(data.length)}, over the ${formatBytes(maxBytes)} limit (maxFileBytes): not linted` };
  }
  const nul = data.subarray(0, 8192).indexOf(0);
  if (nul !== -1) return { ok: false, message: 'Binary file (contains NUL bytes): not linted as Markdown' };
  try {
    return { ok: true, source: utf8.decode(data) };
  } catch {
    const bad = firstInvalidUtf8(data);
    const line = data.subarray(0, bad).toString('latin1').split('\n').length;
    return { ok: false, message: `File is not valid UTF-8 (first bad byte at offset ${bad}): save it as UTF-8`, line };
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
