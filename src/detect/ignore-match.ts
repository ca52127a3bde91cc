// The ignore list compiled for matching: IPv4 prefixes as (network, mask) integers, IPv6 kept as prefixes.
// Both sides are masked, as PortSentry 1.2 does, so "10.0.0.5/8" covers 10.0.0.0/8.
import type { IgnoreEntry } from '../config/types.js';
import { ipv4ToUint32, prefixContains } from '../net/address.js';

export interface IgnoreMatcher {
  /** The entry covering this IPv4 source, if any. */
  match4(addr: number): IgnoreEntry | undefined;
  /** The entry covering this IPv6 source (16 bytes), if any. */
  match6(bytes: Uint8Array): IgnoreEntry | undefined;
}

function maskOf(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function compileIgnore(entries: readonly IgnoreEntry[]): IgnoreMatcher {
  const v4 = entries
    .filter((e) => e.prefix.family === 4)
    .map((e) => {
      const mask = maskOf(e.prefix.length);
      return { entry: e, mask, net: (ipv4ToUint32(e.prefix.bytes) & mask) >>> 0 };
    });
  const v6 = entries.filter((e) => e.prefix.family === 6);
  return {
    match4(addr: number) {
      for (const r of v4) if ((addr & r.mask) >>> 0 === r.net) return r.entry;
      return undefined;
    },
    match6(bytes: Uint8Array) {
      for (const e of v6) if (prefixContains(e.prefix, 6, bytes)) return e;
      return undefined;
    },
  };
}

/** How a report names the entry: its text and where it was written. */
export function describeIgnoreEntry(e: IgnoreEntry): string {
  return `ignore list entry "${e.text}" (${e.file}:${e.line})`;
}
