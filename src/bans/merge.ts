// Kernel truth merged with the journal, row by row, in O(n): the kernel says what is banned and for how long;
// the journal says why, by whom and since when. Disagreements are drift: "external" (kernel only) and
// "missing" (journal only, repaired by `portsentinel setup --restore`). One walk feeds two outputs: row objects
// (the table, `status`) and, for `--json`, the document text built directly, with no row objects at all.
import type { BanSetKind } from '../config/backends.js';
import type { KernelBan } from '../firewall/banset.js';
import type { Family } from '../net/address.js';
import type { JournalState } from '../state/fold.js';
import type { AnyBanRecord, Origin, Trigger } from '../state/record.js';
import { putAscii } from '../util/ascii-bytes.js';

export const REPAIR_COMMAND = 'portsentinel setup --restore';

export type DriftKind = 'external' | 'missing';

export interface BanRow {
  address: string;
  family: Family;
  prefix: boolean;
  /** Seconds left (kernel's figure when it has the ban); null = permanent. */
  expiresIn: number | null;
  expiresAt: string | null;
  /** Dropped by this ban since it was added (the kernel element's counter); absent where the kernel keeps none. */
  packets?: number;
  bytes?: number;
  reason: string | null;
  trigger: Trigger | null;
  bannedAt: string | null;
  origin: Origin | null;
  drift: DriftKind | null;
}

export interface Drift {
  external: string[];
  missing: string[];
  /** The command that puts journal-only bans back in the kernel; null when nothing is missing. */
  repair: string | null;
}

export interface MergedBans {
  bans: BanRow[];
  drift: Drift;
}

/** toISOString for many equal timestamps (a batch shares one), without formatting each again. */
function isoCache(): (ms: number) => string {
  const cache = new Map<number, string>();
  return (ms) => {
    let s = cache.get(ms);
    if (s === undefined) {
      s = new Date(ms).toISOString();
      if (cache.size < 10_000) cache.set(ms, s);
    }
    return s;
  };
}

/** Receives the merged rows: kernel rows with the index of their journal record (-1: none), then missing ones. */
interface RowSink {
  kernel(k: KernelBan, record: number): void;
  missing(target: string, record: number): void;
}

/**
 * The merge itself. Kernel targets arrive canonical from the decoder and are looked up as they are; the journal
 * side is a target → record index map, so nothing is re-parsed, re-sorted or copied per element.
 */
function walk(kernel: readonly KernelBan[], journal: JournalState, family: Family | undefined, sink: RowSink): Drift {
  const external: string[] = [];
  const missing: string[] = [];
  const live = journal.live;
  // Running journal bans the kernel showed: when that is all of them (no drift, the usual case) no set of the
  // kernel's targets is needed to find the missing ones.
  let matched = 0;
  for (const k of kernel) {
    if (family !== undefined && k.family !== family) continue;
    const i = live.get(k.target);
    if (i === undefined) external.push(k.target);
    else if (!journal.isOver(i)) matched++;
    sink.kernel(k, i ?? -1);
  }
  if (matched !== journal.activeCount) {
    const seen = new Set<string>();
    for (const k of kernel) seen.add(k.target);
    for (const [target, i] of live) {
      if (journal.isOver(i) || seen.has(target)) continue;
      if (family !== undefined && journal.records[i].family !== family) continue;
      missing.push(target);
      sink.missing(target, i);
    }
  }
  return { external, missing, repair: missing.length > 0 ? REPAIR_COMMAND : null };
}

/** Seconds a journal ban has left (rounded up), null = permanent. */
function secondsLeft(r: AnyBanRecord, now: number): number | null {
  return r.until === undefined ? null : Math.max(0, Math.ceil((r.until - now) / 1000));
}

export function mergeBans(
  kernel: readonly KernelBan[],
  journal: JournalState,
  now: number,
  family?: Family,
): MergedBans {
  const iso = isoCache();
  // Kernel timeouts are whole seconds; round "now" so rows from one second share a cached expiresAt.
  const nowSec = Math.floor(now / 1000) * 1000;
  const records = journal.records as readonly AnyBanRecord[];
  const bans: BanRow[] = [];
  const drift = walk(kernel, journal, family, {
    kernel(k, i) {
      const j = i < 0 ? undefined : records[i];
      bans.push({
        address: k.target,
        family: k.family,
        prefix: k.target.includes('/'),
        expiresIn: k.expiresIn ?? null,
        expiresAt: k.expiresIn === undefined ? null : iso(nowSec + k.expiresIn * 1000),
        ...(k.packets === undefined ? {} : { packets: k.packets, bytes: k.bytes ?? 0 }),
        reason: j?.reason ?? null,
        trigger: j?.trigger ?? null,
        bannedAt: j ? iso(j.at) : null,
        origin: j?.origin ?? null,
        drift: j === undefined ? 'external' : null,
      });
    },
    missing(target, i) {
      const j = records[i];
      bans.push({
        address: target,
        family: j.family,
        prefix: target.includes('/'),
        expiresIn: secondsLeft(j, now),
        expiresAt: j.until === undefined ? null : iso(j.until),
        reason: j.reason ?? null,
        trigger: j.trigger ?? null,
        bannedAt: iso(j.at),
        origin: j.origin,
        drift: 'missing',
      });
    },
  });
  return { bans, drift };
}

