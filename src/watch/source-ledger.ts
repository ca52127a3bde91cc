// What the watch knows it did about each source that reached SCAN_TRIGGER, so that every line it logs is true: a
// source is "already banned" only while the kernel holds it (or a command that exited 0 blocked it); a source the
// rate cap refused is remembered as refused, with the evidence that ranks it for the next free slot. Bounded: the
// least recently seen entries go first once MAX_LEDGER_SOURCES are held.
import type { DetectedHit } from '../detect/types.js';
import type { Evidence, WindowBan } from '../respond/rate-cap.js';

/**
 * - pending: its response is running (its probes meanwhile are neither new bans nor "already banned");
 * - kernel: the kernel ban set holds it;
 * - blocked: blocked by something other than the ban set that reported success (hosts.deny, a KILL_ROUTE or
 *   KILL_RUN_CMD that exited 0);
 * - refused: the rate cap refused it; banned when the window has room or it outranks a ban in it;
 * - failed: every blocking step failed; tried again from `retryAt`;
 * - done: responded to without blocking (dry run, BLOCK_* with nothing to run): its later probes are not acted on.
 */
export type Standing = 'pending' | 'kernel' | 'blocked' | 'refused' | 'failed' | 'done';

export interface LedgerEntry {
  address: string;
  standing: Standing;
  evidence: Evidence;
  /** The last hit, as the detector reported it (for a deferred ban's response). */
  hit: DetectedHit;
  /** Packet time (µs) of that hit. */
  ts: number;
  /** Its slot in the rate cap's window, while it holds one. */
  slot?: WindowBan;
  retryAt?: number;
}

/** Distinct ports remembered per source: more adds no rank among real scanners, only memory. */
export const MAX_PORTS_PER_SOURCE = 256;
/**
 * Sources the ledger holds at most (least recently seen evicted first): enough for every ban a window can hold and
 * thousands of refused candidates, small enough (about 1 MB) that a random-source flood cannot grow the watch.
 */
export const MAX_LEDGER_SOURCES = 4096;

interface Held extends LedgerEntry {
  firstPort: number;
  /** Made on the second distinct port: a spoofed source never needs one. */
  portSet?: Set<number>;
}

export class SourceLedger {
  private readonly entries = new Map<string, Held>();

  constructor(private readonly max = MAX_LEDGER_SOURCES) {}

  get size(): number {
    return this.entries.size;
  }

  get(address: string): LedgerEntry | undefined {
    return this.entries.get(address);
  }

  /** Records a hit (its port towards the source's evidence) and marks the source most recently seen. */
  touch(hit: DetectedHit, ts: number, standing: Standing = 'refused'): LedgerEntry {
    const address = hit.address;
    let e = this.entries.get(address);
    if (e === undefined) {
      e = { address, standing, evidence: { ports: 1, lastSeen: ts / 1000 }, hit: { ...hit }, ts, firstPort: hit.port };
      this.entries.set(address, e);
      this.evict();
      return e;
    }
    this.entries.delete(address);
    this.entries.set(address, e);
    if (e.evidence.ports === 0) {
      e.firstPort = hit.port;
      e.evidence.ports = 1;
    } else if (hit.port !== e.firstPort && e.evidence.ports < MAX_PORTS_PER_SOURCE) {
      e.portSet ??= new Set([e.firstPort]);
      e.portSet.add(hit.port);
      e.evidence.ports = e.portSet.size;
    }
    e.evidence.lastSeen = ts / 1000;
    Object.assign(e.hit, hit);
    e.ts = ts;
    return e;
  }

  /** Marks an address (one found in the kernel at start) as held by the kernel. */
  markKernel(address: string, hit: DetectedHit): void {
    const known = this.entries.get(address);
    if (known) {
      known.standing = 'kernel';
      return;
    }
    const evidence = { ports: 0, lastSeen: 0 };
    this.entries.set(address, { address, standing: 'kernel', evidence, hit, ts: 0, firstPort: -1 });
    this.evict();
  }

  delete(address: string): void {
    this.entries.delete(address);
  }

  /** The best-ranked refused source seen since `since` (ms), or undefined. */
  strongestRefused(since: number, ranks: (a: Evidence, b: Evidence) => boolean): LedgerEntry | undefined {
    let best: LedgerEntry | undefined;
    for (const e of this.entries.values()) {
      if (e.standing !== 'refused' || e.evidence.lastSeen < since) continue;
      if (best === undefined || ranks(e.evidence, best.evidence)) best = e;
    }
    return best;
  }

  /** Entries of one standing (status figures, tests). */
  count(standing: Standing): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.standing === standing) n++;
    return n;
  }

  private evict(): void {
    // A response in flight or a slot of the current window is still needed: such entries move to the back. There
    // are at most as many as the cap allows, so the loop ends.
    for (let turns = this.entries.size; this.entries.size > this.max && turns > 0; turns--) {
      const [oldest, e] = this.entries.entries().next().value as [string, Held];
      this.entries.delete(oldest);
      if (e.standing === 'pending' || e.slot !== undefined) this.entries.set(oldest, e);
    }
  }
}
