// Folds the engine's events into the report's sources, alerts and bans, planning each ban's actions as
// `watch` would run them. Pure.
import type { PortSentryConfig } from '../config/types.js';
import { formatAlertLines } from '../detect/log-lines.js';
import type { DetectedHit, DetectorEvent, Verdict } from '../detect/types.js';
import { planActions } from '../respond/plan.js';
import type { AlertRow, BanRow, SourceRow } from './report-types.js';
import { grownInto } from '../util/typed-array.js';
import { formatPacketTime } from './time.js';
import type { AlertJson } from './alert-json.js';

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

// Distinct ports per source, counted as they arrive: bits in one bitmap shared by all sources for the low ports
// most tripwires sit on (a Set or a typed array per scanner costs more than the counting itself), a Set above.
const LOW_PORTS = 2048;
const BITMAP_BYTES = (2 * LOW_PORTS) / 8;
const INITIAL_SOURCES = 256;
/** A ban's actions until banRows() plans them. */
const NO_ACTIONS: BanRow['actions'] = [];

// Per-source state lives in columns indexed by the engine's source index, not in an object per source: a hit
// then touches a few typed-array slots, and the rows are built once, at the end, in report order.
export class EventCollector {
  private cap = INITIAL_SOURCES;
  /** 0 while a source has had no event; else the rank of its strongest verdict (rankOf). */
  private rank = new Uint8Array(INITIAL_SOURCES);
  private firstSeen = new Float64Array(INITIAL_SOURCES);
  private lastSeen = new Float64Array(INITIAL_SOURCES);
  private probes = new Uint32Array(INITIAL_SOURCES);
  private distinct = new Uint32Array(INITIAL_SOURCES);
  private lowPorts = new Uint8Array(BITMAP_BYTES * INITIAL_SOURCES);
  /** Distinct ports at or above LOW_PORTS, for the sources that probed any. */
  private readonly highPorts = new Map<number, Set<number>>();
  // The source's text, and the hit that decides its verdict (the first, then each stronger one).
  private readonly addresses: string[] = [];
  private readonly families: DetectedHit['family'][] = [];
  private readonly ports: number[] = [];
  private readonly protocols: DetectedHit['protocol'][] = [];
  private readonly scanTypes: string[] = [];
  private readonly modes: DetectedHit['mode'][] = [];
  private readonly verdicts: Verdict[] = [];
  private readonly reasons = new Map<number, string>();
  readonly alerts: AlertRow[] = [];
  // Each ban's row without its time and actions until banRows() fills them in: time text and action plans made while
  // the hits stream in are copied by every garbage collection that follows; made at the end, once, they are not.
  private readonly bans: BanRow[] = [];
  private readonly banTimes: number[] = [];
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
    /** Encode the alerts here instead of keeping rows (replay --json without --log). */
    private readonly alertJson?: AlertJson,
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

  // The detection is copied field by field (not spread): the event is the engine's reused object, and a spread
  // costs microseconds per row while it is cold.
  private record(ev: DetectorEvent, banned: boolean): void {
    const d = ev.detection;
    if (banned) {
      this.bans.push({
        address: d.address,
        family: d.family,
        port: d.port,
        protocol: d.protocol,
        mode: d.mode,
        scanType: d.scanType,
        time: '',
        hits: ev.hits,
        actions: NO_ACTIONS,
      });
      this.banTimes.push(ev.ts);
    }
    if (this.alertJson !== undefined && !this.keepLog) this.alertJson.add(ev);
    else if (this.keepAlerts) {
      const row: AlertRow = {
        time: formatPacketTime(ev.ts),
        address: d.address,
        family: d.family,
        port: d.port,
        protocol: d.protocol,
        mode: d.mode,
        scanType: d.scanType,
        verdict: ev.verdict,
        hits: ev.hits,
      };
      if (this.keepLog) row.log = formatAlertLines(ev, banned ? planActions(this.config, d, this.backend) : []);
      if (ev.reason !== undefined) row.reason = ev.reason;
      this.alerts.push(row);
    }
  }

