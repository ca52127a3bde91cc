// The live loop: capture → detector → responder, plus start-up (kernel objects, restore, seeding), SIGHUP reload
// and a clean stop that leaves every ban in the kernel. The parts are built elsewhere; this file wires them.
import type { Mode } from '../config/types.js';
import type { BanSet } from '../firewall/banset.js';
import type { BanContext } from '../bans/context.js';
import { buildNeverBanMatcher, gatherNeverBanLists, type NeverBanMatcher } from '../firewall/never-ban.js';
import type { LiveCapture } from '../capture/source.js';
import type { Packet } from '../packet/types.js';
import type { DetectedHit, DetectorEvent, DetectorOptions } from '../detect/types.js';
import { Detector } from '../detect/engine.js';
import { buildWatchTables } from '../detect/watched-ports.js';
import { formatAlertLines } from '../detect/log-lines.js';
import { parseModesFlag } from '../replay/options.js';
import { parsePrefix } from '../net/address.js';
import { Responder, type ResponseReport } from '../respond/responder.js';
import { ListenerTable } from '../capture/listeners.js';
import { createPacket } from '../packet/packet.js';
import { IPPROTO_TCP, TCP_SYN } from '../packet/types.js';
import { OwnAddresses } from './own-addresses.js';
import { recordBan } from './record-ban.js';
import { alertEvent, responseEvent, type WatchEvent } from './events.js';
import type { AlertLog } from './alert-log.js';
import type { WatchOptions } from './options.js';

export interface WatcherDeps {
  opts: WatchOptions;
  ctx: BanContext;
  /** Open (and set up) unless --dry-run. */
  banSet?: BanSet;
  /** How the block step is done: the set's kind, or `command` (KILL_ROUTE through the shell). */
  blockBackend: 'nftables' | 'route' | 'command';
  /** The never-ban matcher to start with. Default: gatherMatcher's. */
  matcher?: NeverBanMatcher;
  /**
   * The never-ban matcher as the host is now (its addresses, gateways, nameservers and the ignore file), asked at
   * start, on reload and every NEVER_BAN_REREAD_MS, so that a lease renewed or a route changed while the watch runs
   * is not left unprotected. Default: gathered from the system.
   */
  gatherMatcher?: (ctx: BanContext) => NeverBanMatcher;
  alerts: AlertLog;
  emit: (e: WatchEvent) => void;
  /** The warm-up's throwaway watcher: responses run only their ban-set step and nothing is recorded. */
  trial?: boolean;
  /** Called with every detector event (metrics). */
  onEvent?: (ev: DetectorEvent) => void;
  /** Called after a local ban is recorded (CrowdSec push: queues it and returns at once). */
  onBanned?: (d: DetectedHit, timeout: number) => void;
}

/** Made-up probes judged by the throwaway watcher at start-up (about one in four leads to a ban attempt). */
const WARM_PROBES = 2048;
/** How often, at most, the kernel is asked whether a source it should be dropping still is banned there. */
const RECHECK_MS = 1000;
/** How often the never-ban lists are gathered again, in the background (a few /proc reads, about a millisecond). */
export const NEVER_BAN_REREAD_MS = 30_000;

export class Watcher {
  private ctx: BanContext;
  private modes: Mode[];
  private detector: Detector;
  private readonly responder: Responder;
  private matcher: NeverBanMatcher;
  private matcherTimer?: NodeJS.Timeout;
  private readonly listeners = new ListenerTable();
  private readonly own = new OwnAddresses();
  private readonly inflight = new Set<Promise<void>>();
  /** Sources banned in the kernel set (seeded or by this watch), and when the kernel was last asked about each. */
  private readonly inKernel = new Map<string, number>();
  capture?: LiveCapture;
  alertCount = 0;
  banCount = 0;

  constructor(private readonly deps: WatcherDeps) {
    this.ctx = deps.ctx;
    this.matcher = deps.matcher ?? this.gatherMatcher(deps.ctx);
    this.modes = parseModesFlag(deps.opts.modes, deps.ctx.config);
    this.detector = this.buildDetector([]);
    this.listeners.startRefreshing();
    if (!deps.trial) {
      this.matcherTimer = setInterval(() => this.refreshNeverBan(), NEVER_BAN_REREAD_MS);
      this.matcherTimer.unref();
    }
    this.responder = new Responder({
      config: deps.ctx.config,
      backend: deps.blockBackend,
      banSet: deps.banSet,
      dryRun: deps.opts.dryRun,
      log: (l) => deps.alerts.line(l),
      trial: deps.trial,
    });
  }

