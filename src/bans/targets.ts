// Ban targets as users type them: addresses or prefixes, on the command line or one per line in a file
// ("#" comments and blank lines allowed). Every bad value is refused with its place named; nothing is guessed.
import { InputError } from '../errors.js';
import {
  formatPrefix,
  maskBytes,
  parseDottedQuad,
  parsePrefix,
  uint32ToIPv4,
  uint32ToIPv4Bytes,
  type Family,
  type Prefix,
} from '../net/address.js';

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
 * Drops repeats, keeping first occurrences in order. IPv4 addresses are compared as uint32 in an open-addressing
 * table of typed arrays (a Set of 100k strings cost more than parsing them); everything else by canonical text.
 */
function dedupe(targets: Target[]): Target[] {
  let size = 16;
  while (size < targets.length * 2) size *= 2;
  const slots = new Uint32Array(size);
  const used = new Uint8Array(size);
  const mask = size - 1;
  const seen = new Set<string>();
  const out: Target[] = [];
  for (const t of targets) {
    const v = t.v4;
    if (v === undefined) {
      if (!seen.has(t.target)) {
        seen.add(t.target);
        out.push(t);
      }
      continue;
    }
    let h = Math.imul(v, 0x9e3779b1) >>> 0;
    for (;;) {
      h &= mask;
      if (!used[h]) {
        used[h] = 1;
        slots[h] = v;
        out.push(t);
        break;
      }
      if (slots[h] === v) break;
      h++;
    }
  }
  return out;
}

function fail(problems: string[], what: string): never {
  const more =
    problems.length > 1 ? ` (and ${problems.length - 1} more bad value${problems.length > 2 ? 's' : ''})` : '';
  throw new InputError(`${problems[0]}${more}; fix it and run ${what} again, nothing was changed`, 'E_TARGET');
}

/** Targets given as command arguments. */
export function parseTargetArgs(args: readonly string[], what = 'the command'): Target[] {
  const out: Target[] = [];
  const problems: string[] = [];
  args.forEach((a, i) => {
    const t = parseTarget(a.trim(), `argument ${i + 1}`);
    if (typeof t === 'string') problems.push(t);
    else out.push(t);
  });
  if (problems.length > 0) fail(problems, what);
  return dedupe(out);
}

/** One line of a targets file: its target, the problem with it, or undefined for a blank or comment line. */
function parseLine(raw: string, source: string): Target | string | undefined {
  let value = raw;
  const hash = value.indexOf('#');
  if (hash >= 0) value = value.slice(0, hash);
  value = value.trim();
  return value === '' ? undefined : parseTarget(value, source);
}

/** Targets in a file's text, one per line; `name` is the file name ("stdin" for -). */
export function parseTargetText(text: string, name: string, what = 'the command'): Target[] {
  const out: Target[] = [];
  const problems: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    // The common line is a bare canonical address: no trimming, no comment search, no objects but the Target.
    const v4 = parseDottedQuad(raw);
    if (v4 >= 0) {
      out.push({ target: raw, family: 4, isPrefix: false, v4 });
      continue;
    }
    const t = parseLine(raw, `${name} line ${i + 1}`);
    if (typeof t === 'string') problems.push(t);
    else if (t) out.push(t);
  }
  if (problems.length > 0) fail(problems, what);
  return dedupe(out);
}

/**
 * Targets in input order, first occurrences only: single IPv4 addresses as uint32s in one typed array, the rest
 * (IPv6, prefixes) as Target objects, each placed before the `otherAt[i]`-th address. A 100k-line blocklist is
 * one Uint32Array from file to kernel and journal; text is made only for what is printed.
 */
export class TargetList {
  constructor(
    readonly v4: Uint32Array,
    readonly others: readonly Target[] = [],
    readonly otherAt: readonly number[] = [],
  ) {}

  static from(targets: readonly Target[]): TargetList {
    const v4 = new Uint32Array(targets.length);
    let n = 0;
    const others: Target[] = [];
    const otherAt: number[] = [];
    for (const t of targets) {
      if (t.v4 !== undefined) v4[n++] = t.v4;
      else {
        others.push(t);
        otherAt.push(n);
      }
    }
    return new TargetList(v4.subarray(0, n), others, otherAt);
  }

  get length(): number {
    return this.v4.length + this.others.length;
  }

  /** The first `max` targets as canonical text, in input order. */
  texts(max = Infinity): string[] {
    const out: string[] = [];
    const { v4, others, otherAt } = this;
    const n = Math.min(max, this.length);
    for (let i = 0, j = 0; out.length < n; i++) {
      while (j < others.length && otherAt[j] === i && out.length < n) out.push(others[j++].target);
      if (i < v4.length && out.length < n) out.push(uint32ToIPv4(v4[i]));
    }
    return out;
  }

  /** Every target as a Target object, in input order (for the small lists of `unban`). */
  toArray(): Target[] {
    const out: Target[] = [];
    const { v4, others, otherAt } = this;
    for (let i = 0, j = 0; i <= v4.length; i++) {
      while (j < others.length && otherAt[j] === i) out.push(others[j++]);
      if (i < v4.length) out.push({ target: uint32ToIPv4(v4[i]), family: 4, isPrefix: false, v4: v4[i] });
    }
    return out;
  }
}

/**
 * Drops repeated addresses from `vals[0, count)` in place, keeping first occurrences, and moves each `otherAt`
 * along with them. Returns the new count.
 */
