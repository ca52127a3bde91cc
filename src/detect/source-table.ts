// Per-source memory of the engine: hits counted towards SCAN_TRIGGER (they never expire, as in PortSentry),
// whether the source is banned, and its ignore / never-ban standing, decided once. IPv4 sources are keyed by
// their uint32, IPv6 sources by their bytes; the address text is built once per source.
import type { Family } from '../net/address.js';
import { formatAddress, parseAddress, uint32ToIPv4, ipv4ToUint32 } from '../net/address.js';
import { V6Map } from './v6-map.js';

export const STANDING_NONE = 0;
export const STANDING_IGNORED = 1;
export const STANDING_NEVER_BAN = 2;
export const STANDING_UNKNOWN = 3;

export const LISTED_TCP = 1;
export const LISTED_UDP = 2;

export interface SourceState {
  /** 0, 1, 2... in order of first sight: a dense key for per-source data kept elsewhere. */
  index: number;
  address: string;
  family: Family;
  hits: number;
  banned: boolean;
  /**
   * Protocols (LISTED_TCP | LISTED_UDP) whose BLOCK_* was 0 when this source triggered: PortSentry 1.2 still
   * writes such a host to that protocol's blocked file, so its later hits there are "already blocked".
   */
  listed: number;
  standing: number;
  reason?: string;
}

export class SourceTable {
  private readonly v4 = new Map<number, SourceState>();
  private readonly v6 = new V6Map<SourceState>();
  private created = 0;

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** The state of an IPv4 source, created on first sight. */
  get4(addr: number): SourceState {
    let s = this.v4.get(addr);
    if (s === undefined) {
      s = {
        index: this.created++,
        address: uint32ToIPv4(addr),
        family: 4,
        hits: 0,
        banned: false,
        listed: 0,
        standing: STANDING_UNKNOWN,
      };
      this.v4.set(addr, s);
    }
    return s;
  }

  /** The state of an IPv6 source (16 bytes), created on first sight. */
  get6(bytes: Uint8Array): SourceState {
    let s = this.v6.get(bytes);
    if (s === undefined) {
      s = {
        index: this.created++,
        address: formatAddress(6, bytes),
        family: 6,
        hits: 0,
        banned: false,
        listed: 0,
        standing: STANDING_UNKNOWN,
      };
      this.v6.set(bytes, s);
    }
    return s;
  }

  /** The state for an address literal, created when `create`; undefined for text that is no address. */
  lookup(text: string, create: boolean): SourceState | undefined {
    const a = parseAddress(text);
    if (!a) return undefined;
    if (a.family === 4) {
      const n = ipv4ToUint32(a.bytes);
      return create ? this.get4(n) : this.v4.get(n);
    }
    return create ? this.get6(a.bytes) : this.v6.get(a.bytes);
  }

  delete(text: string): boolean {
    const a = parseAddress(text);
    if (!a) return false;
    return a.family === 4 ? this.v4.delete(ipv4ToUint32(a.bytes)) : this.v6.delete(a.bytes);
  }

  /** Banned addresses, IPv4 (in first-seen order) before IPv6. */
  listBanned(): string[] {
    const out: string[] = [];
    for (const s of this.v4.values()) if (s.banned) out.push(s.address);
    for (const [, s] of this.v6.entries()) if (s.banned) out.push(s.address);
    return out;
  }
}
