// `crowdsec pull` once its flags are parsed: open the context and the ban set (set up when missing), then one
// pull (--once) or the loop until a stop signal.
import { withContext, type ContextOptions } from '../bans/context.js';
import { buildNeverBanMatcher, gatherNeverBanLists, type NeverBanMatcher } from '../firewall/never-ban.js';
import { Bouncer } from './bouncer.js';
import { openFleet } from './open.js';
import { writeFleetStatus } from './status-file.js';

export interface PullSummary {
  url: string;
  pulls: number;
  enforced: number;
  lifted: number;
  refused: number;
}

export interface PullHooks {
  once: boolean;
  log: (line: string) => void;
  /** Resolves when the loop should end (SIGTERM, SIGINT). */
  stop: () => Promise<void>;
}

/** Never-ban lists gathered at most every 30 s: gateways and own addresses may change while this runs. */
function cachedMatcher(ignore: Parameters<typeof gatherNeverBanLists>[0]): () => NeverBanMatcher {
  let at = 0;
  let matcher: NeverBanMatcher | undefined;
  return () => {
    if (!matcher || Date.now() - at > 30_000) {
      matcher = buildNeverBanMatcher(gatherNeverBanLists(ignore));
      at = Date.now();
    }
    return matcher;
  };
}

export async function runPull(opts: ContextOptions, hooks: PullHooks): Promise<PullSummary> {
  // The startup list's batches are sent from libuv's thread pool, where the kernel applies them, while this thread
  // reads the next ones.
  return withContext({ ...opts, sendFromThreadPool: true }, async (ctx) => {
    const fleet = openFleet(ctx.config, { pull: true })!;
    // The startup list is asked for first: the Local API takes a while to gather a large one (a second for 100k
    // decisions), time this process spends opening the ban set. Failures are the first pull's to report.
    const first = fleet.client.openStream(true);
    first.catch(() => undefined);
    const banSet = await ctx.banSet();
    if (!(await banSet.status()).ready) await banSet.setup();
    const summary: PullSummary = { url: fleet.url, pulls: 0, enforced: 0, lifted: 0, refused: 0 };
    // prom-client is loaded only when metrics are asked for.
    const metrics = ctx.config.metricsListen
      ? await (await import('../metrics/start.js')).startMetrics(ctx.config.metricsListen, banSet)
      : undefined;
    const bouncer = new Bouncer({
      ctx,
      client: fleet.client,
      origins: ctx.config.crowdsecOrigins,
      matcher: cachedMatcher(ctx.ignore),
      pollSeconds: ctx.config.crowdsecPollInterval,
      log: hooks.log,
      first,
      events: {
        applied(r, _startup, ms) {
          metrics?.metrics.pulled(r, ms);
          summary.pulls++;
          summary.enforced += r.added;
          summary.lifted += r.removed;
          summary.refused += r.refused.length;
          writeFleetStatus(ctx.stateDir, { lastPull: Date.now(), lastPullError: null });
        },
        failed(err, ms) {
          metrics?.metrics.pullFailed(ms);
          writeFleetStatus(ctx.stateDir, { lastPullError: err.message });
        },
      },
    });
    try {
      if (hooks.once) {
        await bouncer.pullOnce();
        return summary;
      }
      hooks.log(`crowdsec: pulling decisions from ${fleet.url} every ${ctx.config.crowdsecPollInterval}s`);
      if (metrics) hooks.log(`crowdsec: metrics on http://${ctx.config.metricsListen}/metrics`);
      void hooks.stop().then(() => bouncer.stop());
      await bouncer.run();
      return summary;
    } finally {
      metrics?.server.close();
    }
  });
}
