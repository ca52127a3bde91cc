// Ban targets as users type them: addresses or prefixes, on the command line or one per line in a file
// ("#" comments and blank lines allowed). Every bad value is refused with its place named; nothing is guessed.
import { InputError } from '../errors.js';
import { formatPrefix, maskBytes, parsePrefix, type Family, type Prefix } from '../net/address.js';

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
  return { family: 4, bytes: Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff), length: 32 };
}

/**
 * A plain canonical dotted quad (the whole of a 100k-line blocklist, typically) as a uint32, or -1 for anything
 * else (leading zeros, spaces, prefixes, IPv6), which goes to the general parser. No allocation: the general
 * parser's per-address objects dominated `ban --file` time.
 */
export function parseDottedQuad(text: string): number {
  let out = 0;
  let part = 0;
  let value = 0;
  let digits = 0;
  const n = text.length;
  if (n < 7 || n > 15) return -1;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (digits > 0 && value === 0) return -1; // leading zero: not canonical
      value = value * 10 + (ch - 48);
      if (++digits > 3 || value > 255) return -1;
    } else if (ch === 46 && digits > 0 && part < 3) {
      out = out * 256 + value;
      part++;
      value = 0;
      digits = 0;
    } else return -1;
  }
  if (part !== 3 || digits === 0) return -1;
  return out * 256 + value;
}

/** Parses one value; returns the sentence fragment describing the problem on failure. */
export function parseTarget(text: string, source: string): Target | string {
  const v4 = parseDottedQuad(text);
  if (v4 >= 0) return { target: text, family: 4, isPrefix: false, v4 };
  const p = parsePrefix(text, false);
  if (typeof p === 'string') {
    return p.startsWith('"')
      ? `${source}: "${text}" is not an IPv4 or IPv6 address or prefix`
      : `${source}: "${text}" has a bad ${p}`;
  }
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
    let value = raw;
    const hash = value.indexOf('#');
    if (hash >= 0) value = value.slice(0, hash);
    value = value.trim();
    if (value === '') continue;
    const t = parseTarget(value, `${name} line ${i + 1}`);
    if (typeof t === 'string') problems.push(t);
    else out.push(t);
  }
  if (problems.length > 0) fail(problems, what);
  return dedupe(out);
}
