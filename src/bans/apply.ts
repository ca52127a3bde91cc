// The one way a ban reaches the kernel and the journal (`ban`, restores; `watch` records through writeBanLines).
// Write-ahead: the journal line is appended and fsynced before the kernel batch is sent, so whatever instant the
// process dies at, the journal knows every ban the kernel holds (it may know more: those `setup --restore` puts
// back). If the kernel refuses, the outcome is resolved against the kernel: what it does not hold is unbanned in the
// journal again. A journal that cannot be written (disk full) does not stop the ban: the host is protected first,
// and the caller is told exactly what the journal is missing.
import type { BanSet } from '../firewall/banset.js';
import { PortsentinelError } from '../errors.js';
import { appendLines, appendRecords } from '../state/journal.js';
import { unbanBatches, type JournalRecord, type Origin } from '../state/record.js';
import { TargetList } from '../net/targets.js';

/**
 * Targets per kernel call. The backend splits each call into netlink batches by encoded size; calling it in slices
 * as well bounds what one call holds encoded at once and lets a terminal show progress.
 */
export const APPLY_SLICE = 65_536;

/** Told after each slice reached the kernel: targets done so far, of `total`. */
export type Progress = (done: number, total: number) => void;

/** The targets in slices of at most `size`: IPv4 entries first, then the rest (order is not the kernel's concern). */
export function sliceTargets(list: TargetList, size = APPLY_SLICE): TargetList[] {
  if (list.length <= size) return [list];
  const out: TargetList[] = [];
  for (let i = 0; i < list.v4.length; i += size) out.push(list.sliceV4(i, i + size));
  const none = new Uint32Array(0);
  for (let i = 0; i < list.others.length; i += size) {
    const part = list.others.slice(i, i + size);
    out.push(new TargetList(none, part, new Array<number>(part.length).fill(0)));
  }
  return out;
}

/** Where the bans went; `journalError` set when the journal could not record them (they are in the kernel). */
export interface Applied {
  journalError?: PortsentinelError;
  /** Targets the kernel refused one by one (the rest are banned); unbanned in the journal again. */
  kernelRefused: KernelRefusal[];
}

/** The part of a session applyBans needs. */
export interface ApplySession {
  ctx: { stateDir: string };
  banSet: BanSet;
  /** Forget the journal read so far (it has grown). */
  journalChanged(): void;
}

/** Appends ban lines to the journal (one write, one fsync, never a torn line). The single journal writer of bans. */
export function writeBanLines(stateDir: string, lines: string | Buffer | JournalRecord[]): void {
  if (Array.isArray(lines)) appendRecords(stateDir, lines);
  else appendLines(stateDir, lines);
}

/** Adds; if the kernel objects are gone (never set up, deleted, flushed), creates them and adds once more. */
/** A target the kernel refused on its own (it overlaps a prefix already banned, ...), and the kernel's answer. */
export interface KernelRefusal {
  address: string;
  rule: string;
}

/** The kernel refused an element of the batch, not the batch's premise (no table, no permission, no kernel). */
function isElementRefusal(err: unknown): err is PortsentinelError {
  return err instanceof PortsentinelError && /^E_NETLINK_E(EXIST|INVAL|RANGE|OVERFLOW)$/.test(err.code);
}

/** More refusals than this in one command is not a few bad elements: the whole command fails instead. */
const MAX_REFUSED = 256;

/** Two halves of a slice (IPv4 entries and the rest kept apart, as slices hold them). */
function halves(list: TargetList): [TargetList, TargetList] {
  const { v4, others } = list;
  const none = new Uint32Array(0);
  if (v4.length > 0 && others.length > 0) {
    return [list.sliceV4(0, v4.length), new TargetList(none, others, new Array<number>(others.length).fill(0))];
  }
  if (v4.length > 0) {
    const mid = v4.length >> 1;
    return [list.sliceV4(0, mid), list.sliceV4(mid, v4.length)];
  }
  const mid = others.length >> 1;
  const a = others.slice(0, mid);
  const b = others.slice(mid);
  return [
    new TargetList(none, a, new Array<number>(a.length).fill(0)),
    new TargetList(none, b, new Array<number>(b.length).fill(0)),
  ];
}

