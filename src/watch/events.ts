// The --json stream: one JSON object per line on stdout, each with an "event" field, so `jq` and log shippers
// can follow a running watch.
import type { DetectorEvent } from '../detect/types.js';
import type { ResponseReport } from '../respond/responder.js';
import type { CaptureCounters } from '../capture/source.js';

export type WatchEvent =
  | {
      event: 'ready';
      capture: string;
      backend: string;
      modes: string[];
      addresses: string[];
      restored: string[];
      seeded: number;
      dryRun: boolean;
    }
  | ({ event: 'alert'; time: string; verdict: string; hits: number; reason?: string } & DetectorEvent['detection'])
  | {
      event: 'response';
      address: string;
      dryRun: boolean;
      blocked: boolean;
      refused?: string;
      /** Milliseconds from the packet's timestamp to the end of the response. */
      sinceProbeMs: number;
      actions: Array<{ kind: string; text: string; ok?: boolean; detail?: string; ms?: number }>;
    }
  | { event: 'lifted'; address: string; for: string; ports: number; forPorts: number }
  | { event: 'summary'; seconds: number; counts: Record<string, number> }
  | { event: 'reload'; ok: boolean; message: string }
  | { event: 'notice'; message: string }
  | { event: 'stopped'; capture: CaptureCounters; alerts: number; bans: number };

/** What the watch made of a hit, where it knows more than the detector (the rate cap, a ban still being made). */
export type WatchVerdict = DetectorEvent['verdict'] | 'refused' | 'pending' | 'failed';

export function alertEvent(ev: DetectorEvent, verdict: WatchVerdict = ev.verdict): WatchEvent {
  const out: WatchEvent = {
    event: 'alert',
    time: new Date(Math.floor(ev.ts / 1000)).toISOString(),
    verdict,
    hits: ev.hits,
    ...ev.detection,
  };
  if (ev.reason !== undefined) out.reason = ev.reason;
  return out;
}

export function responseEvent(r: ResponseReport, sinceProbeMs: number): WatchEvent {
  const done = new Map(r.outcomes.map((o, i) => [i, o]));
  return {
    event: 'response',
    address: r.detection.address,
    dryRun: r.dryRun,
    blocked: r.blocked,
    ...(r.refused ? { refused: r.refused } : {}),
    sinceProbeMs: Math.round(sinceProbeMs * 1000) / 1000,
    actions: r.actions.map((a, i) => {
      const o = done.get(i);
      return o
        ? { kind: a.kind, text: a.text, ok: o.ok, detail: o.detail, ms: Math.round(o.ms * 1000) / 1000 }
        : { kind: a.kind, text: a.text };
    }),
  };
}
