// A ban target — an address or a prefix in canonical form — and the packed list of them that travels from the
// command line or a file to the kernel and the journal. The one parser of a target's text lives here; it refuses
// rather than guesses (host bits set, leading zeros), returning the sentence fragment that says why. Pure.
import {
  formatPrefix,
  ipv4ToUint32,
  maskBytes,
  parseDottedQuad,
  parsePrefix,
  uint32ToIPv4,
  uint32ToIPv4Bytes,
  type Family,
  type Prefix,
} from './address.js';

export interface Target {
  /** Canonical text: "192.0.2.66", "2001:db8::/64". */
  target: string;
  family: Family;
  /** Absent for a single IPv4 address (see v4); prefixOf() builds it on demand. */
  prefix?: Prefix;
  isPrefix: boolean;
  /** A single IPv4 address as a uint32: the form the never-ban check and the kernel encoder use. */
  v4?: number;
}

/** The target as a Prefix (built from v4 for single IPv4 addresses). */
export function prefixOf(t: Target): Prefix {
  if (t.prefix) return t.prefix;
  const v = t.v4 ?? 0;
  return { family: 4, bytes: uint32ToIPv4Bytes(v), length: 32 };
}

/** Parses one value; returns the sentence fragment describing the problem on failure. */
export function parseTarget(text: string, source: string): Target | string {
  const v4 = parseDottedQuad(text);
  if (v4 >= 0) return { target: text, family: 4, isPrefix: false, v4 };
  const net = parseIPv4Network(text);
  if (net !== undefined) return net;
  const parsed = parsePrefix(text, false);
  if (typeof parsed === 'string') {
    return parsed.startsWith('"')
      ? `${source}: "${text}" is not an IPv4 or IPv6 address or prefix`
      : `${source}: "${text}" has a bad ${parsed}`;
  }
  // An IPv4-mapped IPv6 address (::ffff:10.77.0.66) in the IPv6 set would match no packet: IPv4 traffic reaches
  // the kernel's IPv4 set. It is the IPv4 address it names.
  const p = mappedToIPv4(parsed) ?? parsed;
  const max = p.family === 4 ? 32 : 128;
  const masked = maskBytes(p.bytes, p.length);
  if (masked.some((b, i) => b !== p.bytes[i])) {
    const fixed = formatPrefix({ ...p, bytes: masked });
    return `${source}: "${text}" has host bits set; write the network, ${fixed}`;
  }
  const target = formatPrefix(p);
  if (p.family === 4 && p.length === 32) return { target, family: 4, isPrefix: false, v4: parseDottedQuad(target) };
  return { target, family: p.family, prefix: p, isPrefix: p.length < max };
}

/** A note for each argument that is an IPv4-mapped IPv6 address, naming the IPv4 target it stands for. */
export function describeMappedArgs(args: readonly string[]): string[] {
  const notes: string[] = [];
  for (const a of args) {
    const p = a.includes(':') ? parsePrefix(a.trim(), false) : undefined;
    const v4 = p === undefined || typeof p === 'string' ? undefined : mappedToIPv4(p);
    if (v4) {
      notes.push(
        `${a.trim()} is an IPv4-mapped IPv6 address: taken as ${formatPrefix(v4).replace(/\/32$/, '')}, since IPv4 packets are matched by the IPv4 set`,
      );
    }
  }
  return notes;
}

/** ::ffff:a.b.c.d[/96+n] as a.b.c.d[/n]; undefined for any other prefix. */
export function mappedToIPv4(p: Prefix): Prefix | undefined {
  if (p.family !== 6 || p.length < 96) return undefined;
  const b = p.bytes;
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return undefined;
  if (b[10] !== 0xff || b[11] !== 0xff) return undefined;
  return { family: 4, bytes: b.slice(12, 16), length: p.length - 96 };
}

/**
 * A canonical IPv4 network, "198.51.100.0/24" (no leading zeros, no host bits), read without the general parser's
 * temporaries: a blocklist of 100k such lines is most of what `ban --file` with prefixes parses. Anything else,
 * errors included, is undefined and left to the general parser.
 */
