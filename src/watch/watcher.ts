// The live loop: capture → detector → responder, plus start-up (kernel objects, restore, seeding), SIGHUP reload
// and a clean stop that leaves every ban in the kernel. The parts are built elsewhere; this file wires them.
import type { Mode } from '../config/types.js';
import type { BanSet } from '../firewall/banset.js';
import type { BanContext } from '../bans/context.js';
import type { NeverBanMatcher } from '../firewall/never-ban.js';
import type { LiveCapture } from '../capture/source.js';
import type { Packet } from '../packet/types.js';
import type { DetectorEvent } from '../detect/types.js';
import { Detector } from '../detect/engine.js';
import { formatAlertLines } from '../detect/log-lines.js';
import { parseModesFlag } from '../replay/options.js';
import { parsePrefix } from '../net/address.js';
import { Responder, type ResponseReport } from '../respond/responder.js';
import { ListenerTable } from '../capture/listeners.js';
import { createPacket } from '../packet/packet.js';
import { IPPROTO_TCP, TCP_SYN } from '../packet/types.js';
import { planActions } from '../respond/plan.js';
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
  matcher: NeverBanMatcher;
  alerts: AlertLog;
  emit: (e: WatchEvent) => void;
}

export class Watcher {
  private ctx: BanContext;
  private modes: Mode[];
  private detector: Detector;
  private readonly responder: Responder;
  private matcher: NeverBanMatcher;
  private readonly listeners = new ListenerTable();
  private readonly own = new OwnAddresses();
  private readonly inflight = new Set<Promise<void>>();
  capture?: LiveCapture;
  alertCount = 0;
  banCount = 0;

  constructor(private readonly deps: WatcherDeps) {
    this.ctx = deps.ctx;
    this.matcher = deps.matcher;
    this.modes = parseModesFlag(deps.opts.modes, deps.ctx.config);
    this.detector = this.buildDetector([]);
    this.listeners.startRefreshing();
    this.responder = new Responder({
      config: deps.ctx.config,
      backend: deps.blockBackend,
      banSet: deps.banSet,
      dryRun: deps.opts.dryRun,
      log: (l) => deps.alerts.line(l),
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
    for (const a of addresses) if (this.detector.markBanned(a)) n++;
    return n;
  }

  /** The capture's callback: the hot path. */
  readonly onPacket = (p: Packet): void => {
    const ev = this.detector.process(p);
    if (ev) this.onEvent(ev);
  };

  private onEvent(ev: DetectorEvent): void {
    if (ev.verdict === 'ignored' || ev.verdict === 'below-trigger') {
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
      return;
    }
    this.alertCount++;
    if (ev.verdict !== 'banned') {
      for (const l of formatAlertLines(ev)) this.deps.alerts.line(l);
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
      return;
    }
    // The detection line first, then the response runs and logs each step as it completes.
    this.deps.alerts.line(formatAlertLines(ev)[0]);
    if (this.deps.opts.json) this.deps.emit(alertEvent(ev));
    const job = this.respond(ev).finally(() => this.inflight.delete(job));
    this.inflight.add(job);
  }

  private async respond(ev: DetectorEvent): Promise<void> {
    const d = ev.detection;
    let report: ResponseReport;
    try {
      report = await this.responder.respond(d);
    } catch (err) {
      this.deps.alerts.line(`attackalert: ERROR: response for host ${d.address} failed: ${(err as Error).message}`);
      return;
    }
    const sinceProbeMs = Date.now() - ev.ts / 1000;
    if (this.deps.opts.json) this.deps.emit(responseEvent(report, sinceProbeMs));
    if (report.dryRun || report.refused) return;
    const banned = report.outcomes.some((o) => o.kind === 'ban-set' && o.ok);
    const planned = report.actions.some((a) => a.kind === 'ban-set');
    if (planned && !banned) {
      // The kernel refused the ban: let the next probe from this source try again.
      this.detector.forget(d.address);
      return;
    }
    if (report.blocked) this.banCount++;
    if (!report.blocked && !banned) return;
    try {
      await recordBan({
        stateDir: this.ctx.stateDir,
        historyFile: this.ctx.historyFile,
        detection: d,
        timeout: this.ctx.config.banTimeout,
        journal: banned,
      });
    } catch (err) {
      this.deps.alerts.line(`attackalert: ERROR: could not record the ban of ${d.address}: ${(err as Error).message}`);
    }
  }

  /** SIGHUP: a new context (config + ignore file), never-ban lists and detector; bans made so far stay known. */
  reload(ctx: BanContext, matcher: NeverBanMatcher): void {
    const banned = this.detector.bannedAddresses();
    this.ctx = ctx;
    this.matcher = matcher;
    this.modes = parseModesFlag(this.deps.opts.modes, ctx.config);
    this.detector = this.buildDetector(banned);
    this.responder.reconfigure(ctx.config);
    this.own.refresh();
  }

  /**
   * Runs the lookups a first detection needs once before any packet arrives: the first scan's ban must not pay
   * for cold code paths, a first netlink round trip or the first never-ban lookups.
   */
  async warm(banSet?: BanSet): Promise<void> {
    const probe = parsePrefix('192.0.2.255');
    if (typeof probe !== 'string') this.matcher.refusal(probe);
    this.listeners.isListening('tcp', 1);
    // A throwaway detector judges a made-up probe (TEST-NET-1 broadcast address to a watched port), so the real
    // one's first verdict runs compiled code; nothing it decides is acted on.
    const scratch = new Detector({
      config: this.ctx.config,
      ignore: this.ctx.ignore,
      modes: this.modes,
      isProtected: () => true,
      isListening: (protocol, port) => this.listeners.isListening(protocol, port),
      isNeverBan: () => undefined,
    });
    const p = createPacket();
    p.src4 = 0xc00002ff;
    p.dst4 = 0xc00002fe;
    p.proto = IPPROTO_TCP;
    p.tcpFlags = TCP_SYN;
    for (let port = 1; port < 64; port++) {
      p.dstPort = port;
      const ev = scratch.process(p);
      if (ev) {
        formatAlertLines(ev);
        planActions(this.ctx.config, ev.detection, this.deps.blockBackend);
      }
    }
    await banSet?.has('192.0.2.255').catch(() => undefined);
  }

  /** Waits for responses still running (a command mid-flight finishes, bounded by COMMAND_TIMEOUT). */
  async drain(): Promise<void> {
    this.listeners.stop();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private buildDetector(banned: string[]): Detector {
    const d = new Detector({
      config: this.ctx.config,
      ignore: this.ctx.ignore,
      modes: this.modes,
      isProtected: this.own.isProtected,
      isListening: (protocol, port) => this.listeners.isListening(protocol, port),
      isNeverBan: (_family, address) => {
        const prefix = parsePrefix(address);
        return typeof prefix === 'string' ? undefined : this.matcher.refusal(prefix);
      },
    });
    for (const a of banned) d.markBanned(a);
    return d;
  }
}
