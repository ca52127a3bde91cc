// `crowdsec status`: what the config names, whether the machine login and the bouncer key work right now (one
// login and one change-stream request... without startup, so the bouncer's own position is not disturbed), the
// remote bans running by Local API origin (from the journal), the last pull and push, the push queue's length.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BanContext } from '../bans/context.js';
import { readJournal } from '../state/journal.js';
import { foldJournal } from '../state/fold.js';
import { LapiClient } from './lapi-client.js';
import { lapiUrlOf } from './open.js';
import { readBouncerKey, readMachineCredentials } from './credentials.js';
import { QUEUE_FILE } from './pusher.js';
import { readFleetStatus } from './status-file.js';

export interface Check {
  configured: boolean;
  ok: boolean | null;
  message: string | null;
}

export interface FleetStatusReport {
  url: string | null;
  machine: Check;
  bouncer: Check;
  enforced: Record<string, number>;
  lastPull: string | null;
  lastPullError: string | null;
  lastPush: string | null;
  lastPushError: string | null;
  queue: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

async function check(configured: boolean, run: () => Promise<void>): Promise<Check> {
  if (!configured) return { configured, ok: null, message: null };
  try {
    await run();
    return { configured, ok: true, message: null };
  } catch (err) {
    return { configured, ok: false, message: (err as Error).message };
  }
}

function queueLength(dir: string): number {
  try {
    return readFileSync(join(dir, QUEUE_FILE), 'utf8')
      .split('\n')
      .filter((l) => l !== '').length;
  } catch {
    return 0;
  }
}

export async function readFleetStatusReport(ctx: BanContext): Promise<FleetStatusReport> {
  const c = ctx.config;
  const url = c.crowdsecLapiUrl ?? lapiUrlOf(c) ?? null;
  const machine = await check(c.crowdsecMachineCredentials !== undefined, async () => {
    const m = readMachineCredentials(c.crowdsecMachineCredentials!);
    await new LapiClient({ url: url ?? m.url ?? '', machine: m }).login();
  });
  const bouncer = await check(c.crowdsecBouncerKeyFile !== undefined, async () => {
    const key = readBouncerKey(c.crowdsecBouncerKeyFile!);
    if (!url) throw new Error('CROWDSEC_LAPI_URL is not set');
    await new LapiClient({ url, bouncerKey: key }).checkKey();
  });
  const now = Date.now();
  const state = foldJournal(readJournal(ctx.stateDir).records, now);
  const enforced: Record<string, number> = {};
  for (const [, i] of state.live) {
    const r = state.records[i];
    if (r.op !== 'ban' || r.origin !== 'crowdsec' || state.isOver(i)) continue;
    const origin = (r.reason ?? '').split(':')[0] || 'unknown';
    enforced[origin] = (enforced[origin] ?? 0) + 1;
  }
  const s = readFleetStatus(ctx.stateDir);
  return {
    url,
    machine,
    bouncer,
    enforced,
    lastPull: iso(s.lastPull),
    lastPullError: s.lastPullError ?? null,
    lastPush: iso(s.lastPush),
    lastPushError: s.lastPushError ?? null,
    queue: queueLength(ctx.stateDir),
  };
}
