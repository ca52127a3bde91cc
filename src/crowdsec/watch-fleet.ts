// What `watch` does with a CrowdSec Local API when the config names one: push every local ban (machine
// credentials set) and enforce the fleet's decisions (bouncer key set), both in the background. A Local API that
// is away never stops the watch; a fleet config that cannot be used (bad secret file) is said once, and the watch
// goes on without the fleet.
import type { BanContext } from '../bans/context.js';
import type { DetectedHit } from '../detect/types.js';
import { buildNeverBanMatcher, gatherNeverBanLists, type NeverBanMatcher } from '../firewall/never-ban.js';
import { queuedBan } from './alert.js';
import { Bouncer } from './bouncer.js';
import { openFleet } from './open.js';
import { Pusher } from './pusher.js';
import { writeFleetStatus } from './status-file.js';
import type { FleetMetrics } from '../metrics/fleet.js';

export interface WatchFleet {
  onBanned(d: DetectedHit, timeout: number): void;
  stop(): Promise<void>;
}

export function startWatchFleet(
  ctx: BanContext,
  log: (line: string) => void,
  metrics?: FleetMetrics,
): WatchFleet | undefined {
  let fleet;
  try {
    fleet = openFleet(ctx.config);
  } catch (err) {
    log(`crowdsec: not joining the fleet: ${(err as Error).message}`);
    return undefined;
  }
  if (!fleet) return undefined;
  const pusher = fleet.push
    ? new Pusher({
        client: fleet.client,
        stateDir: ctx.stateDir,
        scenario: ctx.config.crowdsecScenario,
        log,
        events: {
          pushed(count, ms) {
            metrics?.pushed(count, ms);
            writeFleetStatus(ctx.stateDir, { lastPush: Date.now(), lastPushError: null });
          },
          failed(err, ms) {
            metrics?.pushFailed(ms);
            writeFleetStatus(ctx.stateDir, { lastPushError: err.message });
          },
        },
      })
    : undefined;
  pusher?.start();
  let matcher: NeverBanMatcher | undefined;
  let matcherAt = 0;
  const bouncer = fleet.pull
    ? new Bouncer({
        ctx,
        client: fleet.client,
        origins: ctx.config.crowdsecOrigins,
        matcher: () => {
          if (!matcher || Date.now() - matcherAt > 30_000) {
            matcher = buildNeverBanMatcher(gatherNeverBanLists(ctx.ignore));
            matcherAt = Date.now();
          }
          return matcher;
        },
        pollSeconds: ctx.config.crowdsecPollInterval,
        log,
        events: {
          applied(r, _startup, ms) {
            metrics?.pulled(r, ms);
            writeFleetStatus(ctx.stateDir, { lastPull: Date.now(), lastPullError: null });
          },
          failed(err, ms) {
            metrics?.pullFailed(ms);
            writeFleetStatus(ctx.stateDir, { lastPullError: err.message });
          },
        },
      })
    : undefined;
  const running = bouncer?.run().catch((err: Error) => log(`crowdsec: pulling stopped: ${err.message}`));
  log(
    `crowdsec: ${[pusher && 'pushing bans to', bouncer && 'pulling decisions from'].filter(Boolean).join(' and ')} ${fleet.url}`,
  );
  return {
    onBanned(d, timeout) {
      pusher?.enqueue(queuedBan(d, timeout, Date.now()));
    },
    async stop() {
      bouncer?.stop();
      await running;
      await pusher?.stop();
    },
  };
}
