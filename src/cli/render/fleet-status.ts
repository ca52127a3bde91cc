// The human view of `crowdsec status`: one line per fact, credentials checks spelt out.
import type { Check, FleetStatusReport } from '../../crowdsec/status.js';

export function formatFleetStatus(r: FleetStatusReport): string {
  const show = (name: string, ch: Check) =>
    `${name}: ${!ch.configured ? 'not configured' : ch.ok ? 'ok' : `FAILING (${ch.message})`}`;
  const origins = Object.entries(r.enforced);
  return [
    `Local API: ${r.url ?? 'not configured (set CROWDSEC_LAPI_URL)'}`,
    show('machine login (push)', r.machine),
    show('bouncer key (pull)', r.bouncer),
    `enforced: ${origins.length === 0 ? 'none' : origins.map(([o, n]) => `${n} from ${o}`).join(', ')}`,
    `last pull: ${r.lastPull ?? 'never'}${r.lastPullError ? ` (last error: ${r.lastPullError})` : ''}`,
    `last push: ${r.lastPush ?? 'never'}${r.lastPushError ? ` (last error: ${r.lastPushError})` : ''}`,
    `push queue: ${r.queue}`,
  ].join('\n');
}
