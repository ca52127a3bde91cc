// portsentinel's Prometheus metrics (prom-client) for `watch` and `crowdsec pull`: packets and detections, bans
// by origin and family, refusals, NFLOG drops, Local API pushes and pulls with their latency, and the packets the
// ban sets dropped (the nftables rule counters, read at scrape time).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CaptureCounters } from '../capture/source.js';
import type { DetectorEvent } from '../detect/types.js';
import type { AppliedCounts, FleetMetrics } from './fleet.js';
import { readRuleCounters } from './rule-counters.js';

export interface MetricsSources {
  /** Capture counters so far (watch). */
  capture?: () => CaptureCounters;
  /** nftables table whose drop rules are counted; undefined = none (route backend, dry run). */
  table?: string;
  /** Runs `nft` in the right namespace; tests and the route backend leave it out. */
  nft?: boolean;
}

export class PortsentinelMetrics implements FleetMetrics {
  readonly registry = new Registry();
  private readonly detections: Counter<'mode' | 'verdict'>;
  private readonly bans: Counter<'origin' | 'family'>;
  private readonly refusals: Counter<'reason'>;
  private readonly lapi: Counter<'op' | 'result'>;
  private readonly latency: Histogram<'op'>;

  constructor(sources: MetricsSources = {}) {
    const registers = [this.registry];
    const seen = { received: 0, dropped: 0 };
    new Counter({
      name: 'portsentinel_packets_seen_total',
      help: 'Packets handed to the detector by the capture (NFLOG or tcpdump).',
      registers,
      collect() {
        const c = sources.capture?.();
        if (c && c.received > seen.received) this.inc(c.received - seen.received);
        if (c) seen.received = Math.max(seen.received, c.received);
      },
    });
    new Counter({
      name: 'portsentinel_nflog_dropped_total',
      help: 'Packets the kernel could not hand over because the capture did not read fast enough (ENOBUFS).',
      registers,
      collect() {
        const c = sources.capture?.();
        if (c && c.dropped > seen.dropped) this.inc(c.dropped - seen.dropped);
        if (c) seen.dropped = Math.max(seen.dropped, c.dropped);
      },
    });
    this.detections = new Counter({
      name: 'portsentinel_detections_total',
      help: 'Hits judged by the detector, by mode and verdict.',
      labelNames: ['mode', 'verdict'],
      registers,
    });
    this.bans = new Counter({
      name: 'portsentinel_bans_total',
      help: 'Bans made, by origin (watch: local detection; crowdsec: Local API decision) and address family.',
      labelNames: ['origin', 'family'],
      registers,
    });
    this.refusals = new Counter({
      name: 'portsentinel_refusals_total',
      help: 'Bans refused, by reason (never-ban: own address, gateway, nameserver or ignore list; kernel).',
      labelNames: ['reason'],
      registers,
    });
    this.lapi = new Counter({
      name: 'portsentinel_lapi_requests_total',
      help: 'Local API requests, by operation (push, pull) and result (ok, error).',
      labelNames: ['op', 'result'],
      registers,
    });
    this.latency = new Histogram({
      name: 'portsentinel_lapi_request_seconds',
      help: 'Local API request time, answer applied included for pulls.',
      labelNames: ['op'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    const dropped = new Gauge({
      name: 'portsentinel_banset_dropped_packets',
      help: 'Packets dropped by the rule matching each ban set, from the nftables rule counters.',
      labelNames: ['set'],
      registers,
      async collect() {
        if (!sources.table || sources.nft === false) return;
        const counts = await readRuleCounters(sources.table);
        for (const [set, packets] of Object.entries(counts)) dropped.set({ set }, packets);
      },
    });
    for (const op of ['push', 'pull']) for (const result of ['ok', 'error']) this.lapi.inc({ op, result }, 0);
  }

  detection(ev: DetectorEvent): void {
    this.detections.inc({ mode: ev.detection.mode, verdict: ev.verdict });
    if (ev.verdict === 'never-ban') this.refusals.inc({ reason: 'never-ban' });
  }

  banned(origin: string, family: 4 | 6, count = 1): void {
    this.bans.inc({ origin, family: String(family) }, count);
  }

  pulled(r: AppliedCounts, ms: number): void {
    this.lapi.inc({ op: 'pull', result: 'ok' });
    this.latency.observe({ op: 'pull' }, ms / 1000);
    if (r.added4 > 0) this.banned('crowdsec', 4, r.added4);
    if (r.added - r.added4 > 0) this.banned('crowdsec', 6, r.added - r.added4);
    if (r.refused.length > 0) this.refusals.inc({ reason: 'never-ban' }, r.refused.length);
    if (r.failed.length > 0) this.refusals.inc({ reason: 'kernel' }, r.failed.length);
  }

  pullFailed(ms: number): void {
    this.lapi.inc({ op: 'pull', result: 'error' });
    this.latency.observe({ op: 'pull' }, ms / 1000);
  }

  pushed(_count: number, ms: number): void {
    this.lapi.inc({ op: 'push', result: 'ok' });
    this.latency.observe({ op: 'push' }, ms / 1000);
  }

  pushFailed(ms: number): void {
    this.lapi.inc({ op: 'push', result: 'error' });
    this.latency.observe({ op: 'push' }, ms / 1000);
  }
}
