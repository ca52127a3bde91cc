// The live listener check ("smart verify"): a port with a socket listening on it now is a service, not a tripwire.
// Read from /proc/net of our own network namespace. Reading /proc/net/tcp costs milliseconds however few sockets
// there are (the kernel walks its whole connection hash table), far too slow for the path from a scan's first
// probe to its ban; so the snapshot is refreshed in the background (asynchronously, every 500 ms) and a lookup
// only reads it. Only when the snapshot is older than maxAge (the refresher stalled or was never started) does a
// lookup re-read synchronously. Families are merged: an IPv6 wildcard listener usually accepts IPv4 too, and /proc
// does not say whether it is v6-only.
import { readFileSync, promises as fs } from 'node:fs';
import { parseProcNetPorts } from './proc-net.js';

export interface ListenerTableOptions {
  /** Directory holding tcp, tcp6, udp, udp6 (default /proc/net). */
  procNet?: string;
  /** A lookup older than this re-reads synchronously (default 1 s). */
  maxAgeMs?: number;
  now?: () => number;
}

const FILES = [
  ['tcp', 'tcp'],
  ['tcp6', 'tcp'],
  ['udp', 'udp'],
  ['udp6', 'udp'],
] as const;

// One clock function for every table: compiled callers then see a single call target.
const monotonicMs = (): number => performance.now();

export class ListenerTable {
  private tcp = new Set<number>();
  private udp = new Set<number>();
  private readAt = -Infinity;
  private readonly dir: string;
  private readonly maxAge: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private refreshing = false;
  /** Snapshots taken so far (for counters). */
  refreshes = 0;

  constructor(opts: ListenerTableOptions = {}) {
    this.dir = opts.procNet ?? '/proc/net';
    this.maxAge = opts.maxAgeMs ?? 1000;
    this.now = opts.now ?? monotonicMs;
  }

  isListening(protocol: 'tcp' | 'udp', port: number): boolean {
    if (this.now() - this.readAt > this.maxAge) this.refresh();
    return (protocol === 'tcp' ? this.tcp : this.udp).has(port);
  }

  /** Re-reads the tables now, synchronously. A missing table (IPv6 disabled) counts as empty. */
  refresh(): void {
    this.apply(FILES.map(([file]) => this.readSync(file)));
  }

  /** Keeps the snapshot fresh in the background until stop(). */
  startRefreshing(everyMs = 500): void {
    this.refresh();
    this.timer = setInterval(() => void this.refreshAsync(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async refreshAsync(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      const texts = await Promise.all(
        FILES.map(([file]) => fs.readFile(`${this.dir}/${file}`, 'latin1').catch(() => '')),
      );
      this.apply(texts);
    } finally {
      this.refreshing = false;
    }
  }

  private apply(texts: string[]): void {
    const tcp = new Set<number>();
    const udp = new Set<number>();
    FILES.forEach(([, protocol], i) => {
      for (const p of parseProcNetPorts(texts[i], protocol)) (protocol === 'tcp' ? tcp : udp).add(p);
    });
    this.tcp = tcp;
    this.udp = udp;
    this.readAt = this.now();
    this.refreshes++;
  }

  private readSync(file: string): string {
    try {
      return readFileSync(`${this.dir}/${file}`, 'latin1');
    } catch {
      return '';
    }
  }
}