/**
 * Adds one slice; when the kernel refuses an element, the slice is retried in halves down to the single refused
 * targets (adds are idempotent, so what an earlier try committed is simply added again), and the others go in.
 */
async function addIsolating(
  banSet: BanSet,
  part: TargetList,
  timeout: number | undefined,
  refused: KernelRefusal[],
): Promise<void> {
  try {
    await banSet.add(part, timeout ?? 0);
  } catch (err) {
    if (!isElementRefusal(err) || refused.length >= MAX_REFUSED) throw err;
    if (part.length === 1) {
      const rule =
        err.code === 'E_NETLINK_EEXIST'
          ? 'it overlaps a prefix banned already (EEXIST)'
          : `the kernel answered ${err.code.slice('E_NETLINK_'.length)}`;
      refused.push({ address: part.texts()[0], rule });
      return;
    }
    for (const half of halves(part)) if (half.length > 0) await addIsolating(banSet, half, timeout, refused);
  }
}

async function addCreatingObjects(
  banSet: BanSet,
  targets: TargetList,
  timeout: number | undefined,
  refused: KernelRefusal[],
  progress?: Progress,
): Promise<void> {
  let done = 0;
  let setUp = false;
  for (const part of sliceTargets(targets)) {
    try {
      await addIsolating(banSet, part, timeout, refused);
    } catch (err) {
      if (setUp || !(err instanceof PortsentinelError) || err.code !== 'E_NFT_NOT_SET_UP') throw err;
      setUp = true;
      await banSet.setup();
      await addIsolating(banSet, part, timeout, refused);
    }
    done += part.length;
    progress?.(done, targets.length);
  }
}

/**
 * Journal first (`lines`: the ban records of exactly `targets`), then the kernel. Throws the kernel's error after
 * unbanning in the journal whatever the kernel did not take.
 */
export async function applyBans(
  s: ApplySession,
  targets: TargetList,
  timeout: number | undefined,
  lines: string | Buffer | JournalRecord[],
  origin: Origin = 'manual',
  progress?: Progress,
): Promise<Applied> {
  const applied: Applied = { kernelRefused: [] };
  try {
    writeBanLines(s.ctx.stateDir, lines);
  } catch (err) {
    if (!(err instanceof PortsentinelError)) throw err;
    applied.journalError = err;
  } finally {
    s.journalChanged();
  }
  try {
    await addCreatingObjects(s.banSet, targets, timeout, applied.kernelRefused, progress);
  } catch (err) {
    if (!applied.journalError) await resolveFailedAdd(s, targets, origin);
    throw err;
  }
  if (applied.kernelRefused.length > 0 && !applied.journalError) {
    try {
      const gone = applied.kernelRefused.map((r) => r.address);
      appendRecords(s.ctx.stateDir, unbanBatches(gone, Date.now(), origin));
    } finally {
      s.journalChanged();
    }
  }
  return applied;
}

/** After a refused add: the targets the kernel does not hold are unbanned in the journal (best effort). */
async function resolveFailedAdd(s: ApplySession, targets: TargetList, origin: Origin): Promise<void> {
  try {
    const held = new Set((await s.banSet.list()).map((k) => k.target));
    const absent = targets.texts().filter((t) => !held.has(t));
    if (absent.length > 0) appendRecords(s.ctx.stateDir, unbanBatches(absent, Date.now(), origin));
  } catch {
    // The kernel cannot be asked or the journal not written: the journal keeps the intent, which only errs on the
    // side of knowing more than the kernel holds (shown as missing, put back by setup --restore).
  } finally {
    s.journalChanged();
  }
}
