// Per-source memory of the engine: hits counted towards SCAN_TRIGGER, whether the source is banned, and its
// ignore / never-ban standing, decided once. IPv4 sources are keyed by their uint32, IPv6 sources by their bytes;
// the address text is built once per source. Unbounded by default (replay: PortSentry 1.2 never forgets a source);
// with limits (watch), a source not seen for `idleMicros` of packet time expires and, past `maxSources`, the least
// recently seen go first, so a random-source flood cannot grow it. Time is the packets' own: no clock here.
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
  /** Packet time (µs) of its last hit; with limits only. */
  seen: number;
  /** Packet time (µs) when it joined the eviction queue; seen > queued = touched since (a second chance). */
  queued: number;
  /** Deleted or evicted: a leftover queue slot to skip. */
  gone: boolean;
}

export interface SourceLimits {
  maxSources: number;
  idleMicros: number;
}

export class SourceTable {
  private readonly v4 = new Map<number, SourceState>();
  private readonly v6 = new V6Map<SourceState>();
  private created = 0;
  /** With limits: every live state once, in the order it was (re)queued. */
  private queue: SourceState[] = [];
  private head = 0;

  constructor(private readonly limits?: SourceLimits) {}

  get size(): number {
    return this.v4.size + this.v6.size;
  }

  /** The state of an IPv4 source, created on first sight. */
  get4(addr: number, ts = 0): SourceState {
    let s = this.v4.get(addr);
    if (s === undefined) {
      if (this.limits) this.evict(ts);
      s = {
        index: this.created++,
        address: uint32ToIPv4(addr),
        family: 4,
        hits: 0,
        banned: false,
        listed: 0,
        standing: STANDING_UNKNOWN,
        seen: ts,
        queued: ts,
        gone: false,
      };
      this.v4.set(addr, s);
      if (this.limits) this.queue.push(s);
    } else if (this.limits) s.seen = ts;
    return s;
  }

  /** The state of an IPv6 source (16 bytes), created on first sight. */
  get6(bytes: Uint8Array, ts = 0): SourceState {
    let s = this.v6.get(bytes);
    if (s === undefined) {
      if (this.limits) this.evict(ts);
      s = {
        index: this.created++,
        address: formatAddress(6, bytes),
        family: 6,
        hits: 0,
        banned: false,
        listed: 0,
        standing: STANDING_UNKNOWN,
        seen: ts,
        queued: ts,
        gone: false,
      };
      this.v6.set(bytes, s);
      if (this.limits) this.queue.push(s);
    } else if (this.limits) s.seen = ts;
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
    const s = a.family === 4 ? this.v4.get(ipv4ToUint32(a.bytes)) : this.v6.get(a.bytes);
    if (s === undefined) return false;
    this.remove(s);
    return true;
  }

  private remove(s: SourceState): void {
    s.gone = true;
    if (s.family === 4) this.v4.delete(ipv4ToUint32(parseAddress(s.address)!.bytes));
    else this.v6.delete(parseAddress(s.address)!.bytes);
  }

  /**
   * Before a new source is added at packet time `ts`: expires sources idle too long and, when the table is full,
   * evicts the least recently seen (a source seen since it was queued goes to the back once: a second chance).
   */
  private evict(ts: number): void {
    const { maxSources, idleMicros } = this.limits!;
    const q = this.queue;
    let turns = q.length - this.head;
    while (this.head < q.length && turns-- > 0) {
      const s = q[this.head];
      if (s.gone) {
        this.head++;
        continue;
      }
      const idle = ts - s.seen > idleMicros;
      if (!idle && this.size < maxSources) break;
      this.head++;
      if (!idle && s.seen > s.queued) {
        s.queued = s.seen;
        q.push(s);
        continue;
      }
      this.remove(s);
    }
    if (this.head > 1024 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head).filter((s) => !s.gone);
      this.head = 0;
    }
  }

  /** Banned addresses, IPv4 (in first-seen order) before IPv6. */
  listBanned(): string[] {
    const out: string[] = [];
    for (const s of this.v4.values()) if (s.banned) out.push(s.address);
    for (const [, s] of this.v6.entries()) if (s.banned) out.push(s.address);
    return out;
  }
}
