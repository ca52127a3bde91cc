// The live listener check ("smart verify"): a port with a socket listening on it now is a service, not a tripwire.
// Read from /proc/net of our own network namespace, cached: answers "listening" from a snapshot up to 1 s old,
// but re-reads before answering "not listening" once the snapshot is older than 50 ms, so a service that has just
// started is not mistaken for a tripwire (that answer is the one that leads to a ban). Families are merged: an
// IPv6 wildcard listener usually accepts IPv4 too, and /proc does not say whether it is v6-only.
import { readFileSync } from 'node:fs';
import { parseProcNetPorts } from './proc-net.js';

export interface ListenerTableOptions {
  /** Directory holding tcp, tcp6, udp, udp6 (default /proc/net). */
  procNet?: string;
  maxAgeMs?: number;
  confirmAgeMs?: number;
  now?: () => number;
}

export class ListenerTable {
  private tcp = new Set<number>();
  private udp = new Set<number>();
  private readAt = -Infinity;
  private readonly dir: string;
  private readonly maxAge: number;
  private readonly confirmAge: number;
  private readonly now: () => number;
  /** Snapshots taken so far (for counters). */
  refreshes = 0;

  constructor(opts: ListenerTableOptions = {}) {
    this.dir = opts.procNet ?? '/proc/net';
    this.maxAge = opts.maxAgeMs ?? 1000;
    this.confirmAge = opts.confirmAgeMs ?? 50;
    this.now = opts.now ?? (() => performance.now());
  }

  isListening(protocol: 'tcp' | 'udp', port: number): boolean {
    const age = this.now() - this.readAt;
    if (age > this.maxAge) this.refresh();
    if (this.set(protocol).has(port)) return true;
    if (this.now() - this.readAt > this.confirmAge) {
      this.refresh();
      return this.set(protocol).has(port);
    }
    return false;
  }

  /** Re-reads the tables now. A missing table (IPv6 disabled) counts as empty. */
  refresh(): void {
    this.tcp = union(this.read('tcp', 'tcp'), this.read('tcp6', 'tcp'));
    this.udp = union(this.read('udp', 'udp'), this.read('udp6', 'udp'));
    this.readAt = this.now();
    this.refreshes++;
  }

  private set(protocol: 'tcp' | 'udp'): Set<number> {
    return protocol === 'tcp' ? this.tcp : this.udp;
  }

  private read(file: string, protocol: 'tcp' | 'udp'): Set<number> {
    try {
      return parseProcNetPorts(readFileSync(`${this.dir}/${file}`, 'latin1'), protocol);
    } catch {
      return new Set();
    }
  }
}

function union(a: Set<number>, b: Set<number>): Set<number> {
  for (const x of b) a.add(x);
  return a;
}
