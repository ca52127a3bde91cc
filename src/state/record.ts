// The journal's record shapes: one JSON object per line, never rewritten in place. A line is either one target
// (`target`, as `watch` writes it) or a batch of targets of one family sharing every other field (`targets`, as
// `ban --file`, `unban --all`, restores and compaction write it): 100k bans are one line with the shared fields once.
import { uint32ToIPv4, type Family } from '../net/address.js';
import type { Mode } from '../config/types.js';
import { putIPv4, putPrefixLength } from './ipv4-digits.js';

/**
 * Who asked: a person (`ban`), the live detector (`watch`), `setup --restore` re-applying a journal ban, or a
 * CrowdSec Local API decision (`crowdsec pull`).
 */
/** Who made a ban; the journal reader accepts these and no other (check-record.ts). */
export const ORIGINS = ['manual', 'watch', 'restore', 'crowdsec'] as const;
export type Origin = (typeof ORIGINS)[number];

export interface Trigger {
  port: number;
  protocol: 'tcp' | 'udp';
  mode: Mode;
  scanType: string;
}

/** What every ban of one record shares. */
export interface BanFields {
  family: Family;
  /** Epoch milliseconds of the ban. */
  at: number;
  /** Epoch milliseconds when the ban ends; absent = permanent. */
  until?: number;
  reason?: string;
  origin: Origin;
  trigger?: Trigger;
}

export interface BanRecord extends BanFields {
  op: 'ban';
  target: string;
}

export interface BanBatchRecord extends BanFields {
  op: 'ban';
  /** Canonical targets, all of `family`. */
  targets: string[];
}

export interface UnbanRecord {
  op: 'unban';
  target: string;
  family: Family;
  at: number;
  origin: Origin;
}

export interface UnbanBatchRecord {
  op: 'unban';
  targets: string[];
  family: Family;
  at: number;
  origin: Origin;
}

export type JournalRecord = BanRecord | UnbanRecord | BanBatchRecord | UnbanBatchRecord;
export type AnyBanRecord = BanRecord | BanBatchRecord;

/** How many targets a record names. */
export function targetCount(r: JournalRecord): number {
  return 'targets' in r ? r.targets.length : 1;
}

/** A record's targets, in order (a fresh array only for a single-target record). */
export function recordTargets(r: JournalRecord): readonly string[] {
  return 'targets' in r ? r.targets : [r.target];
}

/** The record's shared fields after its target(s), formatted once: `,"family":4,"at":…}`. */
function tail(r: JournalRecord): string {
  if (r.op === 'unban') return `,"family":${r.family},"at":${r.at},"origin":"${r.origin}"}\n`;
  let text = `,"family":${r.family},"at":${r.at}`;
  if (r.until !== undefined) text += `,"until":${r.until}`;
  if (r.reason !== undefined) text += `,"reason":${JSON.stringify(r.reason)}`;
  text += `,"origin":"${r.origin}"`;
  if (r.trigger !== undefined) text += `,"trigger":${JSON.stringify(r.trigger)}`;
  return text + '}\n';
}

/**
 * One line of the journal (with its newline). Hand-built: a batch of 100k targets is one join. Targets are
 * canonical address text (no quotes or escapes to worry about). A batch of one is written in the single form.
 */
export function formatRecord(r: JournalRecord): string {
  const head = `{"op":"${r.op}",`;
  if (!('targets' in r)) return `${head}"target":"${r.target}"${tail(r)}`;
  if (r.targets.length === 1) return `${head}"target":"${r.targets[0]}"${tail(r)}`;
  return `${head}"targets":["${r.targets.join('","')}"]${tail(r)}`;
}

/**
 * The records for many bans sharing everything but target and family (one `ban` command, one restore): one batch
 * per family, so 100k addresses are one line. Empty when there are no targets.
 */
export function banBatches(
  targets: ReadonlyArray<{ target: string; family: Family }>,
  shared: Omit<BanFields, 'family'>,
): BanBatchRecord[] {
  const four: string[] = [];
  const six: string[] = [];
  for (const t of targets) (t.family === 4 ? four : six).push(t.target);
  const out: BanBatchRecord[] = [];
  for (const [family, list] of [
    [4, four],
    [6, six],
  ] as const) {
    if (list.length > 0) out.push({ op: 'ban', targets: list, family, ...withoutUndefined(shared) });
  }
  return out;
}

/** The unban records for `targets` (family from the text), one batch per family. */
export function unbanBatches(targets: readonly string[], at: number, origin: Origin): UnbanBatchRecord[] {
  const four: string[] = [];
  const six: string[] = [];
  for (const t of targets) (t.includes(':') ? six : four).push(t);
  const out: UnbanBatchRecord[] = [];
  if (four.length > 0) out.push({ op: 'unban', targets: four, family: 4, at, origin });
  if (six.length > 0) out.push({ op: 'unban', targets: six, family: 6, at, origin });
  return out;
}

