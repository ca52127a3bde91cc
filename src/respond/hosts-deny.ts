// Appends a KILL_HOSTS_DENY line to the hosts.deny file, once. The file is often a bind mount (containers, the lab's
// private mount namespace) or shared with other writers (PortSentry itself, fail2ban, an admin's editor), so:
// - no write-to-temp-and-rename: renaming over a bind-mount target fails with EBUSY, and where it does not fail it
//   swaps the inode so the mount (and anyone holding the file) keeps the old content;
// - O_APPEND so each write lands at the end even when another process appended since we read;
// - a lock (in-process queue + an exclusive lock file beside it) around read-check-append so two bans of the same
//   address racing each other cannot both see "absent" and write the line twice;
// - fsync so a line that was reported as written survives a crash;
// - never the whole file: the file can be huge (years of bans) and the ban must not wait for it. Duplicates are
//   looked for in its last TAIL_BYTES and in a bounded index of the lines this process wrote or saw there.
import {
  closeSync,
  constants,
  fstatSync,
  fsyncSync,
  openSync,
  promises as fs,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, basename, join } from 'node:path';

export type HostsDenyOutcome = 'appended' | 'present';

const queues = new Map<string, Promise<unknown>>();
/** How much of the file's end is read for duplicates: constant work per ban whatever the file's size. */
export const TAIL_BYTES = 64 * 1024;
/** Lines remembered per file (oldest forgotten first). */
const INDEX_LINES = 16_384;
const indexes = new Map<string, Set<string>>();

function remember(file: string, line: string): void {
  let index = indexes.get(file);
  if (!index) indexes.set(file, (index = new Set()));
  index.add(line);
  if (index.size > INDEX_LINES) index.delete(index.values().next().value as string);
}
const LOCK_STALE_MS = 10_000;
const LOCK_WAIT_MS = 5_000;

/**
 * Appends `line` to `file` unless a line equal to it (ignoring surrounding blanks) is already there. With
 * `sync: false` the fsync is left to the caller (syncFile), so a kernel ban planned after this step is not held
 * up by the disk.
 */
export async function appendHostsDenyLine(
  file: string,
  line: string,
  opts: { sync?: boolean } = {},
): Promise<HostsDenyOutcome> {
  const previous = queues.get(file) ?? Promise.resolve();
  const sync = opts.sync !== false;
  const next = previous.catch(() => undefined).then(() => withFileLock(file, () => appendOnce(file, line, sync)));
  queues.set(file, next);
  try {
    return await next;
  } finally {
    if (queues.get(file) === next) queues.delete(file);
  }
}

async function appendOnce(file: string, line: string, sync: boolean): Promise<HostsDenyOutcome> {
  // Synchronous calls: a few small system calls are faster done in place than through the thread pool, and the
  // in-process queue already keeps our own writers apart.
  const wanted = line.trim();
  const fd = openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT, 0o644);
  try {
    const st = fstatSync(fd);
    // A regular file only: HOSTS_DENY_FILE pointed at a device or a FIFO must never be read from.
    if (!st.isFile()) throw new Error(`${file} is not a regular file; set HOSTS_DENY_FILE to hosts.deny itself`);
    const tail = readTail(fd, st.size);
    if (indexes.get(file)?.has(wanted) || tail.split('\n').some((l) => l.trim() === wanted)) {
      remember(file, wanted);
      return 'present';
    }
    // A file whose last line lacks its newline would otherwise get our line glued onto it.
    const prefix = st.size > 0 && !tail.endsWith('\n') ? '\n' : '';
    writeSync(fd, `${prefix}${wanted}\n`);
    if (sync) fsyncSync(fd);
    remember(file, wanted);
    return 'appended';
  } finally {
    closeSync(fd);
  }
}

/** The file's last TAIL_BYTES (from a line start when the read began mid-file). */
function readTail(fd: number, size: number): string {
  const length = Math.min(size, TAIL_BYTES);
  if (length === 0) return '';
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, size - length + got);
    if (n === 0) break;
    got += n;
  }
  const text = buf.toString('utf8', 0, got);
  if (length === size) return text;
  const nl = text.indexOf('\n');
  return nl < 0 ? text : text.slice(nl + 1);
}

/**
 * Holds `<dir>/.<name>.portsentinel.lock` (created exclusively) while `fn` runs. Where the directory cannot take a
 * lock file (read-only /etc with only the file mounted writable), the in-process queue alone serialises our writers.
 */
async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dirname(file), `.${basename(file)}.portsentinel.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  let held = false;
  for (;;) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      held = true;
      break;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') break;
      if (await removeIfStale(lock)) continue;
      // Losing a ban line is worse than a rare duplicate: after waiting this long, write without the lock.
      if (Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    if (held) rmSync(lock, { force: true });
  }
}

/** A lock left behind by a crashed writer must not block hosts.deny forever. */
async function removeIfStale(lock: string): Promise<boolean> {
  try {
    const st = await fs.stat(lock);
    if (Date.now() - st.mtimeMs < LOCK_STALE_MS) return false;
    await fs.rm(lock, { force: true });
    return true;
  } catch {
    return true;
  }
}

/** Flushes a file appended to without sync. */
export async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
