// `portsentinel watch` from start to stop: context, kernel objects, restore, capture; then wait for SIGTERM/SIGINT
// (stop, bans stay) or SIGHUP (reload). Returns the final counters.
import { EnvironmentError, PortsentinelError } from '../errors.js';
import type { BanSet } from '../firewall/banset.js';
import type { PortSentryConfig } from '../config/types.js';
import { openContext, type BanContext } from '../bans/context.js';
import { restoreJournalBans } from '../bans/restore.js';
import { withSession } from '../bans/session.js';
import { escapeText } from '../util/escape-text.js';
import { openCapture, replacementCapture } from './open-capture.js';
import { addCounters, type CaptureCounters, type LiveCapture } from '../capture/source.js';
import { openAlertLog } from './alert-log.js';
import { Watcher } from './watcher.js';
import type { WatchEvent } from './events.js';
import type { WatchOptions } from './options.js';

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

    const watcher = new Watcher({
      opts,
      ctx,
      banSet,
      blockBackend,
      alerts,
      emit,
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
    await capture.start();

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

    let reloading = Promise.resolve();
    const signal = await io.signals(() => {
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
    await reloading;
    await capture.stop();
    await watcher.drain();
    const counters = addCounters(earlier, capture.counters());
    const summary: WatchSummary = { capture: counters, alerts: watcher.alertCount, bans: watcher.banCount };
    io.stderr.write(
      `portsentinel: stopped on ${signal}; ${summary.bans} ban(s), ${summary.alerts} alert(s); bans stay in the kernel\n`,
    );
    if (opts.json) emit({ event: 'stopped', ...summary });
    return summary;
  } finally {
    // close() releases our sockets only: the table, its sets and every ban stay in the kernel.
    await banSet?.close().catch(() => undefined);
    await alerts.close();
    await ctx.close().catch(() => undefined);
  }
}

async function openKernel(
  opts: WatchOptions,
  ctx: BanContext,
): Promise<{ banSet?: BanSet; blockBackend: 'nftables' | 'route' | 'command' }> {
  const wanted = opts.backend ?? ctx.config.banBackend;
  const { openBanSet } = await import('../firewall/select.js');
  const setName = wanted === 'command' ? 'auto' : wanted;
  let banSet: BanSet | undefined;
  try {
    banSet = await openBanSet(setName, {
      hooks: ctx.config.nftHooks,
      priority: ctx.config.nftPriority,
      logGroup: opts.nflogGroup,
    });
  } catch (err) {
    // A dry run can watch without any ban set (tcpdump capture); a real run cannot protect anything.
    if (!opts.dryRun) throw err;
    if (!(err instanceof EnvironmentError)) throw err;
  }
  const blockBackend = wanted === 'command' ? 'command' : banSet?.kind === 'route' ? 'route' : 'nftables';
  return { banSet, blockBackend };
}

/**
 * A ban set on a table that does not exist: the start-up warm-up sends its bans there (the kernel answers ENOENT
 * and nothing changes), so the encoding and send path of the first real ban runs compiled code.
 */
async function openScratchBanSet(): Promise<BanSet | undefined> {
  const { openBanSet } = await import('../firewall/select.js');
  return openBanSet('nftables', { table: 'portsentinel-warmup-absent' }).catch(() => undefined);
}
