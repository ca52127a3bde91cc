// One writer per state directory at a time (commands and `watch` never interleave journal writes), with flock(2) on
// `journal.lock`: the kernel releases the lock when its holder exits, however it exits (kill -9 included), so a
// stale lock never blocks, whatever pid, garbage or nothing the file holds. The file is never removed (removing a
// flock file lets two holders lock two different files); the holder writes its pid into it, so that a waiter can
// name who it waits for. Node has no flock: fs-ext's binding makes the call.
import { closeSync, constants, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { EnvironmentError, OperationError } from '../errors.js';
import { escapeText } from '../util/escape-text.js';

export const LOCK_FILE = 'journal.lock';

export interface LockOptions {
  /** How long to wait for a live holder, in milliseconds. */
  timeoutMs?: number;
  /** Told once, after a short wait, who holds the lock (default: a line on stderr). */
  onWait?: (message: string) => void;
}

interface FsExt {
  flockSync(fd: number, flags: 'exnb' | 'un'): void;
}

let fsExt: FsExt | undefined;
/** Loaded on first use, outside any bundle (it is a native module). */
function flocker(): FsExt {
  if (fsExt) return fsExt;
  try {
    fsExt = createRequire(import.meta.url)('fs-ext') as FsExt;
  } catch (err) {
    // npm builds a dependency's native part only when allowed to (allowScripts in package.json for a checkout).
    throw new EnvironmentError(
      'the journal lock needs the fs-ext binding, which was not built at install time; reinstall with ' +
        '`npm install -g --allow-scripts=fs-ext portsentinel` (or `npm rebuild fs-ext` in a checkout)',
      'E_LOCK_BINDING',
      err,
    );
  }
  return fsExt;
}

/** A waiter says who it waits for after this long (most holders finish well before). */
const ANNOUNCE_AFTER_MS = 1000;

/** Per state directory: the chain of this process's own holders, so they queue here instead of polling flock. */
const local = new Map<string, Promise<void>>();

/** "process 1234 (portsentinel ban --file …)", from the pid the holder wrote and /proc. */
function describeHolder(path: string): string {
  let pid: number | undefined;
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    if (Number.isSafeInteger(n) && n > 0) pid = n;
  } catch {
    // unreadable: no name
  }
  if (pid === undefined) return 'another process';
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // The interpreter and script path say less than the command: from the script on.
    const from = cmd.findIndex((a) => /run\.js$|portsentinel$/.test(a));
    const shown = (from >= 0 ? ['portsentinel', ...cmd.slice(from + 1)] : cmd).join(' ').slice(0, 120);
    return `process ${pid} (${escapeText(shown)})`;
  } catch {
    return `process ${pid}`;
  }
}

function tryFlock(fd: number): boolean {
  try {
    flocker().flockSync(fd, 'exnb');
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return false;
    throw err;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function openLockFile(path: string): number {
  try {
    return openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OperationError(
      `cannot open the lock ${path} (${code === 'ELOOP' ? 'it is a symbolic link' : code}); ` +
        'check that the state directory is root-owned and writable',
      'E_LOCK',
      err,
    );
  }
}

/** Takes the state directory's lock; resolves to a release function. */
export async function acquireLock(dir: string, opts: LockOptions = {}): Promise<() => void> {
  const before = local.get(dir) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => (done = resolve));
  const chain = before.then(() => mine);
  local.set(dir, chain);
  await before;
  try {
    const release = await flockDir(dir, opts);
    return () => {
      release();
      if (local.get(dir) === chain) local.delete(dir);
      done();
    };
  } catch (err) {
    if (local.get(dir) === chain) local.delete(dir);
    done();
    throw err;
  }
}

async function flockDir(dir: string, opts: LockOptions): Promise<() => void> {
  const path = join(dir, LOCK_FILE);
  const fd = openLockFile(path);
  const start = Date.now();
  const deadline = start + (opts.timeoutMs ?? 60_000);
  let announced = false;
  let delay = 5;
  try {
    while (!tryFlock(fd)) {
      if (Date.now() >= deadline) {
        throw new OperationError(
          `the state directory ${dir} is locked by ${describeHolder(path)}, still running after ` +
            `${Math.round((Date.now() - start) / 1000)} s; wait for it to finish or stop it`,
          'E_LOCKED',
        );
      }
      if (!announced && Date.now() - start >= ANNOUNCE_AFTER_MS) {
        announced = true;
        const message = `waiting for the lock on ${dir}, held by ${describeHolder(path)}`;
        if (opts.onWait) opts.onWait(message);
        else process.stderr.write(`portsentinel: ${message}\n`);
      }
      await sleep(delay + Math.random() * delay);
      delay = Math.min(delay * 2, 100);
    }
  } catch (err) {
    closeSync(fd);
    if (err instanceof OperationError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OperationError(`cannot lock ${path} (${code}); check the state directory`, 'E_LOCK', err);
  }
  try {
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
  } catch {
    // A full disk: the lock holds all the same, a waiter just cannot name us.
  }
  return () => {
    try {
      ftruncateSync(fd, 0);
    } catch {
      // a full or read-only disk: the kernel lock is what counts
    }
    closeSync(fd);
  };
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
