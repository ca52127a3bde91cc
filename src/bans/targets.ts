// Ban targets as users type them: addresses or prefixes, on the command line or one per line in a file
// ("#" comments and blank lines allowed). Every bad value is refused with its place named; nothing is guessed.
import { InputError } from '../errors.js';
import { ipv4ToUint32, parseDottedQuad } from '../net/address.js';
import { parseTarget, TargetList, type Target } from '../net/targets.js';

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
 * Drops repeated IPv4 entries (equal address and prefix length) from `vals[0, count)` and `lens` in place, keeping
 * first occurrences, and moves each `otherAt` along with them. Returns the new count.
 */
function dedupeAddresses(vals: Uint32Array, lens: Uint8Array, count: number, otherAt: number[]): number {
  let size = 16;
  while (size < count * 2) size *= 2;
  const slots = new Uint32Array(size);
  const slotLens = new Uint8Array(size);
  const used = new Uint8Array(size);
  const mask = size - 1;
  let kept = 0;
  let o = 0;
  for (let i = 0; i < count; i++) {
    while (o < otherAt.length && otherAt[o] === i) otherAt[o++] = kept;
    const v = vals[i];
    const len = lens[i];
    for (let h = (Math.imul(v, 0x9e3779b1) ^ len) >>> 0; ; h++) {
      h &= mask;
      if (!used[h]) {
        used[h] = 1;
        slots[h] = v;
        slotLens[h] = len;
        lens[kept] = len;
        vals[kept++] = v;
        break;
      }
      if (slots[h] === v && slotLens[h] === len) break;
    }
  }
  while (o < otherAt.length) otherAt[o++] = kept;
  return kept;
}

/**
 * Targets in a file's bytes: the same result and the same errors as parseTargetText on the decoded text, after
 * `first` (the command's arguments, which keep their place ahead of the file). Lines holding one canonical
 * dotted quad or IPv4 network (ASCII blanks around it and a comment after it allowed) are read straight from the
 * bytes into a Uint32Array and their prefix lengths into a Uint8Array; any other line is decoded and goes through
 * the general parser. Repeats are found with a hash table only when the entries are not already strictly
 * increasing, as sorted blocklists are.
 */
export function parseTargetBytes(
  buf: Buffer,
  name: string,
  what = 'the command',
  first: readonly Target[] = [],
): TargetList {
  const n = buf.length;
  // Every line that yields an address is at least 7 bytes ("0.0.0.0") plus its newline.
  const size = first.length + ((n + 1) >>> 3) + 1;
  const vals = new Uint32Array(size);
  const lens = new Uint8Array(size).fill(32);
  const scan = new Float64Array([0, 0, -1, 1, 0, 0]);
  const others: Target[] = [];
  const otherAt: number[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  const put4 = (v: number, len: number): void => {
    if (v < scan[LAST] || (v === scan[LAST] && len <= scan[LAST_LEN])) scan[SORTED] = 0;
    scan[LAST] = v;
    scan[LAST_LEN] = len;
    if (len !== 32) scan[NETS] = 1;
    lens[scan[COUNT]] = len;
    vals[scan[COUNT]++] = v;
  };
  const take = (t: Target): void => {
    if (t.v4 !== undefined) put4(t.v4, 32);
    else if (t.family === 4 && t.prefix) put4(ipv4ToUint32(t.prefix.bytes), t.prefix.length);
    else if (!seen.has(t.target)) {
      seen.add(t.target);
      others.push(t);
      otherAt.push(scan[COUNT]);
    }
  };
  for (const t of first) take(t);
  for (let i = scanLines(buf, 0, vals, lens, scan); i < n; i = scanLines(buf, i, vals, lens, scan)) {
    const end = lineEnd(buf, i);
    const t = parseLine(buf.toString('utf8', i, end), `${name} line ${++scan[LINE]}`);
    if (typeof t === 'string') problems.push(t);
    else if (t) take(t);
    i = end + 1;
  }
  if (problems.length > 0) fail(problems, what);
  let count = scan[COUNT];
  if (!scan[SORTED]) count = dedupeAddresses(vals, lens, count, otherAt);
  return new TargetList(vals.subarray(0, count), others, otherAt, scan[NETS] ? lens.subarray(0, count) : undefined);
}

/** Slots of the scan state shared by parseTargetBytes and scanLines. */
const COUNT = 0;
const LINE = 1;
/** The last entry's address and prefix length: entries in increasing order of the two cannot repeat. */
const LAST = 2;
const LAST_LEN = 5;
const SORTED = 3;
/** Set once an entry is a network rather than a single address. */
const NETS = 4;

/**
 * Reads lines from `i` while each is blank, a comment, one canonical dotted quad or one canonical IPv4 network
 * (blanks around it, a comment after it), appending the entries to `vals` and `lens`; returns where the first
 * other line starts (or n or beyond). Kept small: V8 optimises a small function with a hot loop far sooner than a
 * large one, and this loop reads every byte of a 100k-line file, once per process.
 */
function scanLines(buf: Uint8Array, i: number, vals: Uint32Array, lens: Uint8Array, scan: Float64Array): number {
  const n = buf.length;
  let count = scan[COUNT];
  let last = scan[LAST];
  let lastLen = scan[LAST_LEN];
  let sorted = scan[SORTED];
  let line = scan[LINE];
  let nets = scan[NETS];
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
      const a = v * 256 + value;
      let len = 32;
      if (c === 0x2f) {
        len = prefixLength(buf, i + 1);
        // Not a canonical network (no digits, a leading zero, over 32, host bits set): the general parser's.
        if (len < 0 || (len < 32 && a % 2 ** (32 - len) !== 0)) {
          i = start;
          break;
        }
        i += len > 9 ? 3 : 2;
        c = i < n ? buf[i] : 0x0a;
      }
      while (c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0b || c === 0x0c) c = ++i < n ? buf[i] : 0x0a;
      if (c === 0x0a || c === 0x23) {
        if (c === 0x23) i = lineEnd(buf, i);
        if (a < last || (a === last && len <= lastLen)) sorted = 0;
        if (len !== 32) nets = 1;
        last = a;
        lastLen = len;
        lens[count] = len;
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
  scan[LAST_LEN] = lastLen;
  scan[SORTED] = sorted;
  scan[LINE] = line;
  scan[NETS] = nets;
  return i;
}

/** The canonical prefix length (0-32, no leading zero, 1 or 2 digits) at buf[i], or -1. */
function prefixLength(buf: Uint8Array, i: number): number {
  const d1 = i < buf.length ? buf[i] - 0x30 : -1;
  if (d1 < 0 || d1 > 9) return -1;
  const d2 = i + 1 < buf.length ? buf[i + 1] - 0x30 : -1;
  if (d2 < 0 || d2 > 9) return d1;
  const d3 = i + 2 < buf.length ? buf[i + 2] - 0x30 : -1;
  if (d1 === 0 || (d3 >= 0 && d3 <= 9)) return -1;
  const len = d1 * 10 + d2;
  return len > 32 ? -1 : len;
}

function lineEnd(buf: Uint8Array, from: number): number {
  const nl = buf.indexOf(0x0a, from);
  return nl < 0 ? buf.length : nl;
}
