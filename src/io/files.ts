import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Safe reading of files a merge request controls. Its author can commit symbolic links (to
 * `~/.ssh/id_rsa`, `/dev/zero`, a FIFO's path) and the findings are posted publicly, so every
 * read here is of a regular file, bounded, and for repository files contained in the repository.
 * Refusals name the reason only: never a link's target, never content.
 */

/** A file refused before reading; the message is safe to show (it names neither a link's target nor content). */
export class RefusedFile extends Error {
  override name = 'RefusedFile';
  /** Lower-case, for messages that name the file first (`Cannot read config x: not a regular file`). */
  readonly reason: string;
  constructor(reason: string) {
    super(`${reason[0]!.toUpperCase()}${reason.slice(1)}: not read`);
    this.reason = reason;
  }
}

/** A file over the caller's byte limit; `size` is what fstat (or the read) saw. */
export class FileTooLarge extends Error {
  override name = 'FileTooLarge';
  constructor(readonly size: number) {
    super(`File is ${size} bytes`);
  }
}

const OUTSIDE_REPOSITORY = 'symbolic link pointing outside the repository';
const NOT_REGULAR = 'not a regular file';

/** What went wrong, in a few words: an errno code, a refusal, or the error's own message. */
export function readErrorReason(error: unknown): string {
  if (error instanceof RefusedFile) return error.reason;
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'is a directory';
    default:
      return code ?? (error as Error).message;
  }
}

/** An open regular file: close it with `closeSync(fd)`. */
export interface OpenFile {
  fd: number;
  size: number;
}

// Absent on Windows: there, a final symbolic link is detected with lstat instead, and FIFOs do not exist.
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
// A FIFO's open blocks until a writer comes; non-blocking, it returns, and fstat then refuses it.
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

/**
 * Opens a regular file for reading; throws errno errors (EISDIR for a directory) or RefusedFile
 * for anything else (FIFO, socket, device). With `followLink: false` a final symbolic link fails
 * with ELOOP (EMLINK on FreeBSD) instead of being followed.
 */
export function openRegularFile(absPath: string, options: { followLink: boolean } = { followLink: true }): OpenFile {
  if (!options.followLink && NO_FOLLOW === 0 && lstatSync(absPath).isSymbolicLink()) throw Object.assign(new Error('symbolic link'), { code: 'ELOOP' });
  const fd = openSync(absPath, constants.O_RDONLY | NON_BLOCKING | (options.followLink ? 0 : NO_FOLLOW));
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (!stat.isFile()) throw new RefusedFile(NOT_REGULAR);
    return { fd, size: stat.size };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * One buffer for every read, grown to the largest file read so far: selection reads thousands of
 * files and keeps the bytes of none, and a fresh buffer per file was tens of MB of garbage a run.
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * Reads an open file and closes it: at most `limit + 1` bytes, so a result longer than `limit`
 * says the file is longer (it grew since fstat, or the caller keeps only a prefix). The bytes are
 * a view of a buffer the next call reuses: decode or copy them before reading another file.
 */
export function readAndClose(file: OpenFile, limit: number): Buffer {
  try {
    const capacity = limit + 1;
    // Sized from fstat, but read to the end: a file that grew since is still read, up to the limit.
    if (scratch.length < Math.min(file.size + 1, capacity)) scratch = Buffer.allocUnsafe(Math.min(file.size + 1, capacity));
    // A scratch buffer grown by a read with a larger limit must not let this one read past its own.
    let buffer = scratch.length > capacity ? scratch.subarray(0, capacity) : scratch;
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length === capacity) break;
        const bigger = Buffer.allocUnsafe(Math.min(buffer.length * 2, capacity));
        buffer.copy(bigger, 0, 0, length);
        buffer = scratch = bigger;
      }
      const wanted = buffer.length - length;
      const read = readSync(file.fd, buffer, length, wanted, null);
      length += read;
      // A short read of a regular file is its end: no second read (and syscall) per file just to see 0.
      if (read < wanted) break;
    }
    return buffer.subarray(0, length);
  } finally {
    closeSync(file.fd);
  }
}

/** Reads a whole regular file of at most `maxBytes`; throws FileTooLarge past it, before reading when fstat already tells. */
export function readBounded(file: OpenFile, maxBytes: number): Buffer {
  if (file.size > maxBytes) {
    closeSync(file.fd);
    throw new FileTooLarge(file.size);
  }
  const data = readAndClose(file, maxBytes);
  if (data.length > maxBytes) throw new FileTooLarge(data.length);
  return data;
}

/**
 * Opens repository-relative paths only where they really are inside the repository: after every
 * symbolic link, of the file and of its parent directories, is resolved. Links that stay inside
 * keep working. Cheap: each directory's real path is found once (cached, one lstat from its
 * parent's), and the file is opened without following a final link, so only an actual link costs
 * a `realpath`. Measured on the 4,562-file handbook-ja corpus (1,635 folders): opening every file
 * takes ~5 ms more than plain opens (26 → 31 ms), where a `realpath` per file adds ~40 ms. Keep one
 * instance per run: the cache assumes the tree does not change under it.
 */
export class RepositoryFiles {
  readonly root: string;
  #realRootPath: string | undefined;
  /** Repository-relative directory → its real path, or null when that lies outside the repository. */
  readonly #realDirectories = new Map<string, string | null>();

  constructor(root: string) {
    this.root = root;
  }

  /** Opens a regular file inside the repository; throws RefusedFile (outside, not regular) or errno errors. */
  open(file: string): OpenFile {
    // Concatenated, not path.join (a fifth of the added cost): a base name has no separator, and `.` or `..` is a directory, never read.
    const candidate = this.#realDirectory(path.dirname(file)) + path.sep + path.basename(file);
    try {
      return openRegularFile(candidate, { followLink: false });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ELOOP' && code !== 'EMLINK') throw error;
    }
    // The file is a symbolic link (or a loop, which realpath reports): follow it only to a place inside.
    const target = realpathSync.native(candidate);
    if (!this.#inside(target)) throw new RefusedFile(OUTSIDE_REPOSITORY);
    return openRegularFile(target, { followLink: false });
  }

  #realDirectory(directory: string): string {
    let real = this.#realDirectories.get(directory);
    if (real === undefined) {
      real = this.#resolveDirectory(directory);
      this.#realDirectories.set(directory, real);
    }
    if (real === null) throw new RefusedFile(OUTSIDE_REPOSITORY);
    return real;
  }

  /**
   * A directory's real path from its parent's: one lstat, and a realpath only for an actual link
   * (a full realpath per directory walks every component up to `/` again). A `..` segment then
   * means what it means to the kernel: the parent of the real directory.
   */
  #resolveDirectory(directory: string): string | null {
    const parent = path.dirname(directory);
    if (parent === directory) return this.#realRoot();
    const candidate = path.join(this.#realDirectory(parent), path.basename(directory));
    const real = lstatSync(candidate).isSymbolicLink() ? realpathSync.native(candidate) : candidate;
    return this.#inside(real) ? real : null;
  }

  #realRoot(): string {
    // The real root, so a repository under a symlinked folder (macOS /tmp → /private/tmp) still contains its files.
    return (this.#realRootPath ??= realpathSync.native(this.root));
  }

  #inside(realPath: string): boolean {
    const root = this.#realRoot();
    return realPath === root || realPath.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  }
}
