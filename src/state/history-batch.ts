// HISTORY_FILE (and BLOCKED_FILE) lines for a whole batch of bans, as bytes: every line of one batch shares its
// time, port and protocol, so only the address differs, and the 100k IPv4 addresses or networks of a blocklist are
// written digit by digit from their uint32s, never becoming strings. Same text as formatHistoryLine for each target.
import { formatHistoryLine } from './history.js';
import type { PackedTargets } from './record.js';
import { putIPv4, putPrefixLength } from './ipv4-digits.js';

const SLASH = 0x2f;

/** "255.255.255.255" */
const MAX_V4 = 15;

/** formatHistoryLine(at, target, port, protocol) for every target, in input order, as one Buffer. */
export function formatHistoryBatch(targets: PackedTargets, at: Date, port: number, protocol: string): Buffer {
  const { v4, v4len, others, otherAt } = targets;
  // The line around the address: "EPOCH - MM/DD/YYYY HH:MM:SS Host: " and " Port: N PROTO Blocked\n".
  const sample = formatHistoryLine(at, '\u0000', port, protocol);
  const head = Buffer.from(sample.slice(0, sample.indexOf('\u0000')), 'latin1');
  const tail = Buffer.from(sample.slice(sample.lastIndexOf('\u0000') + 1), 'latin1');
  // An IPv4 network's text is its address and up to three bytes more ("/24").
  const lineMax = head.length + 2 * (MAX_V4 + (v4len ? 3 : 0)) + 1 + tail.length;
  let size = lineMax * v4.length + 2;
  for (const t of others) size += head.length + 2 * t.target.length + 1 + tail.length;
  const out = Buffer.allocUnsafe(size);
  let p = 0;
  let from = 0;
  // Each other target comes before the IPv4 entry at its otherAt.
  for (let j = 0; j < others.length; j++) {
    p = putLines(out, p, v4, v4len, from, otherAt[j], head, tail);
    from = otherAt[j];
    p = putTextLine(out, p, others[j].target, head, tail);
  }
  p = putLines(out, p, v4, v4len, from, v4.length, head, tail);
  return out.subarray(0, p);
}

/** The lines of v4[from, to). */
function putLines(
  out: Buffer,
  p: number,
  v4: Uint32Array,
  lengths: Uint8Array | undefined,
  from: number,
  to: number,
  head: Uint8Array,
  tail: Uint8Array,
): number {
  for (let i = from; i < to; i++) p = putLine(out, p, v4[i], lengths === undefined ? 32 : lengths[i], head, tail);
  return p;
}

/** The line of a target held as text: an IPv6 address or a prefix, canonical and so ASCII. */
function putTextLine(out: Buffer, p: number, text: string, head: Uint8Array, tail: Uint8Array): number {
  for (let k = 0; k < head.length; k++) out[p++] = head[k];
  for (let k = 0; k < text.length; k++) out[p++] = text.charCodeAt(k);
  out[p++] = SLASH;
  for (let k = 0; k < text.length; k++) out[p++] = text.charCodeAt(k);
  for (let k = 0; k < tail.length; k++) out[p++] = tail[k];
  return p;
}

/**
 * The line of an IPv4 address (`len` 32) or network, whose text is written once and copied after the slash. The
 * fixed parts go in as native copies: this runs once per line of a 100k-line batch, mostly before V8 has optimised
 * it, where every JS operation per byte counts.
 */
function putLine(out: Buffer, p: number, v: number, len: number, head: Uint8Array, tail: Uint8Array): number {
  out.set(head, p);
  p += head.length;
  const start = p;
  p = putIPv4(out, p, v);
  if (len !== 32) p = putPrefixLength(out, p, len);
  const end = p;
  out[p++] = SLASH;
  out.copyWithin(p, start, end);
  p += end - start;
  out.set(tail, p);
  return p + tail.length;
}
