// Folds the engine's events into the report's sources, alerts and bans, planning each ban's actions as
// `watch` would run them. Pure.
import type { PortSentryConfig } from '../config/types.js';
import { formatAlertLines } from '../detect/log-lines.js';
import type { DetectorEvent, Verdict } from '../detect/types.js';
import { planActions } from '../respond/plan.js';
import type { AlertRow, BanRow, SourceRow } from './report-types.js';
import { formatPacketTime } from './time.js';

// Which verdict names a source: the strongest thing that happened to it. A switch, not a lookup table: a
// keyed load with six different keys is slower than comparing interned strings.
function rankOf(verdict: Verdict): number {
  switch (verdict) {
    case 'banned':
      return 6;
    case 'already-banned':
      return 5;
    case 'never-ban':
      return 4;
    case 'logged':
      return 3;
    case 'below-trigger':
      return 2;
    default:
      return 1;
  }
}

interface SourceAcc {
  row: SourceRow;
  firstTs: number;
  lastTs: number;
  rank: number;
  /** Distinct ports at or above LOW_PORTS (the low ones are bits in the collector's bitmap). */
  high: Set<number> | undefined;
}

// Distinct ports per source, counted as they arrive: bits in one bitmap shared by all sources for the low ports
// most tripwires sit on (a Set or a typed array per scanner costs more than the counting itself), a Set above.
const LOW_PORTS = 2048;
const BITMAP_BYTES = (2 * LOW_PORTS) / 8;

export class EventCollector {
  /** By the engine's source index. */
  private readonly sources: SourceAcc[] = [];
  private lowPorts = new Uint8Array(BITMAP_BYTES * 256);
  readonly alerts: AlertRow[] = [];
  readonly bans: BanRow[] = [];
  // NaN until the first event: a number field stays an unboxed double, where number | undefined would box
  // every timestamp stored into it.
  private first = NaN;
  private last = NaN;

  constructor(
    private readonly config: PortSentryConfig,
    private readonly backend: 'nftables' | 'route' | 'command',
    private readonly keepAlerts: boolean,
    /** Keep each alert's PortSentry log lines too (--log): the bulk of a large report, so only when asked. */
    private readonly keepLog = keepAlerts,
  ) {}

  /** Time of the first and last event, undefined before any. */
  get firstTs(): number | undefined {
    return Number.isNaN(this.first) ? undefined : this.first;
  }

  get lastTs(): number | undefined {
    return Number.isNaN(this.last) ? undefined : this.last;
  }

  add(ev: DetectorEvent): void {
    if (this.first !== this.first) this.first = ev.ts;
    this.last = ev.ts;
    const banned = ev.verdict === 'banned';
    if (banned || this.keepAlerts) this.record(ev, banned);
    this.addToSource(ev);
  }

  // Rows are built field by field (not spread from the detection): the event is the engine's reused object, and
  // a spread costs microseconds per row while it is cold.
  private record(ev: DetectorEvent, banned: boolean): void {
    const d = ev.detection;
    const actions = banned ? planActions(this.config, d, this.backend) : [];
    const time = formatPacketTime(ev.ts);
    if (banned) {
      this.bans.push({
        address: d.address,
        family: d.family,
        port: d.port,
        protocol: d.protocol,
        mode: d.mode,
        scanType: d.scanType,
        time,
        hits: ev.hits,
        actions,
      });
    }
    if (this.keepAlerts) {
      const row: AlertRow = {
        time,
        address: d.address,
        family: d.family,
        port: d.port,
        protocol: d.protocol,
        mode: d.mode,
        scanType: d.scanType,
        verdict: ev.verdict,
        hits: ev.hits,
      };
      if (this.keepLog) row.log = formatAlertLines(ev, actions);
      if (ev.reason !== undefined) row.reason = ev.reason;
      this.alerts.push(row);
    }
  }

  private addToSource(ev: DetectorEvent): void {
    const d = ev.detection;
    const index = ev.sourceIndex;
    let acc = this.sources[index];
    const rank = rankOf(ev.verdict);
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
        rank,
        high: undefined,
      };
      if (ev.reason !== undefined) acc.row.reason = ev.reason;
      this.sources[index] = acc;
      if ((index + 1) * BITMAP_BYTES > this.lowPorts.length) {
        const grown = new Uint8Array(this.lowPorts.length * 2);
        grown.set(this.lowPorts);
        this.lowPorts = grown;
      }
    } else if (rank > acc.rank) {
      // The deciding hit now names the source: its port, type and mode.
      const row = acc.row;
      row.port = d.port;
      row.protocol = d.protocol;
      row.scanType = d.scanType;
      row.mode = d.mode;
      row.verdict = ev.verdict;
      acc.rank = rank;
      if (ev.reason !== undefined) acc.row.reason = ev.reason;
    }
    acc.lastTs = ev.ts;
    acc.row.probes++;
    const port = d.port;
    const udp = d.protocol === 'udp';
    if (port < LOW_PORTS) {
      const bit = (udp ? LOW_PORTS : 0) + port;
      const at = index * BITMAP_BYTES + (bit >> 3);
      const mask = 1 << (bit & 7);
      if ((this.lowPorts[at] & mask) === 0) {
        this.lowPorts[at] |= mask;
        acc.row.ports++;
      }
      return;
    }
    const key = (udp ? 0x10000 : 0) + port;
    acc.high ??= new Set();
    if (!acc.high.has(key)) {
      acc.high.add(key);
      acc.row.ports++;
    }
  }

  /** Sources by first hit, then address. The rows are the collector's own, filled in place (no copy per row). */
  sourceRows(): SourceRow[] {
    const seen = this.sources.filter((a) => a !== undefined);
    seen.sort((a, b) => a.firstTs - b.firstTs || (a.row.address < b.row.address ? -1 : 1));
    const rows: SourceRow[] = new Array(seen.length);
    for (let i = 0; i < seen.length; i++) {
      const a = seen[i];
      a.row.firstSeen = formatPacketTime(a.firstTs);
      a.row.lastSeen = formatPacketTime(a.lastTs);
      rows[i] = a.row;
    }
    return rows;
  }
}