function dedupeAddresses(vals: Uint32Array, count: number, otherAt: number[]): number {
  let size = 16;
  while (size < count * 2) size *= 2;
  const slots = new Uint32Array(size);
  const used = new Uint8Array(size);
  const mask = size - 1;
  let kept = 0;
  let o = 0;
  for (let i = 0; i < count; i++) {
    while (o < otherAt.length && otherAt[o] === i) otherAt[o++] = kept;
    const v = vals[i];
    for (let h = Math.imul(v, 0x9e3779b1) >>> 0; ; h++) {
      h &= mask;
      if (!used[h]) {
        used[h] = 1;
        slots[h] = v;
        vals[kept++] = v;
        break;
      }
      if (slots[h] === v) break;
    }
  }
  while (o < otherAt.length) otherAt[o++] = kept;
  return kept;
}

/**
 * Targets in a file's bytes: the same result and the same errors as parseTargetText on the decoded text, after
 * `first` (the command's arguments, which keep their place ahead of the file). Lines holding one canonical
 * dotted quad (ASCII blanks around it and a comment after it allowed) are read straight from the bytes into a
 * Uint32Array; any other line is decoded and goes through the general parser. Repeats are found with a hash
 * table only when the addresses are not already strictly increasing, as sorted blocklists are.
 */
export function parseTargetBytes(
  buf: Buffer,
  name: string,
  what = 'the command',
  first: readonly Target[] = [],
): TargetList {
  const n = buf.length;
  // Every line that yields an address is at least 7 bytes ("0.0.0.0") plus its newline.
  const vals = new Uint32Array(first.length + ((n + 1) >>> 3) + 1);
  const scan = new Float64Array([0, 0, -1, 1]);
  const others: Target[] = [];
  const otherAt: number[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  const take = (t: Target): void => {
    if (t.v4 !== undefined) {
      if (t.v4 <= scan[LAST]) scan[SORTED] = 0;
      scan[LAST] = t.v4;
      vals[scan[COUNT]++] = t.v4;
    } else if (!seen.has(t.target)) {
      seen.add(t.target);
      others.push(t);
      otherAt.push(scan[COUNT]);
    }
  };
  for (const t of first) take(t);
  for (let i = scanLines(buf, 0, vals, scan); i < n; i = scanLines(buf, i, vals, scan)) {
    const end = lineEnd(buf, i);
    const t = parseLine(buf.toString('utf8', i, end), `${name} line ${++scan[LINE]}`);
    if (typeof t === 'string') problems.push(t);
    else if (t) take(t);
    i = end + 1;
  }
  if (problems.length > 0) fail(problems, what);
  let count = scan[COUNT];
  if (!scan[SORTED]) count = dedupeAddresses(vals, count, otherAt);
  return new TargetList(vals.subarray(0, count), others, otherAt);
}

/** Slots of the scan state shared by parseTargetBytes and scanLines. */
const COUNT = 0;
const LINE = 1;
const LAST = 2;
const SORTED = 3;

/**
 * Reads lines from `i` while each is blank, a comment or one canonical dotted quad (blanks around it, a comment
 * after it), appending the addresses to `vals`; returns where the first other line starts (or n or beyond).
 * Kept small: V8 optimises a small function with a hot loop far sooner than a large one, and this loop reads
 * every byte of a 100k-line file, once per process.
 */
function scanLines(buf: Uint8Array, i: number, vals: Uint32Array, scan: Float64Array): number {
  const n = buf.length;
  let count = scan[COUNT];
  let last = scan[LAST];
  let sorted = scan[SORTED];
  let line = scan[LINE];
  // Each pass reads one line; `i` ends on its newline (or at n), which the loop step skips.
  for (; i < n; i++) {
    const start = i;
    let c = buf[i];
    while (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c) c = ++i < n ? buf[i] : 0x0a;
    let v = 0;
    let octets = 0;
    let value = 0;
    let digits = 0;
    for (;;) {
      if (c >= 0x30 && c <= 0x39) {
        // A fourth digit or a leading zero is not canonical: the general parser words the error.
        if (digits === 3 || (digits > 0 && value === 0)) break;
        value = value * 10 + (c - 0x30);
        digits++;
      } else if (c === 0x2e && digits > 0 && octets < 3 && value <= 255) {
        v = v * 256 + value;
        octets++;
        value = 0;
        digits = 0;
      } else break;
      c = ++i < n ? buf[i] : 0x0a;
    }
    if (octets === 3 && digits > 0 && value <= 255) {
      while (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c) c = ++i < n ? buf[i] : 0x0a;
      if (c === 0x0a || c === 0x23) {
        if (c === 0x23) i = lineEnd(buf, i);
        const a = v * 256 + value;
        if (a <= last) sorted = 0;
        last = a;
        vals[count++] = a;
        line++;
        continue;
      }
    } else if (octets === 0 && digits === 0 && (c === 0x0a || c === 0x23)) {
      if (c === 0x23) i = lineEnd(buf, i);
      line++;
      continue;
    }
    i = start;
    break;
  }
  scan[COUNT] = count;
  scan[LAST] = last;
  scan[SORTED] = sorted;
  scan[LINE] = line;
  return i;
}

function lineEnd(buf: Uint8Array, from: number): number {
  const nl = buf.indexOf(0x0a, from);
  return nl < 0 ? buf.length : nl;
}