// The `--json` document, byte for byte what JSON.stringify({backend, bans, drift}, null, 2) prints plus its
// newline, written straight from the walk into Buffers: no row objects, no row strings, no 30 MB string to flatten
// and encode again. Rows sit at depth 2 (4 spaces), their fields at depth 3 (6 spaces).
const ROW_OPEN = '\n    {\n      "address": "';
const FIRST_ROW = Buffer.from(ROW_OPEN);
const NEXT_ROW = Buffer.from(`,${ROW_OPEN}`);
const NULL_STORY = Buffer.from(
  '      "reason": null,\n      "trigger": null,\n      "bannedAt": null,\n      "origin": null,\n      "drift": "external"\n    }',
);
const NO_EXPIRY = '      "expiresIn": null,\n      "expiresAt": null,\n';
const CHUNK = 1 << 20;

/** JSON.stringify(value, null, 2) for a value nested `depth` levels deep. */
function nested(value: unknown, depth: number): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', `\n${'  '.repeat(depth)}`);
}

/** Appends bytes to a list of 1 MiB Buffers. */
class ByteWriter {
  readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Address text: ASCII, one byte per character. */
  ascii(s: string): void {
    this.room(s.length);
    this.pos = putAscii(this.buf, this.pos, s);
  }

  text(s: string): void {
    this.bytes(Buffer.from(s, 'utf8'));
  }

  finish(): Buffer[] {
    this.chunks.push(this.buf.subarray(0, this.pos));
    return this.chunks;
  }
}

/** The `bans list --json` document (with its final newline) as Buffers to write in order. */
export function renderBansJson(
  backend: BanSetKind,
  kernel: readonly KernelBan[],
  journal: JournalState,
  now: number,
  family?: Family,
): Buffer[] {
  const iso = isoCache();
  const nowSec = Math.floor(now / 1000) * 1000;
  const records = journal.records as readonly AnyBanRecord[];
  // Every piece of a row but its address repeats across rows, so each is encoded once: family and prefix, the
  // expiry per distinct number of seconds, the journal story per record.
  const mids = [4, 6].map((f) =>
    [false, true].map((p) => Buffer.from(`",\n      "family": ${f},\n      "prefix": ${p},\n`)),
  );
  const mid = (f: Family, t: string) => mids[f === 4 ? 0 : 1][t.includes('/') ? 1 : 0];
  const noExpiry = Buffer.from(NO_EXPIRY);
  const expiries = new Map<number, Buffer>();
  const expiry = (seconds: number | undefined): Buffer => {
    if (seconds === undefined) return noExpiry;
    let b = expiries.get(seconds);
    if (b === undefined) {
      b = Buffer.from(`      "expiresIn": ${seconds},\n      "expiresAt": "${iso(nowSec + seconds * 1000)}",\n`);
      expiries.set(seconds, b);
    }
    return b;
  };
  const stories = new Map<number, Buffer>();
  const story = (i: number, missing: boolean): Buffer => {
    const key = missing ? -2 - i : i;
    let b = stories.get(key);
    if (b === undefined) {
      const j = records[i];
      const left = secondsLeft(j, now);
      b = Buffer.from(
        (missing
          ? left === null
            ? NO_EXPIRY
            : `      "expiresIn": ${left},\n      "expiresAt": "${iso(j.until!)}",\n`
          : '') +
          `      "reason": ${j.reason === undefined ? 'null' : JSON.stringify(j.reason)},\n` +
          `      "trigger": ${j.trigger === undefined ? 'null' : nested(j.trigger, 3)},\n` +
          `      "bannedAt": "${iso(j.at)}",\n      "origin": "${j.origin}",\n` +
          `      "drift": ${missing ? '"missing"' : 'null'}\n    }`,
      );
      stories.set(key, b);
    }
    return b;
  };
  const out = new ByteWriter();
  out.text(`{\n  "backend": ${JSON.stringify(backend)},\n  "bans": [`);
  let open = FIRST_ROW;
  const drift = walk(kernel, journal, family, {
    kernel(k, i) {
      out.bytes(open);
      out.ascii(k.target);
      out.bytes(mid(k.family, k.target));
      out.bytes(expiry(k.expiresIn));
      if (k.packets !== undefined) out.ascii(`      "packets": ${k.packets},\n      "bytes": ${k.bytes ?? 0},\n`);
      out.bytes(i < 0 ? NULL_STORY : story(i, false));
      open = NEXT_ROW;
    },
    missing(target, i) {
      out.bytes(open);
      out.ascii(target);
      out.bytes(mid(records[i].family, target));
      out.bytes(story(i, true));
      open = NEXT_ROW;
    },
  });
  out.text(`${open === FIRST_ROW ? ']' : '\n  ]'},\n  "drift": ${nested(drift, 1)}\n}\n`);
  return out.finish();
}
