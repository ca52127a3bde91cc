// Replay orchestration, the I/O shell around the engine: loads the config, reads the capture(s) — pass 1 infers the
// protected host and its listeners while keeping the tripwire candidates in typed arrays, pass 2 judges them (a file
// whose candidates outgrow FILE_CANDIDATE_LIMIT is read a second time instead) — and builds the report. Touches
// nothing: no file written, no command run.
import type { BlockMethod } from '../config/backends.js';
import type { Mode, PortSentryConfig } from '../config/types.js';
import { loadConfigOrThrow } from '../config/load.js';
import { Detector } from '../detect/engine.js';
import { buildWatchTables } from '../detect/watched-ports.js';
import { UsageError } from '../errors.js';
import { readCapture } from '../packet/read-capture.js';
import { createPacket } from '../packet/packet.js';
import type { CaptureStats, Packet } from '../packet/types.js';
import { CandidateLog } from './candidates.js';
import { EventCollector } from './collect-events.js';
import { parseModesFlag } from '../detect/modes.js';
import { parseHostFlags, parseListeningFlags, type HostAddress } from './options.js';
import { buildIsListening, buildIsOwnAddress, buildIsProtected } from './protected-host.js';
import type { CaptureFileSummary, CaptureSummary, HostRow, ReplayReport } from './report-types.js';
import { CaptureSurvey, type ListenerTables } from './survey.js';
import { formatPacketTime } from './time.js';
import type { AlertJson } from './alert-json.js';

/** Candidates kept from a file before falling back to a second read (about 22 bytes each: ~90 MB). */
const FILE_CANDIDATE_LIMIT = 4_000_000;

export interface ReplayOptions {
  captures: string[];
  configPath?: string;
  modes?: string;
  hosts?: string[];
  listening?: string[];
  backend?: BlockMethod;
  /** Keep every alert in the report (JSON, --log); off, only sources and bans are kept. */
  keepAlerts: boolean;
  /** Keep every alert's PortSentry log lines (--log); defaults to keepAlerts. */
  keepLog?: boolean;
  onProgress?: (source: string, pass: 1 | 2, read: number, total?: number) => void;
  stdin?: NodeJS.ReadableStream;
  /** Candidates kept per file before it is read a second time instead (default FILE_CANDIDATE_LIMIT). */
  candidateLimit?: number;
  /** With keepAlerts and not keepLog: the alerts are encoded here (see spliceAlerts), report.alerts stays empty. */
  alertJson?: AlertJson;
}

function chooseBackend(flag: BlockMethod | undefined, config: PortSentryConfig): BlockMethod {
  if (flag) return flag;
  return config.banBackend === 'auto' ? 'nftables' : config.banBackend;
}

function summarizeFile(path: string, s: CaptureStats): CaptureFileSummary {
  const row: CaptureFileSummary = {
    path,
    format: s.format,
    linkTypes: [...s.linkTypes],
    packets: s.packets,
    short: s.short,
    undecoded: s.undecoded,
    fragments: s.fragments,
    reassembled: s.reassembled,
    truncated: s.truncated,
    nanosecond: s.nanosecond,
  };
  if (s.truncatedAt !== undefined) row.truncatedAt = s.truncatedAt;
  return row;
}

function summarizeCaptures(files: CaptureFileSummary[], first?: number, last?: number): CaptureSummary {
  const formats = new Set(files.map((f) => f.format));
  const sum = (k: 'packets' | 'short' | 'undecoded' | 'fragments' | 'reassembled') =>
    files.reduce((n, f) => n + f[k], 0);
  const out: CaptureSummary = {
    format: formats.size === 1 ? files[0].format : 'mixed',
    linkTypes: [...new Set(files.flatMap((f) => f.linkTypes))],
    packets: sum('packets'),
    short: sum('short'),
    undecoded: sum('undecoded'),
    fragments: sum('fragments'),
    reassembled: sum('reassembled'),
    truncated: files.some((f) => f.truncated),
    nanosecond: files.some((f) => f.nanosecond),
    files,
  };
  if (first !== undefined) out.firstTime = formatPacketTime(first);
  if (last !== undefined) out.lastTime = formatPacketTime(last);
  return out;
}

function tablesFromFlags(
  flags: ReturnType<typeof parseListeningFlags>,
  inferred: ListenerTables | undefined,
): ListenerTables {
  const empty = () => new Uint8Array(0x10000);
  const fromList = (ports: number[]) => {
    const t = empty();
    for (const p of ports) t[p] = 1;
    return t;
  };
  const tcp = flags.tcp && fromList(flags.tcp);
  const udp = flags.udp && fromList(flags.udp);
  return {
    tcp4: tcp ?? inferred?.tcp4 ?? empty(),
    tcp6: tcp ?? inferred?.tcp6 ?? empty(),
    udp4: udp ?? inferred?.udp4 ?? empty(),
    udp6: udp ?? inferred?.udp6 ?? empty(),
  };
}

function listPorts(a: Uint8Array, b: Uint8Array): number[] {
  const out: number[] = [];
  for (let p = 0; p < 0x10000; p++) if (a[p] !== 0 || b[p] !== 0) out.push(p);
  return out;
}