function parseIPv4Network(text: string): Target | undefined {
  const slash = text.indexOf('/');
  if (slash < 7 || slash > 15) return undefined;
  const addr = parseDottedQuad(text.slice(0, slash));
  const digits = text.length - slash - 1;
  if (addr < 0 || digits < 1 || digits > 2) return undefined;
  let length = 0;
  for (let i = slash + 1; i < text.length; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9 || (i === slash + 1 && c === 0 && digits > 1)) return undefined;
    length = length * 10 + c;
  }
  if (length > 32) return undefined;
  const hostBits = length === 0 ? addr : addr % 2 ** (32 - length);
  if (hostBits !== 0) return undefined;
  if (length === 32) return { target: text.slice(0, slash), family: 4, isPrefix: false, v4: addr };
  return { target: text, family: 4, prefix: { family: 4, bytes: uint32ToIPv4Bytes(addr), length }, isPrefix: true };
}

/**
 * Targets in input order, first occurrences only: IPv4 addresses and networks as uint32s in one typed array (with
 * each one's prefix length beside it in `v4len`, absent when every one is a single address), the rest (IPv6) as
 * Target objects, each placed before the `otherAt[i]`-th IPv4 entry. A 100k-line blocklist, of addresses or of
 * networks, is typed arrays from file to kernel and journal; text is made only for what is printed.
 */
export class TargetList {
  constructor(
    readonly v4: Uint32Array,
    readonly others: readonly Target[] = [],
    readonly otherAt: readonly number[] = [],
    /** The prefix length of each v4 entry (32: a single address); undefined = all single addresses. */
    readonly v4len?: Uint8Array,
  ) {}

  static from(targets: readonly Target[]): TargetList {
    const v4 = new Uint32Array(targets.length);
    let len: Uint8Array | undefined;
    let n = 0;
    const others: Target[] = [];
    const otherAt: number[] = [];
    for (const t of targets) {
      if (t.v4 !== undefined) v4[n++] = t.v4;
      else if (t.family === 4 && t.prefix) {
        len ??= new Uint8Array(targets.length).fill(32);
        len[n] = t.prefix.length;
        v4[n++] = ipv4ToUint32(t.prefix.bytes);
      } else {
        others.push(t);
        otherAt.push(n);
      }
    }
    return new TargetList(v4.subarray(0, n), others, otherAt, len?.subarray(0, n));
  }

  get length(): number {
    return this.v4.length + this.others.length;
  }

  /** The prefix length of v4[i]: 32 for a single address. */
  lengthAt(i: number): number {
    return this.v4len === undefined ? 32 : this.v4len[i];
  }

  /** The canonical text of v4[i]. */
  v4Text(i: number): string {
    const length = this.lengthAt(i);
    const text = uint32ToIPv4(this.v4[i]);
    return length === 32 ? text : `${text}/${length}`;
  }

  /** v4[i] as a Target object. */
  v4Target(i: number): Target {
    const v = this.v4[i];
    const length = this.lengthAt(i);
    if (length === 32) return { target: uint32ToIPv4(v), family: 4, isPrefix: false, v4: v };
    const prefix: Prefix = { family: 4, bytes: uint32ToIPv4Bytes(v), length };
    return { target: this.v4Text(i), family: 4, prefix, isPrefix: true };
  }

  /** The IPv4 entries [from, to) alone, sharing this list's memory (the others left out). */
  sliceV4(from: number, to: number): TargetList {
    return new TargetList(this.v4.subarray(from, to), [], [], this.v4len?.subarray(from, to));
  }

  /** The first `max` targets as canonical text, in input order. */
  texts(max = Infinity): string[] {
    const out: string[] = [];
    const { v4, others, otherAt } = this;
    const n = Math.min(max, this.length);
    for (let i = 0, j = 0; out.length < n; i++) {
      while (j < others.length && otherAt[j] === i && out.length < n) out.push(others[j++].target);
      if (i < v4.length && out.length < n) out.push(this.v4Text(i));
    }
    return out;
  }

  /** The canonical texts, so that a list in a --json result prints as the array of strings it stands for. */
  toJSON(): string[] {
    return this.texts();
  }

  /** Every target as a Target object, in input order (for the small lists of `unban`). */
  toArray(): Target[] {
    const out: Target[] = [];
    const { v4, others, otherAt } = this;
    for (let i = 0, j = 0; i <= v4.length; i++) {
      while (j < others.length && otherAt[j] === i) out.push(others[j++]);
      if (i < v4.length) out.push(this.v4Target(i));
    }
    return out;
  }
}
