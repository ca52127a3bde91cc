// IPv4/IPv6 address and prefix parsing, canonical text and prefix matching. Pure: no I/O.
// Addresses are kept as bytes (4 or 16) so IPv4 and IPv6 share one code path; IPv4 also as a uint32 for hot paths.
import { isIPv6 } from 'node:net';

export type Family = 4 | 6;

export interface Prefix {
  family: Family;
  /** Network bytes (host bits zeroed when masked). */
  bytes: Uint8Array;
  /** Prefix length: 32/128 for a single address. */
  length: number;
}

/** Parses a literal IPv4 or IPv6 address (no prefix, no zone); returns undefined when it is not one. */
export function parseAddress(text: string): { family: Family; bytes: Uint8Array } | undefined {
  // The dotted-quad reader accepts exactly what isIPv4 does, without a regular expression and an array per call.
  const v4 = parseDottedQuad(text);
  if (v4 >= 0) return { family: 4, bytes: uint32ToIPv4Bytes(v4) };
  if (isIPv6(text) && !text.includes('%')) return { family: 6, bytes: parseIPv6(text) };
  return undefined;
}

function parseIPv6(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let head = text;
  let tail = '';
  const dbl = text.indexOf('::');
  if (dbl >= 0) {
    head = text.slice(0, dbl);
    tail = text.slice(dbl + 2);
  }
  const toWords = (part: string): number[] => {
    if (part === '') return [];
    const words: number[] = [];
    for (const group of part.split(':')) {
      if (group.includes('.')) {
        const v4 = group.split('.').map(Number);
        words.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else words.push(parseInt(group, 16));
    }
    return words;
  };
  const h = toWords(head);
  const t = toWords(tail);
  h.forEach((w, i) => {
    out[i * 2] = w >> 8;
    out[i * 2 + 1] = w & 0xff;
  });
  t.forEach((w, i) => {
    const j = 8 - t.length + i;
    out[j * 2] = w >> 8;
    out[j * 2 + 1] = w & 0xff;
  });
  return out;
}

/**
 * Parses `addr` or `addr/len`. With `mask` (the default) host bits are cleared, so 10.0.0.5/8 means 10.0.0.0/8.
 * Returns a reason string on failure so callers can name the value and what is wrong with it.
 */
export function parsePrefix(text: string, mask = true): Prefix | string {
  const slash = text.indexOf('/');
  const addrText = slash >= 0 ? text.slice(0, slash) : text;
  const addr = parseAddress(addrText);
  if (!addr) return `"${addrText}" is not an IPv4 or IPv6 address`;
  const max = addr.family === 4 ? 32 : 128;
  let length = max;
  if (slash >= 0) {
    const lenText = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(lenText) || Number(lenText) > max) {
      return `prefix length "${lenText}" must be a whole number from 0 to ${max}`;
    }
    length = Number(lenText);
  }
  const bytes = mask ? maskBytes(addr.bytes, length) : addr.bytes;
  return { family: addr.family, bytes, length };
}

export function maskBytes(bytes: Uint8Array, length: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const bits = Math.max(0, Math.min(8, length - i * 8));
    out[i] &= bits === 0 ? 0 : (0xff << (8 - bits)) & 0xff;
  }
  return out;
}

/** True when `bytes` (an address of the same family) lies inside `prefix`. */
export function prefixContains(prefix: Prefix, family: Family, bytes: Uint8Array): boolean {
  if (prefix.family !== family) return false;
  let bits = prefix.length;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & m) !== (prefix.bytes[i] & m)) return false;
  }
  return true;
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lowercase, longest zero run compressed). */
export function formatAddress(family: Family, bytes: Uint8Array): string {
  if (family === 4) return [bytes[0], bytes[1], bytes[2], bytes[3]].join('.');
  const words = WORDS;
  for (let i = 0; i < 8; i++) words[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  // Characters go into one scratch buffer and come out as one flat string: the text is kept for as long as its
  // source, and per-word strings joined together were most of a replay's garbage per IPv6 scanner.
  const text = TEXT;
  let n = 0;
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      // The run becomes "::", which also separates it from the words on either side.
      text[n++] = COLON;
      text[n++] = COLON;
      i += bestLen - 1;
      continue;
    }
    if (i > 0 && i !== bestStart + bestLen) text[n++] = COLON;
    n = writeHex(text, n, words[i]);
  }
  return text.toString('latin1', 0, n);
}

const COLON = 0x3a;
const HEX_DIGITS = '0123456789abcdef';
/** Room for the longest IPv6 text: eight four-digit words and seven colons. */
const TEXT = Buffer.alloc(39);

/** Writes `word` in lowercase hex without leading zeros at `text[n]`; returns the end. */
function writeHex(text: Buffer, n: number, word: number): number {
  let shift = word >= 0x1000 ? 12 : word >= 0x100 ? 8 : word >= 0x10 ? 4 : 0;
  for (; shift >= 0; shift -= 4) text[n++] = HEX_DIGITS.charCodeAt((word >> shift) & 0xf);
  return n;
}

const WORDS = new Uint16Array(8);

export function formatPrefix(prefix: Prefix): string {
  const text = formatAddress(prefix.family, prefix.bytes);
  return prefix.length === (prefix.family === 4 ? 32 : 128) ? text : `${text}/${prefix.length}`;
}

/** Canonical form of an address literal, or undefined when it is not one (e.g. "::FFFF:1" → "::ffff:1"). */
export function canonicalAddress(text: string): string | undefined {
  const a = parseAddress(text);
  return a && formatAddress(a.family, a.bytes);
}

export function ipv4ToUint32(bytes: Uint8Array, offset = 0): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}

/**
 * A plain canonical dotted quad as a uint32 — exactly the text parseAddress reads as IPv4 and formatAddress writes
 * back unchanged — or -1 for anything else (leading zeros, spaces, prefixes, IPv6), which is the general parser's.
 * No allocation and no node:net: a 100k-line blocklist, and the kernel's own addresses, are mostly such text.
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

/** The four bytes of an IPv4 address held as a uint32. */
export function uint32ToIPv4Bytes(n: number): Uint8Array {
  return Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

export function uint32ToIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** Loopback: 127.0.0.0/8, ::1, and IPv4-mapped loopback. */
export function isLoopback(family: Family, bytes: Uint8Array): boolean {
  if (family === 4) return bytes[0] === 127;
  let zeros = 0;
  while (zeros < 15 && bytes[zeros] === 0) zeros++;
  if (zeros === 15) return bytes[15] === 1;
  return zeros >= 10 && bytes[10] === 0xff && bytes[11] === 0xff && bytes[12] === 127;
}

/** True when the 16 bytes of two IPv6 addresses are equal. */
export function equal16(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