export async function runReplay(opts: ReplayOptions): Promise<ReplayReport> {
  if (opts.captures.filter((c) => c === '-').length > 1) {
    throw new UsageError('standard input ("-") can be replayed only once per command', 'E_REPLAY_STDIN');
  }
  const loaded = await loadConfigOrThrow(opts.configPath);
  const config = loaded.config;
  const modes: Mode[] = parseModesFlag(opts.modes, config);
  const flagHosts = parseHostFlags(opts.hosts);
  const listenFlags = parseListeningFlags(opts.listening);
  const backend = chooseBackend(opts.backend, config);
  const watch = buildWatchTables(config, modes);
  const warnings: string[] = [];
  const packet = createPacket();

  const needSurvey = flagHosts.length === 0 || listenFlags.tcp === undefined || listenFlags.udp === undefined;
  const stats = new Map<string, CaptureStats>();
  let survey: CaptureSurvey | undefined;
  const candidates = new Map<string, CandidateLog>();
  if (needSurvey) {
    survey = new CaptureSurvey(watch.tcp, watch.udp);
    const s = survey;
    for (const source of opts.captures) {
      const keep = new CandidateLog(
        watch.tcp,
        watch.udp,
        source === '-' ? Infinity : (opts.candidateLimit ?? FILE_CANDIDATE_LIMIT),
      );
      candidates.set(source, keep);
      stats.set(source, await read(source, (p: Packet) => (s.observe(p), keep.record(p)), 1, opts));
    }
  }

  let hosts: HostRow[] = flagHosts.map((h) => ({ ...h, basis: 'flag' }));
  if (hosts.length === 0 && survey) hosts = survey.inferHosts().map((h) => ({ ...h }));
  const hostAddrs: HostAddress[] = hosts.map(({ address, family }) => ({ address, family }));
  const tables = tablesFromFlags(listenFlags, survey?.inferListeners(hostAddrs));

  const detector = new Detector({
    config,
    ignore: loaded.ignore,
    modes,
    isProtected: buildIsProtected(hostAddrs),
    isListening: buildIsListening(tables),
    isNeverBan: buildIsOwnAddress(hostAddrs),
    // The collector copies what it keeps.
    reuseEvents: true,
  });
  const collector = new EventCollector(
    config,
    backend,
    opts.keepAlerts,
    opts.keepLog ?? opts.keepAlerts,
    opts.alertJson,
  );
  const judge = (p: Packet) => {
    const ev = detector.process(p);
    if (ev !== undefined) collector.add(ev);
  };

  for (const source of opts.captures) {
    const kept = candidates.get(source);
    if (kept && !kept.overflowed) kept.replay(packet, judge);
    else {
      const s = await read(source, judge, needSurvey ? 2 : 1, opts);
      if (!stats.has(source)) stats.set(source, s);
    }
  }

  const files = opts.captures.map((c) => summarizeFile(c, stats.get(c)!));
  for (const c of opts.captures) {
    const s = stats.get(c)!;
    if (s.badTimes > 0) warnings.push(describeBadTimes(c, s));
  }
  for (const f of files) {
    if (f.truncated) {
      const at = f.truncatedAt === undefined ? '' : ` at byte ${f.truncatedAt}`;
      warnings.push(
        `${f.path === '-' ? 'standard input' : JSON.stringify(f.path)} ends inside a record${at}: the ${f.packets} complete packets before it were judged`,
      );
    }
  }
  if (hosts.length === 0) {
    warnings.push('no protected host could be inferred (no packet was answered or probed); name it with --host');
  }

  return {
    capture: summarizeCaptures(files, collector.firstTs, collector.lastTs),
    config: {
      file: loaded.file,
      embedded: loaded.embedded,
      modes,
      scanTrigger: config.scanTrigger,
      blockTcp: config.blockTcp,
      blockUdp: config.blockUdp,
      backend,
    },
    hosts,
    listening: {
      tcp: listPorts(tables.tcp4, tables.tcp6),
      udp: listPorts(tables.udp4, tables.udp6),
      tcpBasis: listenFlags.tcp ? 'flag' : 'inferred',
      udpBasis: listenFlags.udp ? 'flag' : 'inferred',
    },
    sources: collector.sourceRows(),
    alerts: collector.alerts,
    bans: collector.banRows(),
    warnings,
  };
}

function describeBadTimes(source: string, s: CaptureStats): string {
  const name = source === '-' ? 'standard input' : JSON.stringify(source);
  const more = s.badTimes === 1 ? '' : ` (and ${s.badTimes - 1} more)`;
  return `${name}: record ${s.badTimeRecord} at byte ${s.badTimeAt}${more} has a timestamp outside the years -271821 to 275760 (check the interface's if_tsresol and if_tsoffset); skipped, the other packets were judged`;
}

function read(source: string, onPacket: (p: Packet) => void, pass: 1 | 2, opts: ReplayOptions): Promise<CaptureStats> {
  const progress = opts.onProgress;
  return readCapture(source, onPacket, {
    onProgress: progress && ((r, t) => progress(source, pass, r, t)),
    stdin: opts.stdin,
  });
}