function withoutUndefined<T extends object>(o: T): T {
  const out = {} as T;
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** The journal text of bans sharing everything but target and family: one line per family. */
export function formatBanLines(
  targets: ReadonlyArray<{ target: string; family: Family }>,
  shared: Omit<BanFields, 'family'>,
): string {
  let text = '';
  for (const r of banBatches(targets, shared)) text += formatRecord(r);
  return text;
}

/**
 * Targets as the ban commands hold them: IPv4 addresses and networks as uint32s (with their prefix lengths in
 * `v4len`, absent when all are single addresses), the rest as text placed among them.
 */
export interface PackedTargets {
  v4: Uint32Array;
  v4len?: Uint8Array;
  others: ReadonlyArray<{ target: string; family: Family }>;
  /** `others[i]` comes before `v4[otherAt[i]]`. */
  otherAt: readonly number[];
}

/**
 * formatBanLines for packed targets, as UTF-8 bytes: the IPv4 batch is written digit by digit from the uint32s
 * into one buffer, so 100k addresses never become 100k strings. Same text as formatBanLines of the same targets.
 */
export function formatPackedBanLines(targets: PackedTargets, shared: Omit<BanFields, 'family'>): Buffer {
  const { v4, v4len, others, otherAt } = targets;
  const others4 = others.filter((t) => t.family === 4);
  const six = others.filter((t) => t.family === 6).map((t) => t.target);
  const fields = withoutUndefined(shared);
  const parts: Buffer[] = [];
  const count4 = v4.length + others4.length;
  if (count4 === 1) {
    const target =
      v4.length === 1 ? uint32ToIPv4(v4[0]) + (v4len && v4len[0] !== 32 ? `/${v4len[0]}` : '') : others4[0].target;
    parts.push(Buffer.from(formatRecord({ op: 'ban', target, family: 4, ...fields })));
  } else if (count4 > 1) {
    const head = '{"op":"ban","targets":[';
    const end = `]${tail({ op: 'ban', targets: [], family: 4, ...fields })}`;
    let size = head.length + (v4len ? 21 : 18) * v4.length + Buffer.byteLength(end);
    for (const t of others4) size += Buffer.byteLength(t.target) + 3;
    const out = Buffer.allocUnsafe(size);
    let p = out.write(head, 0, 'latin1');
    let comma = false;
    let from = 0;
    for (let j = 0; j < others.length; j++) {
      if (others[j].family !== 4) continue;
      p = put(out, p, v4, v4len, from, otherAt[j], comma);
      comma ||= otherAt[j] > from;
      from = otherAt[j];
      if (comma) out[p++] = 0x2c;
      comma = true;
      out[p++] = 0x22;
      p += out.write(others[j].target, p, 'utf8');
      out[p++] = 0x22;
    }
    p = put(out, p, v4, v4len, from, v4.length, comma);
    p += out.write(end, p, 'utf8');
    parts.push(out.subarray(0, p));
  }
  if (six.length > 0) parts.push(Buffer.from(formatRecord({ op: 'ban', targets: six, family: 6, ...fields })));
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/** putAddresses, or putNetworks when there are prefix lengths. */
function put(
  out: Buffer,
  p: number,
  values: Uint32Array,
  lengths: Uint8Array | undefined,
  from: number,
  to: number,
  comma: boolean,
): number {
  return lengths
    ? putNetworks(out, p, values, lengths, from, to, comma)
    : putAddresses(out, p, values, from, to, comma);
}

/**
 * `"a.b.c.d"` for each of values[from, to) at `p`, comma-separated (and after a comma when `comma`); returns the
 * position after them. Three digits are written for every octet and the position moves by its own count, so up to
 * two bytes past the end are scratch: the caller's buffer leaves room. Kept small, like every per-address loop of
 * a bulk ban, so that V8 optimises it early in its one run.
 */
function putAddresses(out: Buffer, p: number, values: Uint32Array, from: number, to: number, comma: boolean): number {
  for (let i = from; i < to; i++) {
    if (comma || i > from) out[p++] = 0x2c;
    out[p++] = 0x22;
    p = putIPv4(out, p, values[i]);
    out[p++] = 0x22;
  }
  return p;
}

/**
 * putAddresses for entries with prefix lengths: `"a.b.c.d/n"`, or `"a.b.c.d"` for a length of 32 (a single
 * address's canonical text). Up to three bytes past the end are scratch.
 */
function putNetworks(
  out: Buffer,
  p: number,
  values: Uint32Array,
  lengths: Uint8Array,
  from: number,
  to: number,
  comma: boolean,
): number {
  for (let i = from; i < to; i++) {
    if (comma || i > from) out[p++] = 0x2c;
    out[p++] = 0x22;
    p = putIPv4(out, p, values[i]);
    if (lengths[i] !== 32) p = putPrefixLength(out, p, lengths[i]);
    out[p++] = 0x22;
  }
  return p;
}

/** Targets named over all records: the journal's size in bans and unbans, whatever its line count. */
export function entryCount(records: readonly JournalRecord[]): number {
  let n = 0;
  for (const r of records) n += targetCount(r);
  return n;
}
