// Ban targets as the kernel stores them: one key for an address (hash set), a [start, end) pair for a prefix
// (interval set), and back again when listing. Pure.
import { InputError } from '../errors.js';
import { formatAddress, formatPrefix, type Family } from '../net/address.js';
import { parseTarget, type Target } from '../net/targets.js';

/** A target from the canonical text a caller hands a backend (net/targets.ts parses it); InputError if it is not. */
export function targetOf(text: string): Target {
  const t = parseTarget(text.trim(), 'ban target');
  if (typeof t === 'string') throw new InputError(`${t}; give a canonical address or prefix.`, 'E_BAN_TARGET');
  return t;
}

const toBig = (b: Uint8Array): bigint => b.reduce((n, x) => (n << 8n) | BigInt(x), 0n);

function fromBig(n: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = size - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** First address after the prefix (the interval's end key), or undefined when the prefix reaches the top. */
export function prefixEnd(bytes: Uint8Array, length: number): Uint8Array | undefined {
  if (bytes.length === 4) {
    // IPv4 in plain numbers: a list of 100k prefixes would make 100k BigInts and their temporaries.
    const next = (((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0) + 2 ** (32 - length);
    if (next >= 2 ** 32) return undefined;
    return Uint8Array.of(next >>> 24, (next >>> 16) & 0xff, (next >>> 8) & 0xff, next & 0xff);
  }
  const bits = BigInt(bytes.length * 8);
  const next = toBig(bytes) + (1n << (bits - BigInt(length)));
  return next >> bits ? undefined : fromBig(next, bytes.length);
}

/** Smallest list of prefixes covering [start, end) (end undefined = to the top of the address space). */
export function rangeToPrefixes(family: Family, start: Uint8Array, end: Uint8Array | undefined): string[] {
  const size = start.length;
  const bits = BigInt(size * 8);
  let lo = toBig(start);
  const hi = end ? toBig(end) : 1n << bits;
  const out: string[] = [];
  while (lo < hi) {
    let hostBits = 0n;
    while (hostBits < bits && (lo & ((1n << (hostBits + 1n)) - 1n)) === 0n && lo + (1n << (hostBits + 1n)) <= hi) {
      hostBits++;
    }
    const length = Number(bits - hostBits);
    out.push(formatPrefix({ family, bytes: fromBig(lo, size), length }));
    lo += 1n << hostBits;
  }
  return out;
}

export const addressText = (family: Family, key: Uint8Array): string => formatAddress(family, key);

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}