  get activeModes(): readonly Mode[] {
    return this.modes;
  }

  get addresses(): string[] {
    return this.own.list();
  }

  /** Addresses the kernel already holds: their next probes are "already blocked", not new bans. */
  seed(addresses: Iterable<string>): number {
    let n = 0;
    for (const a of addresses) {
      if (!this.detector.markBanned(a)) continue;
      this.inKernel.set(a, -Infinity);
      n++;
    }
    return n;
  }

  /** The capture's callback: the hot path. */
  readonly onPacket = (p: Packet): void => {
    const ev = this.detector.process(p);
    if (ev) this.onEvent(ev);
  };

  private onEvent(ev: DetectorEvent): void {
    this.deps.onEvent?.(ev);
    if (ev.verdict === 'ignored' || ev.verdict === 'below-trigger') {
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
      return;
    }
    this.alertCount++;
    if (ev.verdict !== 'banned') {
      for (const l of formatAlertLines(ev)) this.deps.alerts.line(l);
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
      if (ev.verdict === 'already-banned') this.recheck(ev.detection.address);
      return;
    }
    const job = this.respond(ev).finally(() => this.inflight.delete(job));
    this.inflight.add(job);
  }

  private async respond(ev: DetectorEvent): Promise<void> {
    const d = ev.detection;
    // The response starts before anything is logged: when its plan starts with the kernel ban, that ban is sent
    // first and the detection line (and its JSON event) written in `announce`, still before any response line.
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      this.deps.alerts.line(formatAlertLines(ev)[0]);
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
    };
    let report: ResponseReport;
    try {
      report = await this.responder.respond(d, announce);
    } catch (err) {
      announce();
      this.deps.alerts.line(`attackalert: ERROR: response for host ${d.address} failed: ${(err as Error).message}`);
      return;
    }
    announce();
    const sinceProbeMs = Date.now() - ev.ts / 1000;
    if (this.deps.opts.json) this.deps.emit(responseEvent(report, sinceProbeMs));
    if (report.dryRun || report.refused || this.deps.trial) return;
    const banned = report.outcomes.some((o) => o.kind === 'ban-set' && o.ok);
    const planned = report.actions.some((a) => a.kind === 'ban-set');
    if (planned && !banned) {
      // The kernel refused the ban: let the next probe from this source try again.
      this.detector.forget(d.address);
      return;
    }
    if (banned) this.inKernel.set(d.address, -Infinity);
    if (report.blocked) this.banCount++;
    // BLOCK_*="2" (KILL_RUN_CMD only): PortSentry counts the response a success, and writes its history line, when
    // the shell could run the command, whatever its status.
    const commandOnly =
      report.outcomes.length > 0 &&
      report.outcomes.every((o) => o.kind === 'run' && o.shell !== undefined && !o.shell.notRun && !o.shell.error);
    if (!report.blocked && !banned && !commandOnly) return;
    const banSet = this.deps.banSet;
    try {
      const recorded = await recordBan({
        stateDir: this.ctx.stateDir,
        historyFile: this.ctx.historyFile,
        detection: d,
        timeout: this.ctx.config.banTimeout,
        journal: banned,
        stillHeld: banSet && (() => banSet.has(d.address)),
      });
      if (!recorded) {
        // Lifted (`portsentinel unban`) between the kernel ban and its journal line: judged afresh from now on.
        this.inKernel.delete(d.address);
        this.detector.forget(d.address);
      } else if (report.blocked) this.deps.onBanned?.(d, this.ctx.config.banTimeout);
    } catch (err) {
      this.deps.alerts.line(`attackalert: ERROR: could not record the ban of ${d.address}: ${(err as Error).message}`);
    }
  }

  /**
   * A probe from a source this watch banned in the kernel: the kernel drops a banned source's packets before they
   * are logged, so the ban may have ended (its timeout, `portsentinel unban`). If the kernel no longer holds it,
   * the detector forgets the source and its next probes are judged afresh.
   */
  private recheck(address: string): void {
    const banSet = this.deps.banSet;
    const last = this.inKernel.get(address);
    if (!banSet || last === undefined || this.deps.trial) return;
    const now = performance.now();
    if (now - last < RECHECK_MS) return;
    this.inKernel.set(address, now);
    const job = banSet
      .has(address)
      .then(
        (held) => {
          if (held || !this.inKernel.has(address)) return;
          this.inKernel.delete(address);
          this.detector.forget(address);
          this.deps.alerts.line(`attackalert: Host ${address} is no longer banned in the kernel; watching it again`);
        },
        () => undefined,
      )
      .finally(() => this.inflight.delete(job));
    this.inflight.add(job);
  }

  /** SIGHUP: a new context (config + ignore file), never-ban lists and detector; bans made so far stay known. */
  reload(ctx: BanContext): void {
    // Gathered first: lists that cannot be read fail the reload before anything changed.
    const matcher = this.gatherMatcher(ctx);
    const banned = this.detector.bannedAddresses();
    this.ctx = ctx;
    this.matcher = matcher;
    this.modes = parseModesFlag(this.deps.opts.modes, ctx.config);
    this.detector = this.buildDetector(banned);
    this.responder.reconfigure(ctx.config);
    this.own.refresh();
  }

  /**
   * Runs the path from a probe to its ban until V8 has compiled it, before any packet arrives: the first scan's ban
   * is the one on the clock, and code run for the first time (compiled on the spot, then interpreted) costs
   * milliseconds there. A throwaway watcher of the same code judges made-up probes from TEST-NET-2 sources to one
   * of our addresses and responds to them with the same configuration, but only the ban-set steps act: their bans
   * go to `scratchBans`, a ban set on a table that does not exist (the kernel refuses each), and nothing is
   * recorded. Nothing it decides reaches this watcher.
   */
  async warm(banSet?: BanSet, scratchBans?: BanSet): Promise<void> {
    this.listeners.isListening('tcp', 1);
    const trial = new Watcher({
      ...this.deps,
      matcher: this.matcher,
      trial: true,
      banSet: scratchBans,
      alerts: { line: () => undefined, close: async () => undefined, target: 'nowhere' },
      emit: () => undefined,
    });
    try {
      const ownV4 = this.own.firstV4();
      const { tcp } = buildWatchTables(this.ctx.config, this.modes);
      const watched: number[] = [];
      for (let port = 1; port < tcp.length && watched.length < 64; port++) if (tcp[port] !== 0) watched.push(port);
      const p = createPacket();
      p.dst4 = ownV4 ?? 0;
      p.proto = IPPROTO_TCP;
      p.tcpFlags = TCP_SYN;
      for (let i = 0; i < WARM_PROBES && ownV4 !== undefined && watched.length > 0; i++) {
        // Real timestamps are µs since the epoch: not small integers, which compiled code would assume otherwise.
        p.ts = Date.now() * 1000 + (i % 1000);
        p.src4 = (0xc6336400 | (1 + (i % 254))) >>> 0;
        p.dstPort = watched[i % watched.length];
        trial.onPacket(p);
        if (i % 256 === 255) await trial.drain(false);
      }
    } finally {
      await trial.drain();
    }
    await banSet?.has('192.0.2.255').catch(() => undefined);
  }

  /** Waits for responses still running (a command mid-flight finishes, bounded by COMMAND_TIMEOUT). */
  async drain(stopListeners = true): Promise<void> {
    if (stopListeners) {
      this.listeners.stop();
      clearInterval(this.matcherTimer);
    }
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private detectorOptions(): DetectorOptions {
    return {
      config: this.ctx.config,
      ignore: this.ctx.ignore,
      modes: this.modes,
      isProtected: this.own.isProtected,
      isListening: (protocol, port) => this.listeners.isListening(protocol, port),
      isNeverBan: (_family, address) => {
        const prefix = parsePrefix(address);
        return typeof prefix === 'string' ? undefined : this.matcher.refusal(prefix);
      },
    };
  }

  /**
   * Gathers the never-ban lists again (the timer's work; tests call it). Sources judged from then on are checked
   * against them; lists that cannot be read leave the ones from before in place.
   */
  refreshNeverBan(): void {
    try {
      this.matcher = this.gatherMatcher(this.ctx);
    } catch {
      // Kept as it was; the next round asks again.
    }
  }

  private gatherMatcher(ctx: BanContext): NeverBanMatcher {
    return this.deps.gatherMatcher?.(ctx) ?? buildNeverBanMatcher(gatherNeverBanLists(ctx.ignore));
  }

  private buildDetector(banned: string[]): Detector {
    const d = new Detector(this.detectorOptions());
    for (const a of banned) d.markBanned(a);
    return d;
  }
}