  /** The bans in the order they happened, each with the actions it would run. Called once, at the end. */
  banRows(): BanRow[] {
    for (let k = 0; k < this.bans.length; k++) {
      const row = this.bans[k];
      row.time = formatPacketTime(this.banTimes[k]);
      row.actions = planActions(this.config, row, this.backend);
    }
    return this.bans;
  }

  private addToSource(ev: DetectorEvent): void {
    const d = ev.detection;
    const i = ev.sourceIndex;
    if (i >= this.cap) this.grow(i);
    const rank = rankOf(ev.verdict);
    const had = this.rank[i];
    if (had === 0) {
      this.addresses[i] = d.address;
      this.families[i] = d.family;
      this.firstSeen[i] = ev.ts;
    }
    if (rank > had) {
      // The deciding hit names the source: its port, type and mode.
      this.rank[i] = rank;
      this.ports[i] = d.port;
      this.protocols[i] = d.protocol;
      this.scanTypes[i] = d.scanType;
      this.modes[i] = d.mode;
      this.verdicts[i] = ev.verdict;
      if (ev.reason !== undefined) this.reasons.set(i, ev.reason);
    }
    this.lastSeen[i] = ev.ts;
    this.probes[i]++;
    const port = d.port;
    const udp = d.protocol === 'udp';
    if (port < LOW_PORTS) {
      const bit = (udp ? LOW_PORTS : 0) + port;
      const at = i * BITMAP_BYTES + (bit >> 3);
      const mask = 1 << (bit & 7);
      if ((this.lowPorts[at] & mask) === 0) {
        this.lowPorts[at] |= mask;
        this.distinct[i]++;
      }
      return;
    }
    this.addHighPort(i, (udp ? 0x10000 : 0) + port);
  }

  // Apart from addToSource, which stays small enough to be inlined into the hit loop.
  private addHighPort(i: number, key: number): void {
    let high = this.highPorts.get(i);
    if (high === undefined) this.highPorts.set(i, (high = new Set()));
    if (!high.has(key)) {
      high.add(key);
      this.distinct[i]++;
    }
  }

  private grow(index: number): void {
    let cap = this.cap * 2;
    while (cap <= index) cap *= 2;
    this.cap = cap;
    this.rank = grownInto(this.rank, new Uint8Array(cap));
    this.firstSeen = grownInto(this.firstSeen, new Float64Array(cap));
    this.lastSeen = grownInto(this.lastSeen, new Float64Array(cap));
    this.probes = grownInto(this.probes, new Uint32Array(cap));
    this.distinct = grownInto(this.distinct, new Uint32Array(cap));
    this.lowPorts = grownInto(this.lowPorts, new Uint8Array(BITMAP_BYTES * cap));
  }

  /** Sources by first hit, then address. */
  sourceRows(): SourceRow[] {
    const order: number[] = [];
    for (let i = 0; i < this.cap; i++) if (this.rank[i] !== 0) order.push(i);
    const first = this.firstSeen;
    const addresses = this.addresses;
    order.sort((a, b) => first[a] - first[b] || (addresses[a] < addresses[b] ? -1 : 1));
    return order.map((i) => {
      const row: SourceRow = {
        address: addresses[i],
        family: this.families[i],
        firstSeen: formatPacketTime(first[i]),
        lastSeen: formatPacketTime(this.lastSeen[i]),
        port: this.ports[i],
        protocol: this.protocols[i],
        scanType: this.scanTypes[i],
        mode: this.modes[i],
        probes: this.probes[i],
        ports: this.distinct[i],
        verdict: this.verdicts[i],
      };
      const reason = this.reasons.get(i);
      if (reason !== undefined) row.reason = reason;
      return row;
    });
  }
}
