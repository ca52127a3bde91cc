// Ban targets as users type them: addresses or prefixes, on the command line or one per line in a file
// ("#" comments and blank lines allowed). Every bad value is refused with its place named; nothing is guessed.
import { InputError } from '../errors.js';
import { formatPrefix, maskBytes, parsePrefix, type Family, type Prefix } from '../net/address.js';

export interface Target {
  /** Canonical text: "192.0.2.66", "2001:db8::/64". */
  target: string;
  family: Family;
  prefix: Prefix;
  isPrefix: boolean;
}

/**
 * Plain canonical dotted quads (the whole of a 100k-line blocklist, typically) skip the general parser: its
 * per-address allocations dominated `ban --file` time. Anything unusual falls through to parsePrefix.
 */
let pool = new Uint8Array(0);
let poolUsed = 0;

/** 4-byte views into a shared block: one allocation per 16k addresses instead of one each. */
function quadBytes(): Uint8Array {
  if (poolUsed + 4 > pool.length) {
    pool = new Uint8Array(65536);
    poolUsed = 0;
  }
  poolUsed += 4;
  return pool.subarray(poolUsed - 4, poolUsed);
}

function parseDottedQuad(text: string): Uint8Array | undefined {
  let a = 0;
  let b = 0;
  let c = 0;
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (digits > 0 && value === 0) return undefined; // leading zero: not canonical
      value = value * 10 + (ch - 48);
      if (++digits > 3 || value > 255) return undefined;
    } else if (ch === 46 && digits > 0 && part < 3) {
      if (part === 0) a = value;
      else if (part === 1) b = value;
      else c = value;
      part++;
      value = 0;
      digits = 0;
    } else return undefined;
  }
  if (part !== 3 || digits === 0) return undefined;
  const bytes = quadBytes();
  bytes[0] = a;
  bytes[1] = b;
  bytes[2] = c;
  bytes[3] = value;
  return bytes;
}

/** Parses one value; returns the sentence fragment describing the problem on failure. */
export function parseTarget(text: string, source: string): Target | string {
  const quad = parseDottedQuad(text);
  if (quad) return { target: text, family: 4, prefix: { family: 4, bytes: quad, length: 32 }, isPrefix: false };
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
  return { target: formatPrefix(p), family: p.family, prefix: p, isPrefix: p.length < max };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.target) && (seen.add(t.target), true));
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
  let line = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    line++;
    let value = text.slice(start, end);
    const hash = value.indexOf('#');
    if (hash >= 0) value = value.slice(0, hash);
    value = value.trim();
    if (value !== '') {
      const quad = parseDottedQuad(value);
      const t = quad
        ? {
            target: value,
            family: 4 as const,
            prefix: { family: 4 as const, bytes: quad, length: 32 },
            isPrefix: false,
          }
        : parseTarget(value, `${name} line ${line}`);
      if (typeof t === 'string') problems.push(t);
      else out.push(t);
    }
    start = end + 1;
  }
  if (problems.length > 0) fail(problems, what);
  return dedupe(out);
}
