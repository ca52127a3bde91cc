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
  lastTs: number;
  ports: PortSet;
  rank: number;
}

// Distinct ports per source, counted as they arrive: a bitmap for the low ports most tripwires sit on (a Set
// of numbers grows and rehashes per scanner, measurably slower over millions of hits), a Set above them.
const LOW_PORTS = 2048;

class PortSet {
  private readonly low = new Uint8Array((2 * LOW_PORTS) / 8);
  private high: Set<number> | undefined;
  size = 0;

  add(protocol: 'tcp' | 'udp', port: number): void {
    if (port < LOW_PORTS) {
      const bit = (protocol === 'udp' ? LOW_PORTS : 0) + port;
      const mask = 1 << (bit & 7);
      if ((this.low[bit >> 3] & mask) === 0) {
        this.low[bit >> 3] |= mask;
        this.size++;
      }
      return;
    }
    const key = (protocol === 'udp' ? 0x10000 : 0) + port;
    this.high ??= new Set();
    if (!this.high.has(key)) {
      this.high.add(key);
      this.size++;
    }
  }
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
    /** Keep each alert's PortSentry log lines too (--log): the bulk of a large report, so only when asked. */
    private readonly keepLog = keepAlerts,
  ) {}

  add(ev: DetectorEvent): void {
    const d = ev.detection;
    if (this.firstTs === undefined) this.firstTs = ev.ts;
    this.lastTs = ev.ts;
    const actions = ev.verdict === 'banned' ? planActions(this.config, d, this.backend) : [];
    if (ev.verdict === 'banned') this.bans.push({ ...d, time: formatPacketTime(ev.ts), hits: ev.hits, actions });
    if (this.keepAlerts) {
      const row: AlertRow = {
        time: formatPacketTime(ev.ts),
        ...d,
        verdict: ev.verdict,
        hits: ev.hits,
      };
      if (this.keepLog) row.log = formatAlertLines(ev, actions);
      if (ev.reason !== undefined) row.reason = ev.reason;
      this.alerts.push(row);
    }
    this.addToSource(ev);
  }

  private addToSource(ev: DetectorEvent): void {
    const d = ev.detection;
    let acc = this.sources.get(d.address);
    const rank = RANK[ev.verdict];
    if (acc === undefined) {
      acc = {
        row: {
          address: d.address,
          family: d.family,
          firstSeen: '',
          lastSeen: '',
          port: d.port,
          protocol: d.protocol,
          scanType: d.scanType,
          mode: d.mode,
          probes: 0,
          ports: 0,
          verdict: ev.verdict,
        },
        firstTs: ev.ts,
        lastTs: ev.ts,
        ports: new PortSet(),
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
    acc.lastTs = ev.ts;
    acc.row.probes++;
    acc.ports.add(d.protocol, d.port);
  }

  /** Sources by first hit, then address. */
  sourceRows(): SourceRow[] {
    return [...this.sources.values()]
      .sort((a, b) => a.firstTs - b.firstTs || (a.row.address < b.row.address ? -1 : 1))
      .map((a) => ({
        ...a.row,
        firstSeen: formatPacketTime(a.firstTs),
        lastSeen: formatPacketTime(a.lastTs),
        ports: a.ports.size,
      }));
  }
}
