// `portsentinel watch` from start to stop: context, kernel objects, restore, capture; then wait for SIGTERM/SIGINT
// (stop, bans stay) or SIGHUP (reload). Returns the final counters.
import { EnvironmentError, PortsentinelError } from '../errors.js';
import type { BlockMethod } from '../config/backends.js';
import type { BanSet } from '../firewall/banset.js';
import type { OpenedBanSet } from '../firewall/select.js';
import type { PortSentryConfig } from '../config/types.js';
import { openContext, type BanContext } from '../bans/context.js';
import { restoreJournalBans } from '../bans/restore.js';
import { withSession } from '../bans/session.js';
import { escapeText } from '../util/escape-text.js';
import { openCapture, replacementCapture } from './open-capture.js';
import { addCounters, type CaptureCounters, type LiveCapture } from '../capture/source.js';
import { openAlertLog } from './alert-log.js';
import { Watcher } from './watcher.js';
import { KernelGuard } from './kernel-guard.js';
import { inspectNftObjects } from './kernel-objects.js';
import type { WatchEvent } from './events.js';
import type { WatchOptions } from './options.js';
import { startWatchFleet, type WatchFleet } from '../crowdsec/watch-fleet.js';
import { startMetrics } from '../metrics/start.js';

export interface WatchSummary {
  capture: CaptureCounters;
  alerts: number;
  bans: number;
}

export interface WatchIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the process is asked to stop; calls onReload for each reload request. */
  signals(onReload: () => void): Promise<string>;
}

export async function runWatch(opts: WatchOptions, io: WatchIo): Promise<WatchSummary> {
  const emit = (e: WatchEvent) => void io.stdout.write(`${JSON.stringify(e)}\n`);
  const alerts = openAlertLog({ stream: opts.json ? io.stderr : io.stdout, useSyslog: opts.syslog });
  const notice = (message: string) => {
    io.stderr.write(`portsentinel: ${message}\n`);
    if (opts.json) emit({ event: 'notice', message });
  };
  let ctx = await openContext({ config: opts.config, stateDir: opts.stateDir });
  const { banSet, blockBackend } = await openKernel(opts, ctx);
  // Prometheus metrics (METRICS_LISTEN) and the CrowdSec Local API (push local bans, pull the fleet's decisions).
  let metrics: Awaited<ReturnType<typeof startMetrics>> | undefined;
  let fleet: WatchFleet | undefined;
  let countersNow: (() => CaptureCounters) | undefined;
  try {
    let restored: string[] = [];
    let kernelBans: string[] = [];
    if (banSet && !opts.dryRun) {
      await banSet.setup();
      const r = await withSession(ctx, (s) => restoreJournalBans(s), undefined, banSet);
      restored = r.restored;
      for (const x of r.refused) notice(`not restored from the journal: ${escapeText(x.rule)}`);
      kernelBans = r.kernel.map((k) => k.target);
    } else if (banSet) kernelBans = (await banSet.list().catch(() => [])).map((k) => k.target);

    if (ctx.config.metricsListen) {
      const counters = () => countersNow?.() ?? { received: 0, decoded: 0, dropped: 0, restarts: 0 };
      metrics = await startMetrics(ctx.config.metricsListen, opts.dryRun ? undefined : banSet, counters);
    }
    if (!opts.dryRun) fleet = startWatchFleet(ctx, notice, metrics?.metrics);
    const watcher = new Watcher({
      opts,
      ctx,
      banSet,
      blockBackend,
      alerts,
      emit,
      onEvent: metrics && ((ev) => metrics!.metrics.detection(ev)),
      onBanned: (d, timeout) => {
        metrics?.metrics.banned('watch', d.family);
        fleet?.onBanned(d, timeout);
      },
    });
    const seeded = watcher.seed(kernelBans);
    const scratchBans = banSet?.kind === 'nftables' && !opts.dryRun ? await openScratchBanSet() : undefined;
    try {
      await watcher.warm(opts.dryRun ? undefined : banSet, scratchBans);
    } finally {
      await scratchBans?.close().catch(() => undefined);
    }
    const captureRequest = (config: PortSentryConfig) => ({
      choice: opts.capture,
      nflogAvailable: banSet?.kind === 'nftables' && !opts.dryRun,
      group: opts.nflogGroup,
      iface: opts.iface,
      config,
      modes: watcher.activeModes,
      onPacket: watcher.onPacket,
      notice,
    });
    let capture: LiveCapture = await openCapture(captureRequest(ctx.config));
    /** Counters of sources replaced on reload. */
    let earlier: CaptureCounters = { received: 0, decoded: 0, dropped: 0, restarts: 0 };
    watcher.capture = capture;
    countersNow = () => addCounters(earlier, capture.counters());
    await capture.start();

    if (watcher.activeModes.includes('tcp')) {
      notice(
        `warning: TCP_MODE/--mode "tcp" (classic) is not watched live, so TCP scans go undetected; use "stcp" or "atcp"`,
      );
    }
    const how = `${capture.kind === 'nflog' ? `NFLOG group ${opts.nflogGroup}` : `tcpdump on ${opts.iface}`}`;
    const ban = opts.dryRun ? 'dry run, nothing is banned' : `bans via ${blockBackend}`;
    io.stderr.write(
      `portsentinel: watching ${watcher.addresses.join(', ')} (${how}; modes ${watcher.activeModes.join(',')}; ` +
        `${ban}; alerts to ${alerts.target}; restored ${restored.length}, already banned ${seeded}) ready\n`,
    );
    if (opts.json) {
      emit({
        event: 'ready',
        capture: capture.kind,
        backend: opts.dryRun ? 'dry-run' : blockBackend,
        modes: [...watcher.activeModes],
        addresses: watcher.addresses,
        restored,
        seeded,
        dryRun: opts.dryRun,
      });
    }

    const guard = banSet && !opts.dryRun ? startGuard(banSet, opts, () => ctx, notice) : undefined;
    let reloading = Promise.resolve();
    const signals = io.signals(() => {
      reloading = reloading.then(async () => {
        try {
          const next = await openContext({ config: opts.config, stateDir: opts.stateDir });
          watcher.reload(next);
          ctx = next;
          const fresh = await replacementCapture(capture, captureRequest(next.config));
          if (fresh) {
            // The new source first, then the old one away: no moment without a capture.
            await fresh.start();
            const old = capture;
            capture = fresh;
            watcher.capture = fresh;
            await old.stop();
            earlier = addCounters(earlier, old.counters());
            notice('capture filter rebuilt for the reloaded ports and modes');
          }
          const message = `reloaded ${next.configFile} (${next.ignore.length} ignore entries)`;
          notice(message);
          if (opts.json) emit({ event: 'reload', ok: true, message });
        } catch (err) {
          const why = err instanceof PortsentinelError ? err.message : String(err);
          notice(`reload failed, keeping the running configuration: ${why}`);
          if (opts.json) emit({ event: 'reload', ok: false, message: why });
        }
      });
    });
    let signal: string;
    try {
      // A guard that cannot put the kernel objects back ends the watch with its error (systemd restarts it).
      signal = await (guard ? Promise.race([signals, guard.failed]) : signals);
    } finally {
      await guard?.stop();
      await reloading;
      await capture.stop();
      await watcher.drain();
    }
    const counters = addCounters(earlier, capture.counters());
    const summary: WatchSummary = { capture: counters, alerts: watcher.alertCount, bans: watcher.banCount };
    io.stderr.write(
      `portsentinel: stopped on ${signal}; ${summary.bans} ban(s), ${summary.alerts} alert(s); bans stay in the kernel\n`,
    );
    if (opts.json) emit({ event: 'stopped', ...summary });
    return summary;
  } finally {
    await fleet?.stop();
    metrics?.server.close();
    // close() releases our sockets only: the table, its sets and every ban stay in the kernel.
    await banSet?.close().catch(() => undefined);
    await alerts.close();
    await ctx.close().catch(() => undefined);
  }
}

