// A ban set that touches no kernel: its "kernel" is a JSON file, so the ban commands, the journal merge and drift
// can be exercised without root (`--backend file`). Timeouts run against the wall clock like kernel timeouts.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { banEntries, type BanSet, type BanSetStatus, type BanTimeouts, type KernelBan } from './banset.js';
import type { TargetList } from '../net/targets.js';
import type { Family } from '../net/address.js';

interface StoredBan {
  family: Family;
  timeout?: number;
  /** Epoch ms when the element lapses; absent = permanent. */
  expires?: number;
}

interface Stored {
  ready: boolean;
  bans: Record<string, StoredBan>;
}

export class FileBanSet implements BanSet {
  readonly kind = 'file' as const;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {}

  private load(): Stored {
    if (!existsSync(this.file)) return { ready: false, bans: {} };
    const s = JSON.parse(readFileSync(this.file, 'utf8')) as Stored;
    const t = this.now();
    for (const [k, b] of Object.entries(s.bans)) if (b.expires !== undefined && b.expires <= t) delete s.bans[k];
    return s;
  }

  private save(s: Stored): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(s));
    renameSync(`${this.file}.tmp`, this.file);
  }

  async setup(): Promise<void> {
    const s = this.load();
    s.ready = true;
    this.save(s);
  }

  async teardown(): Promise<void> {
    this.save({ ready: false, bans: {} });
  }

  async status(): Promise<BanSetStatus> {
    const ready = this.load().ready;
    return { kind: this.kind, ready, problems: ready ? [] : ['dry-run set not set up'] };
  }

  async add(list: TargetList, timeouts: BanTimeouts): Promise<void> {
    const entries = banEntries(list, timeouts);
    const s = this.load();
    s.ready = true;
    const t = this.now();
    for (const e of entries) {
      s.bans[e.target] = {
        family: e.family,
        timeout: e.timeout,
        expires: e.timeout ? t + e.timeout * 1000 : undefined,
      };
    }
    this.save(s);
  }

  async remove(targets: string[]): Promise<string[]> {
    const s = this.load();
    const removed = targets.filter((t) => t in s.bans);
    for (const t of removed) delete s.bans[t];
    this.save(s);
    return removed;
  }

  async list(): Promise<KernelBan[]> {
    const t = this.now();
    return Object.entries(this.load().bans).map(([target, b]) => ({
      target,
      family: b.family,
      timeout: b.timeout,
      expiresIn: b.expires === undefined ? undefined : Math.max(0, Math.ceil((b.expires - t) / 1000)),
    }));
  }

  async has(target: string): Promise<boolean> {
    return target in this.load().bans;
  }

  async close(): Promise<void> {}
}
