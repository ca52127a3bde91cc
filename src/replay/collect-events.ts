// Folds the engine's events into the report's sources, alerts and bans, planning each ban's actions as
// `watch` would run them. Pure.
import type { PortSentryConfig } from '../config/types.js';
import { formatAlertLines } from '../detect/log-lines.js';
import type { DetectorEvent, Verdict } from '../detect/types.js';
import { planActions } from '../respond/plan.js';
import type { AlertRow, BanRow, SourceRow } from './report-types.js';
import { formatPacketTime } from './time.js';

// Which verdict names a source: the strongest thing that happened to it.
const RANK: Record<Verdict, number> = {
  banned: 6,
  'already-banned': 5,
  'never-ban': 4,
  logged: 3,
  'below-trigger': 2,
  ignored: 1,
};

interface SourceAcc {
  row: SourceRow;
  firstTs: number;
  ports: Set<number>;
  rank: number;
}

export class EventCollector {
  private readonly sources = new Map<string, SourceAcc>();
  readonly alerts: AlertRow[] = [];
  readonly bans: BanRow[] = [];
  firstTs: number | undefined;
  lastTs: number | undefined;

  constructor(
    private readonly config: PortSentryConfig,
    private readonly backend: 'nftables' | 'route' | 'command',
    private readonly keepAlerts: boolean,
  ) {}

  add(ev: DetectorEvent): void {
    const d = ev.detection;
    if (this.firstTs === undefined) this.firstTs = ev.ts;
    this.lastTs = ev.ts;
    const time = formatPacketTime(ev.ts);
    const actions = ev.verdict === 'banned' ? planActions(this.config, d, this.backend) : [];
    if (ev.verdict === 'banned') this.bans.push({ ...d, time, hits: ev.hits, actions });
    if (this.keepAlerts) {
      const row: AlertRow = { time, ...d, verdict: ev.verdict, hits: ev.hits, log: formatAlertLines(ev, actions) };
      if (ev.reason !== undefined) row.reason = ev.reason;
      this.alerts.push(row);
    }
    this.addToSource(ev, time);
  }

  private addToSource(ev: DetectorEvent, time: string): void {
    const d = ev.detection;
    let acc = this.sources.get(d.address);
    const rank = RANK[ev.verdict];
    if (acc === undefined) {
      acc = {
        row: {
          address: d.address,
          family: d.family,
          firstSeen: time,
          lastSeen: time,
          port: d.port,
          protocol: d.protocol,
          scanType: d.scanType,
          mode: d.mode,
          probes: 0,
          ports: 0,
          verdict: ev.verdict,
        },
        firstTs: ev.ts,
        ports: new Set(),
        rank,
      };
      if (ev.reason !== undefined) acc.row.reason = ev.reason;
      this.sources.set(d.address, acc);
    } else if (rank > acc.rank) {
      // The deciding hit now names the source: its port, type and mode.
      Object.assign(acc.row, { port: d.port, protocol: d.protocol, scanType: d.scanType, mode: d.mode });
      acc.row.verdict = ev.verdict;
      acc.rank = rank;
      if (ev.reason !== undefined) acc.row.reason = ev.reason;
    }
    acc.row.lastSeen = time;
    acc.row.probes++;
    acc.ports.add((d.protocol === 'udp' ? 0x10000 : 0) + d.port);
  }

  /** Sources by first hit, then address. */
  sourceRows(): SourceRow[] {
    return [...this.sources.values()]
      .sort((a, b) => a.firstTs - b.firstTs || (a.row.address < b.row.address ? -1 : 1))
      .map((a) => ({ ...a.row, ports: a.ports.size }));
  }
}
