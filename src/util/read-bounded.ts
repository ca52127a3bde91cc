// Reading a file someone named (config, ignore file, hosts.deny, a ban list) without trusting it: it must be a
// regular file (a device, FIFO or directory is refused before a byte is read: /dev/zero has a size of 0), and it is
// read in chunks that stop one byte past the limit, so a file that grows while it is read, or lies about its size,
// still costs at most the limit in memory. `-` reads standard input under the same limit.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';

/** portsentry.conf, ignore files and hosts.deny: far beyond any real one. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** A `ban --file` list: a million IPv6 prefixes fit. */
export const MAX_BAN_FILE_BYTES = 128 * 1024 * 1024;

export class ReadRefused extends Error {
  constructor(
    message: string,
    readonly code: 'E_NOT_REGULAR' | 'E_TOO_LARGE',
  ) {
    super(message);
  }
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads `fd` to its end, refusing more than `limit` bytes. */
export function readFdBounded(fd: number, limit: number, name: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(1 << 20, limit + 1 - total));
    let n: number;
    try {
      n = readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      // Standard input in non-blocking mode: wait for it rather than spin.
      if ((err as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      throw err;
    }
    if (n === 0) break;
    total += n;
    if (total > limit) {
      throw new ReadRefused(`${name} is larger than ${limit} bytes, the limit for this file`, 'E_TOO_LARGE');
    }
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
}

/**
 * The bytes of `path` (or standard input for `-`), at most `limit`; throws ReadRefused for a file that is not
 * regular or is too large, and the system error (ENOENT, EACCES, ...) otherwise.
 */
export function readBoundedFile(path: string, limit: number): Buffer {
  if (path === '-') return readFdBounded(0, limit, 'standard input');
  // O_NONBLOCK: opening a FIFO must not wait for a writer before it can be refused.
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new ReadRefused(`${path} is ${kindOf(st)}, not a regular file`, 'E_NOT_REGULAR');
    }
    return readFdBounded(fd, limit, path);
  } finally {
    closeSync(fd);
  }
}

/** Why `path` could not be read under the rules above (not regular, or larger than `limit`), or undefined. */
export function unreadableReason(path: string, limit: number): string | undefined {
  let st: Stats;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile()) return `${path} is ${kindOf(st)}, not a regular file`;
  if (st.size > limit) return `${path} is larger than ${limit} bytes, the limit for this file`;
  return undefined;
}