/** Self-repair of the kernel objects while watching (see kernel-guard.ts). */
function startGuard(
  banSet: BanSet,
  opts: WatchOptions,
  context: () => BanContext,
  notice: (message: string) => void,
): KernelGuard {
  const nft = banSet.kind === 'nftables';
  const guard = new KernelGuard({
    banSet,
    // The context is asked each time: a reload may change the state directory or the ignore list.
    restore: async () =>
      (await withSession(context(), (s) => restoreJournalBans(s), undefined, banSet)).restored.length,
    inspect: nft
      ? (full) => {
          const config = context().config;
          return inspectNftObjects(
            banSet,
            { hooks: config.nftHooks, priority: config.nftPriority, logGroup: opts.nflogGroup },
            full,
          );
        }
      : async () => [],
    restoreEachCheck: !nft,
    log: notice,
    periodMs: nft ? 1000 : 2000,
    notifications: nft,
  });
  guard.start();
  return guard;
}

async function openKernel(
  opts: WatchOptions,
  ctx: BanContext,
): Promise<{ banSet?: BanSet; blockBackend: BlockMethod }> {
  const wanted = opts.backend ?? ctx.config.banBackend;
  const { openBanSet } = await import('../firewall/select.js');
  const setName = wanted === 'command' ? 'auto' : wanted;
  let opened: OpenedBanSet | undefined;
  try {
    opened = await openBanSet(setName, {
      hooks: ctx.config.nftHooks,
      priority: ctx.config.nftPriority,
      logGroup: opts.nflogGroup,
    });
  } catch (err) {
    // A dry run can watch without any ban set (tcpdump capture); a real run cannot protect anything.
    if (!opts.dryRun) throw err;
    if (!(err instanceof EnvironmentError)) throw err;
  }
  const blockBackend = wanted === 'command' ? 'command' : opened?.selection.kind === 'route' ? 'route' : 'nftables';
  return { banSet: opened?.banSet, blockBackend };
}

/**
 * A ban set on a table that does not exist: the start-up warm-up sends its bans there (the kernel answers ENOENT
 * and nothing changes), so the encoding and send path of the first real ban runs compiled code.
 */
async function openScratchBanSet(): Promise<BanSet | undefined> {
  const { openBanSet } = await import('../firewall/select.js');
  return openBanSet('nftables', { table: 'portsentinel-warmup-absent' }).then(
    (o) => o.banSet,
    () => undefined,
  );
}
