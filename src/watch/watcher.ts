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
import { formatAlertLines, formatDetectionLine } from '../detect/log-lines.js';
import { parseModesFlag } from '../detect/modes.js';
import { parseAddress, parsePrefix } from '../net/address.js';
import { BanWindow, ranksAbove, type WindowBan } from '../respond/rate-cap.js';
import * as responseLines from '../respond/log-lines.js';
import { withLock } from '../state/lock.js';
import { appendRecords } from '../state/journal.js';
import { SourceLedger, type LedgerEntry } from './source-ledger.js';
import { describeCounts, LogBudget } from './log-budget.js';
import { HeapGuard } from './heap-guard.js';
import { Responder, type ResponseReport } from '../respond/responder.js';
import { ListenerTable } from '../capture/listeners.js';
import { createPacket } from '../packet/packet.js';
import { IPPROTO_TCP, TCP_SYN } from '../packet/types.js';
import { OwnAddresses } from './own-addresses.js';
import { recordBan } from './record-ban.js';
import { alertEvent, responseEvent, type WatchEvent, type WatchVerdict } from './events.js';
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
/** A source whose response failed is tried again after this long (a broken KILL_ROUTE is not run per probe). */
export const RETRY_FAILED_MS = 5000;
/** A refused source is banned when the window has room only while it keeps probing: seen within this long. */
export const REFUSED_FRESH_MS = 30_000;
/** Hits a second logged one by one (each a line or two) before the rest are summarised once a second. */
export const LOG_HITS_PER_SECOND = 2;
/** JSON alert events a second before the rest are summarised once a second. */
export const EVENT_HITS_PER_SECOND = 50;
/**
 * Sources the detector tracks at most while watching (least recently seen evicted first; about 2 MB), and how long
 * a source unseen keeps its hit count: a random-source flood cannot grow the watch.
 */
