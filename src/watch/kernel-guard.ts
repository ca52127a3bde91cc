// Keeps the kernel objects `watch` depends on in place while it runs. `nft flush ruleset` (what a firewall
// service's reload does) or `nft delete table inet portsentinel` would otherwise leave it running blind: no log
// rules, so no packets; no drop rules, so no bans. It listens to nf_tables change notifications (the multicast
// group `nft monitor` uses) and, when its table, a set, a chain or a rule is deleted, checks its objects and
// re-creates them, then puts back the journal's running bans; a periodic check backs the notifications up (and is
// all the route backend gets: routes have no notifications here). A repair that keeps failing ends the watch
// with an error, so that its supervisor restarts it.
import { monitorNftables } from '../netlink/nftables/monitor.js';
import type { RawNetlinkSocket } from '../netlink/transport.js';
import type { BanSet } from '../firewall/banset.js';
import { OperationError } from '../errors.js';

/** How long notifications are gathered before one check (a flush sends one per object). */
const SETTLE_MS = 20;
/** Every this many periodic checks, a full one (the rules too, which takes an `nft` run). */
const FULL_EVERY = 10;
/** Repairs tried in a row before the watch gives up. */
const MAX_ATTEMPTS = 3;
const RETRY_MS = 300;

export interface KernelGuardOptions {
  banSet: BanSet;
  /** Puts back the journal's running bans missing from the kernel (never-ban rules applied); how many. */
  restore: () => Promise<number>;
  /**
   * What is missing from the objects (one phrase each); empty when all is in place. The ban set's own status plus,
   * for nftables, the chains' drop and log rules.
   */
  inspect: (full: boolean) => Promise<string[]>;
  /** Put back missing journal bans on every periodic check, not only after a repair (routes: nothing notifies). */
  restoreEachCheck: boolean;
  /** One line per repair, and errors. */
  log: (line: string) => void;
  /** Periodic check, ms. */
  periodMs: number;
  /** Listen to nf_tables notifications (nftables backend). */
  notifications: boolean;
}

export class KernelGuard {
  private socket?: RawNetlinkSocket;
  private timer?: NodeJS.Timeout;
  private settle?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private full = false;
  private ticks = 0;
  private stopped = false;
  private fail!: (err: Error) => void;
  /** Rejects when the objects could not be repaired: the watch must end with an error. */
  readonly failed: Promise<never>;
  repairs = 0;

  constructor(private readonly opts: KernelGuardOptions) {
    this.failed = new Promise<never>((_resolve, reject) => (this.fail = reject));
    // Never an unhandled rejection when nobody waits on it (tests, a stopped watch).
    this.failed.catch(() => undefined);
  }

  start(): void {
    if (this.opts.notifications) this.listen();
    this.timer = setInterval(() => this.request(++this.ticks % FULL_EVERY === 0), this.opts.periodMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.settle);
    this.socket?.close();
    this.socket = undefined;
    await this.running?.catch(() => undefined);
  }

  private listen(): void {
    try {
      // ENOBUFS (notifications lost in a huge transaction) may hide a deletion: check then too.
      this.socket = monitorNftables(
        () => this.soon(),
        () => this.soon(),
      );
    } catch (err) {
      this.opts.log(
        `ERROR: cannot listen to nf_tables changes (${(err as Error).message}); checking every ${this.opts.periodMs} ms only`,
      );
    }
  }

  private soon(): void {
    if (this.settle || this.stopped) return;
    this.settle = setTimeout(() => {
      this.settle = undefined;
      void this.request(true);
    }, SETTLE_MS);
  }

  /** Runs a check now, or once more after the one running. */
  request(full = true): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.full ||= full;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.checkLoop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkLoop(): Promise<void> {
    do {
      this.again = false;
      const full = this.full;
      this.full = false;
      await this.check(full);
    } while (this.again && !this.stopped);
  }

  private async check(full: boolean): Promise<void> {
    const t0 = performance.now();
    let problems = await this.inspectSafely(full);
    let restored = 0;
    if (problems.length > 0) {
      let lastError: unknown;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS && !this.stopped; attempt++) {
        try {
          await this.opts.banSet.setup();
          break;
        } catch (err) {
          lastError = err;
          if (attempt === MAX_ATTEMPTS) {
            const why = err instanceof Error ? err.message : String(err);
            this.fail(
              new OperationError(
                `The kernel objects watch depends on were removed (${problems.join(', ')}) and could not be re-created: ${why}`,
                'E_KERNEL_REPAIR',
                lastError,
              ),
            );
            return;
          }
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    }
    // Bans missing from the kernel although the journal says they run (a flushed set, routes deleted by hand).
    if (problems.length === 0 && !this.opts.restoreEachCheck) return;
    try {
      restored = await this.opts.restore();
    } catch (err) {
      this.opts.log(`ERROR: could not re-apply the journal's running bans: ${(err as Error).message}`);
    }
    if (problems.length === 0 && restored === 0) return;
    this.repairs++;
    const ms = Math.round(performance.now() - t0);
    const what = problems.length > 0 ? `kernel objects were removed (${problems.join(', ')}); re-created them and` : '';
    problems = [];
    this.opts.log(
      `${what || 'bans were removed from the kernel;'} re-applied ${restored} running ban(s) from the journal in ${ms} ms`,
    );
  }

  private async inspectSafely(full: boolean): Promise<string[]> {
    try {
      return await this.opts.inspect(full);
    } catch (err) {
      return [`cannot be read: ${(err as Error).message}`];
    }
  }
}
