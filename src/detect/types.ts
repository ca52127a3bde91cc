// The engine's vocabulary: what a hit is, what the engine decided about it, and what it needs from its host
// program (replay or watch) to decide. Pure types; no I/O.
import type { IgnoreEntry, Mode, PortSentryConfig } from '../config/types.js';
import type { Family } from '../net/address.js';
import type { Packet } from '../packet/types.js';
import type { SourceLimits } from './source-table.js';

export type Protocol = 'tcp' | 'udp';

/**
 * What the engine decided about one hit, in PortSentry 1.2's order of checks:
 * - ignored: the ignore file covers the source (PortSentry stays silent);
 * - never-ban: a safety rule covers it (loopback, the host's own address, ...): logged, never blocked;
 * - below-trigger: counted towards SCAN_TRIGGER, not yet acted on (PortSentry stays silent);
 * - banned: this hit triggered the response (BLOCK_* 1 or 2);
 * - already-banned: the source was blocked before, or logged under BLOCK_*="0" for this protocol, which 1.2
 *   also records as blocked ("is already blocked Ignoring");
 * - logged: BLOCK_* is 0, so the alert is logged and nothing else ("Ignoring TCP response ...").
 */
export type Verdict = 'ignored' | 'never-ban' | 'below-trigger' | 'banned' | 'already-banned' | 'logged';

/** One hit, shaped like respond/plan.ts's Detection so it can be handed to planActions as is. */
export interface DetectedHit {
  /** Canonical source address (dotted quad or RFC 5952). */
  address: string;
  family: Family;
  port: number;
  protocol: Protocol;
  mode: Mode;
  /** PortSentry's name for it: "TCP SYN/Normal scan", "UDP scan", "Connect from host", ... */
  scanType: string;
}

export interface DetectorEvent {
  /** Packet timestamp, µs since the epoch. */
  ts: number;
  verdict: Verdict;
  detection: DetectedHit;
  /** Hits counted from this source so far, this one included (0 for ignored / never-ban). */
  hits: number;
  /** The source's index in the engine's table: 0, 1, 2... in order of first sight. */
  sourceIndex: number;
  /** Why, for ignored and never-ban (the ignore entry or the safety rule). */
  reason?: string;
}

export interface DetectorOptions {
  config: PortSentryConfig;
  ignore: readonly IgnoreEntry[];
  modes: readonly Mode[];
  /** True when the packet is addressed to the protected host (one of its addresses). */
  isProtected(p: Packet): boolean;
  /** True when a real service listens on the port now (such a port is no tripwire in stealth modes). */
  isListening(protocol: Protocol, port: number, family: Family): boolean;
  /** A reason when the address must never be banned (own address, gateway, nameserver); undefined otherwise. */
  isNeverBan?(family: Family, address: string): string | undefined;
  /**
   * Hand out one event object, overwritten by every call to process(), instead of a new one per hit: for callers
   * that copy what they keep before the next packet (replay's collector), where a busy capture has hundreds of
   * thousands of hits.
   */
  reuseEvents?: boolean;
  /**
   * Bounds on the per-source state (watch): idle sources expire and the least recently seen are evicted past the
   * maximum. Without them every source is kept (replay, as PortSentry 1.2 did).
   */
  limits?: SourceLimits;
}