export const MAX_TRACKED_SOURCES = 8192;
export const SOURCE_IDLE_MS = 3_600_000;
/** How often refused sources are considered for a freed slot and held-back hits summarised. */
const TICK_MS = 1000;
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
  /** What this watch did about each source that reached SCAN_TRIGGER: the truth its lines are written from. */
  private readonly ledger = new SourceLedger();
  /** When the kernel was last asked whether a source it should be dropping is still banned there. */
  private readonly checkedAt = new Map<string, number>();
  private window: BanWindow;
  private readonly lineBudget = new LogBudget(LOG_HITS_PER_SECOND);
  private readonly eventBudget = new LogBudget(EVENT_HITS_PER_SECOND);
  private tickTimer?: NodeJS.Timeout;
  private readonly heap = new HeapGuard();
  capture?: LiveCapture;
  alertCount = 0;
  banCount = 0;

  constructor(private readonly deps: WatcherDeps) {
    this.ctx = deps.ctx;
    this.matcher = deps.matcher ?? this.gatherMatcher(deps.ctx);
    this.modes = parseModesFlag(deps.opts.modes, deps.ctx.config);
    this.detector = this.buildDetector([]);
    this.listeners.startRefreshing();
    this.window = new BanWindow(deps.trial ? 0 : deps.ctx.config.maxBansPerMinute);
    if (!deps.trial) {
      this.matcherTimer = setInterval(() => this.refreshNeverBan(), NEVER_BAN_REREAD_MS);
      this.matcherTimer.unref();
      this.tickTimer = setInterval(() => this.tick(), TICK_MS);
      this.tickTimer.unref();
    }
    this.responder = new Responder({
      config: deps.ctx.config,
      backend: deps.blockBackend,
      banSet: deps.banSet,
      dryRun: deps.opts.dryRun,
      log: (l) => deps.alerts.line(l),
      trial: deps.trial,
      uncapped: true,
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
      const family = parseAddress(a)?.family ?? 4;
      this.ledger.markKernel(a, { address: a, family, port: 0, protocol: 'tcp', mode: 'stcp', scanType: '' });
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
    const v = ev.verdict;
    if (v === 'ignored' || v === 'below-trigger') {
      if (this.deps.opts.json && this.eventBudget.take(v)) this.deps.emit(alertEvent(ev));
      return;
    }
    this.alertCount++;
    // BLOCK_*="0" hosts are "already blocked" for the detector (PortSentry lists them) but never were banned.
    if (
      v === 'never-ban' ||
      v === 'logged' ||
      (v === 'already-banned' && !this.detector.isBanned(ev.detection.address))
    ) {
      this.report(ev, v === 'already-banned' ? 'already blocked (listed)' : v, formatAlertLines(ev));
      return;
    }
    this.judgeTrigger(ev);
  }

  /** A hit from a source at SCAN_TRIGGER: what the watch does depends on what it already did about the source. */
  private judgeTrigger(ev: DetectorEvent): void {
    const d = ev.detection;
    const before = this.ledger.get(d.address)?.standing;
    const e = this.ledger.touch(d, ev.ts);
    switch (before) {
      case 'kernel':
        // Its probe reached us, so the kernel may no longer hold it: "already banned" only once it is asked.
        this.recheck(e, ev);
        return;
      case 'blocked':
        this.reportAlreadyBanned(ev);
        return;
      case 'pending':
        this.report(ev, 'pending ban', [], 'pending');
        return;
      case 'done':
        return;
      case 'failed':
        if (Date.now() < (e.retryAt ?? 0)) {
          this.report(ev, 'failed, retried later', [], 'failed');
          return;
        }
        break;
    }
    this.consider(e, ev);
  }

  /** Bans the source when the cap allows it, in place of a weaker ban of the window when it outranks one; else refuses. */
  private consider(e: LedgerEntry, ev: DetectorEvent): void {
    if (this.window.hasRoom()) {
      this.ban(e, ev, this.window.take(e.address, e.evidence));
      return;
    }
    const weakest = this.window.weakest();
    if (weakest !== undefined && e.evidence.ports > weakest.evidence.ports) {
      this.window.release(weakest);
      // The weaker ban leaves the kernel before the stronger one enters it, so the kernel never holds more bans from
      // one window than the cap; the lift is logged after the stronger ban's lines.
      this.ban(e, ev, this.window.take(e.address, e.evidence), weakest);
      return;
    }
    e.standing = 'refused';
    this.refusedCount++;
    const lines = [
      formatDetectionLine(ev),
      responseLines.capDeferredLine(e.address, this.window.perMinute, e.evidence.ports),
    ];
    this.report(ev, 'refused (rate cap)', lines, 'refused');
  }

  /** Logs a hit's lines and JSON event, or counts it for the once-a-second summary when over budget. */
  private report(ev: DetectorEvent, kind: string, lines: string[], verdict?: WatchVerdict): void {
    if (this.lineBudget.take(kind)) for (const l of lines) this.deps.alerts.line(l);
    if (this.deps.opts.json && this.eventBudget.take(kind)) this.deps.emit(alertEvent(ev, verdict));
  }

  private ban(e: LedgerEntry, ev: DetectorEvent, slot: WindowBan, replacing?: WindowBan): void {
    e.standing = 'pending';
    e.slot = slot;
    const lifting = replacing && this.unbanWeaker(replacing);
    const hit = { ...ev, verdict: 'banned' as const, detection: { ...ev.detection } };
    const job = this.respond(e, hit, slot, replacing && { ban: replacing, removed: lifting! }).finally(() =>
      this.inflight.delete(job),
    );
    this.inflight.add(job);
  }

  /**
   * Takes a weaker ban of the window out of the kernel to make room for a stronger source. Its source is
   * remembered as refused from now on: if it keeps probing it is a candidate again. Resolves to the removal's error
   * message, or undefined once the kernel no longer holds it.
   */
  private unbanWeaker(weakest: WindowBan): Promise<string | undefined> {
    const entry = this.ledger.get(weakest.address);
    if (entry) {
      entry.standing = 'refused';
      if (entry.slot === weakest) entry.slot = undefined;
    }
    this.checkedAt.delete(weakest.address);
    const banSet = this.deps.banSet;
    if (!banSet) return Promise.resolve(undefined);
    return banSet.remove([weakest.address]).then(
      () => undefined,
      (err: Error) => err.message,
    );
  }

  private async respond(
    e: LedgerEntry,
    ev: DetectorEvent,
    slot: WindowBan,
    replacing?: { ban: WindowBan; removed: Promise<string | undefined> },
  ): Promise<void> {
    const d = ev.detection;
    // Lifted or not, the stronger source is banned: a weaker ban the kernel would not let go of only means the
    // window briefly holds one more.
    const liftFailure = replacing && (await replacing.removed);
    let lifted = false;
    /** The lift's log line and journal record, once: after the stronger ban's lines, whatever became of that ban. */
    const recordLift = () => {
      if (!replacing || lifted) return;
      lifted = true;
      this.lift(replacing.ban, e, liftFailure);
    };
    // The response starts before anything is logged: when its plan starts with the kernel ban, that ban is sent
    // first and the detection line (and its JSON event) written in `announce`, still before any response line.
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      this.deps.alerts.line(formatAlertLines(ev)[0]);
      // With the command backend nothing is blocked yet when the detection is announced: KILL_ROUTE runs next.
      const verdict = this.deps.blockBackend === 'command' ? 'pending' : undefined;
      if (this.deps.opts.json) this.deps.emit(alertEvent(ev, verdict));
    };
    const giveBack = () => {
      this.window.release(slot);
      if (e.slot === slot) e.slot = undefined;
      // The weaker ban is already out of the kernel: its slot stays free for the strongest refused source.
      recordLift();
    };
    let report: ResponseReport;
    try {
      report = await this.responder.respond(d, announce);
    } catch (err) {
      announce();
      this.deps.alerts.line(`attackalert: ERROR: response for host ${d.address} failed: ${(err as Error).message}`);
      e.standing = 'failed';
      e.retryAt = Date.now() + RETRY_FAILED_MS;
      giveBack();
      return;
    }
    announce();
    const sinceProbeMs = Date.now() - ev.ts / 1000;
    if (this.deps.opts.json) this.deps.emit(responseEvent(report, sinceProbeMs));
    if (report.dryRun || this.deps.trial || report.actions.length === 0) {
      e.standing = 'done';
      if (report.actions.length === 0) giveBack();
      else recordLift();
      return;
    }
    const banned = report.outcomes.some((o) => o.kind === 'ban-set' && o.ok);
    // BLOCK_*="2" (KILL_RUN_CMD only): the response succeeded, and its history line is written, when the command
    // exited 0.
    const commandOnly = report.outcomes.length > 0 && report.outcomes.every((o) => o.kind === 'run' && o.ok);
    if (!report.blocked && !banned && !commandOnly) {
      // Nothing blocks this host (the kernel refused the ban, a KILL_ROUTE failed): it is not "already blocked";
      // its slot goes back and a later probe tries again.
      e.standing = 'failed';
      e.retryAt = Date.now() + RETRY_FAILED_MS;
      giveBack();
      this.deps.alerts.line(responseLines.responseFailedLine(d.address, RETRY_FAILED_MS / 1000));
      return;
    }
    e.standing = banned ? 'kernel' : 'blocked';
    if (report.blocked || banned) this.banCount++;
    recordLift();
    const banSet = this.deps.banSet;
    try {
      const recorded = await recordBan({
        stateDir: this.ctx.stateDir,
        historyFile: this.ctx.historyFile,
        blockedFile: this.ctx.blockedFile,
        detection: d,
        timeout: this.ctx.config.banTimeout,
        journal: banned,
        stillHeld: banSet && (() => banSet.has(d.address)),
      });
      if (!recorded) {
        // Lifted (`portsentinel unban`) between the kernel ban and its journal line: judged afresh from now on.
        this.ledger.delete(d.address);
        this.detector.forget(d.address);
        return;
      }
      if (report.blocked || banned) this.deps.onBanned?.(d, this.ctx.config.banTimeout);
    } catch (err) {
      this.deps.alerts.line(`attackalert: ERROR: could not record the ban of ${d.address}: ${(err as Error).message}`);
    }
    // Only a ban that is in the kernel and journaled can be lifted to make room for a stronger source.
    if (banned && e.slot === slot) slot.liftable = true;
  }

  /**
   * Logs and journals the lift of a weaker ban of the window (out of the kernel already, see unbanWeaker) made for
   * a stronger source; a removal the kernel refused is logged as that step's failure, and not journaled.
   */
  private lift(weakest: WindowBan, stronger: LedgerEntry, failure: string | undefined): void {
    const address = weakest.address;
    if (failure !== undefined) {
      this.deps.alerts.line(responseLines.stepFailedLine(address, 'lifting the ban', failure));
      return;
    }
    const ports = weakest.evidence.ports;
    const forPorts = stronger.evidence.ports;
    this.deps.alerts.line(responseLines.liftedLine(address, ports, stronger.address, forPorts));
    if (this.deps.opts.json) this.deps.emit({ event: 'lifted', address, for: stronger.address, ports, forPorts });
    if (!this.deps.banSet) return;
    const family = parseAddress(address)?.family ?? 4;
    const job = withLock(this.ctx.stateDir, () =>
      appendRecords(this.ctx.stateDir, [{ op: 'unban', target: address, family, at: Date.now(), origin: 'watch' }]),
    )
      .catch((err: Error) =>
        this.deps.alerts.line(responseLines.stepFailedLine(address, 'recording the lift', err.message)),
      )
      .finally(() => this.inflight.delete(job));
    this.inflight.add(job);
  }

  /**
   * Once a second: refused sources still probing are banned, strongest first, while the window has room; hits held
   * back from the log (and the JSON stream) are summarised in one line (one event).
   */
  private tick(): void {
    const since = Date.now() - REFUSED_FRESH_MS;
    while (this.window.hasRoom() && this.window.perMinute > 0) {
      const best = this.ledger.strongestRefused(since, ranksAbove);
      if (!best) break;
      const ev: DetectorEvent = { ts: best.ts, verdict: 'banned', detection: best.hit, hits: 0, sourceIndex: 0 };
      this.ban(best, ev, this.window.take(best.address, best.evidence));
    }
    this.heap.check();
    const lines = this.lineBudget.drain();
    if (lines) this.deps.alerts.line(responseLines.summaryLine(TICK_MS / 1000, describeCounts(lines)));
    const events = this.eventBudget.drain();
    if (events && this.deps.opts.json) this.deps.emit({ event: 'summary', seconds: TICK_MS / 1000, counts: events });
  }

  /** Sources refused by the rate cap so far (counted once per refusal). */
  refusedCount = 0;

  private reportAlreadyBanned(ev: DetectorEvent): void {
    const already = { ...ev, verdict: 'already-banned' as const };
    this.report(already, 'already banned', formatAlertLines(already));
  }

  /**
   * A probe from a source this watch banned in the kernel: the kernel drops a banned source's packets before they
   * are logged, so the ban may have ended (its timeout, `portsentinel unban`). The kernel is asked (at most once a
   * second per source): while it holds the ban the probe is "already banned"; once it does not, the source is
   * judged afresh at once (the detector forgets it, the rate cap decides about a new ban).
   */
  private recheck(e: LedgerEntry, ev: DetectorEvent): void {
    const banSet = this.deps.banSet;
    const address = e.address;
    const now = performance.now();
    const last = this.checkedAt.get(address) ?? -Infinity;
    if (!banSet || this.deps.trial || now - last < RECHECK_MS) {
      this.reportAlreadyBanned(ev);
      return;
    }
    this.checkedAt.set(address, now);
    if (this.checkedAt.size > this.ledger.size + 1024) this.checkedAt.clear();
    const job = banSet
      .has(address)
      .then(
        (held) => {
          if (held || e.standing !== 'kernel') {
            if (held) this.reportAlreadyBanned(ev);
            return;
          }
          this.checkedAt.delete(address);
          // Its slot still counts for the window it was made in, but there is nothing left to lift.
          if (e.slot) e.slot.liftable = false;
          e.slot = undefined;
          this.detector.forget(address);
          this.deps.alerts.line(`attackalert: Host ${address} is no longer banned in the kernel; watching it again`);
          this.consider(e, ev);
        },
        () => this.reportAlreadyBanned(ev),
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
    if (ctx.config.maxBansPerMinute !== this.window.perMinute && !this.deps.trial) {
      this.window = new BanWindow(ctx.config.maxBansPerMinute);
    }
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
      clearInterval(this.tickTimer);
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
      limits: { maxSources: MAX_TRACKED_SOURCES, idleMicros: SOURCE_IDLE_MS * 1000 },
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
