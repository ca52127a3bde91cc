// A lock file per state directory so concurrent commands (and `watch`) never interleave journal writes.
// The lock is published with link(2), which is atomic and fails if it exists, so the file always holds a pid.
// A lock whose pid is dead is broken; waiting is bounded so a wedged holder produces an error, not a hang.
import { closeSync, constants, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { OperationError } from '../errors.js';

export const LOCK_FILE = 'journal.lock';

export interface LockOptions {
  /** How long to wait for another holder, in milliseconds. */
  timeoutMs?: number;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Moves a dead holder's lock aside. Rename is atomic, so of two processes breaking the same stale lock only one
 * gets it; if what was moved turns out to be a live holder's fresh lock, it is linked back.
 */
function breakStale(path: string, deadPid: number): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  if (moved !== undefined && moved !== deadPid && isAlive(moved)) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone else holds it now; the moved holder will still release by unlinking whatever is there.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function tryAcquire(path: string): boolean {
  const temp = `${path}.${process.pid}`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(temp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new OperationError(
      `cannot create the lock ${path} (${(err as NodeJS.ErrnoException).code}); check that the state directory is writable`,
      'E_LOCK',
      err,
    );
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // nothing to clean
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Takes the state directory's lock; resolves to a release function. */
export async function acquireLock(dir: string, opts: LockOptions = {}): Promise<() => void> {
  const path = join(dir, LOCK_FILE);
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let delay = 2;
  for (;;) {
    if (tryAcquire(path)) {
      return () => {
        if (readHolder(path) === process.pid) {
          try {
            unlinkSync(path);
          } catch {
            // already released
          }
        }
      };
    }
    const holder = readHolder(path);
    if (holder !== undefined && !isAlive(holder)) {
      breakStale(path, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new OperationError(
        `the state directory ${dir} is locked by process ${holder ?? 'unknown'}; wait for it to finish, ` +
          `or delete ${path} if no portsentinel process is running`,
        'E_LOCKED',
      );
    }
    await sleep(delay + Math.random() * delay);
    delay = Math.min(delay * 2, 50);
  }
}

/** Runs `fn` holding the lock, releasing it however `fn` ends. */
export async function withLock<T>(dir: string, fn: () => Promise<T> | T, opts?: LockOptions): Promise<T> {
  const release = await acquireLock(dir, opts);
  try {
    return await fn();
  } finally {
    release();
  }
}
