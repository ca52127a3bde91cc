// The PortSentry detection engine, shared by `replay` (packets from a capture) and `watch` (live packets).
// Pure: no I/O and no clock — the only time it knows is the packet's timestamp — so a capture always yields
// the same events. Rules (docs/replay.md: the rules): watched ports per mode, listener exclusion re-checked per packet,
// ACK/RST ignored in stealth modes, ignore file, SCAN_TRIGGER, already-blocked hosts, BLOCK_TCP/BLOCK_UDP.
import type { BlockSetting, Mode, PortSentryConfig } from '../config/types.js';
import type { Packet } from '../packet/types.js';
import { IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_RST } from '../packet/types.js';
import { HandshakeTracker } from './handshakes.js';
import { compileIgnore, describeIgnoreEntry, type IgnoreMatcher } from './ignore-match.js';
import { checkNeverBan4, checkNeverBan6, OWN_ADDRESS } from './never-ban.js';
import { equal16 } from '../net/address.js';
import { nameTcpScan, SCAN_CONNECT, SCAN_UDP } from './scan-type.js';
import {
  LISTED_TCP,
  LISTED_UDP,
  SourceTable,
  STANDING_IGNORED,
  STANDING_NEVER_BAN,
  STANDING_NONE,
  STANDING_UNKNOWN,
  type SourceState,
} from './source-table.js';
import type { DetectorEvent, DetectorOptions, Protocol, Verdict } from './types.js';
import { buildWatchTables, WATCH_ADVANCED, WATCH_CLASSIC, WATCH_STEALTH } from './watched-ports.js';

const STEALTHY = WATCH_STEALTH | WATCH_ADVANCED;
const ACK_OR_RST = TCP_ACK | TCP_RST;

export class Detector {
  private readonly config: PortSentryConfig;
  private readonly tcpWatch: Uint8Array;
  private readonly udpWatch: Uint8Array;
  private readonly ignore: IgnoreMatcher;
  private readonly sources: SourceTable;
  private readonly handshakes = new HandshakeTracker();
  private readonly trigger: number;
  private readonly isProtected: DetectorOptions['isProtected'];
  private readonly isListening: DetectorOptions['isListening'];
  private readonly isNeverBan: DetectorOptions['isNeverBan'];
  /** The one event handed out when events are reused. */
  private readonly scratch: DetectorEvent | undefined;
  readonly modes: readonly Mode[];

  constructor(opts: DetectorOptions) {
    this.config = opts.config;
    this.sources = new SourceTable(opts.limits);
    this.modes = [...opts.modes];
    const tables = buildWatchTables(opts.config, opts.modes);
    this.tcpWatch = tables.tcp;
    this.udpWatch = tables.udp;
    this.ignore = compileIgnore(opts.ignore);
    this.trigger = Math.max(1, Math.floor(opts.config.scanTrigger));
    this.isProtected = opts.isProtected;
    this.isListening = opts.isListening;
    this.isNeverBan = opts.isNeverBan;
    if (opts.reuseEvents) {
      const detection = {
        address: '',
        family: 4 as const,
        port: 0,
        protocol: 'tcp' as const,
        mode: 'tcp' as const,
        scanType: '',
      };
      this.scratch = { ts: 0, verdict: 'ignored', detection, hits: 0, sourceIndex: 0, reason: undefined };
    }
  }

  /**
   * Judges one packet. Returns an event for every hit (a packet PortSentry would have seen on a tripwire),
   * undefined for everything else. The packet object is not kept.
   */
  process(p: Packet): DetectorEvent | undefined {
    // Integer checks first: most packets leave here without a call or an allocation.
    const proto = p.proto;
    let watch: number;
    if (proto === IPPROTO_TCP) watch = this.tcpWatch[p.dstPort];
    else if (proto === IPPROTO_UDP) watch = this.udpWatch[p.dstPort];
    else return undefined;
    if (watch === 0) return undefined;
    if (proto === IPPROTO_TCP && (p.tcpFlags & ACK_OR_RST) !== 0 && (watch & WATCH_CLASSIC) === 0) return undefined;
    if (!this.isProtected(p)) return undefined;

    const port = p.dstPort;
    const protocol: Protocol = proto === IPPROTO_TCP ? 'tcp' : 'udp';
    let mode: Mode;
    let scanType: string;
    const stealthOk =
      (watch & STEALTHY) !== 0 &&
      (proto === IPPROTO_UDP || (p.tcpFlags & ACK_OR_RST) === 0) &&
      !this.isListening(protocol, port, p.family);
    if (stealthOk) {
      // A port listed in TCP_PORTS and also below ADVANCED_PORTS is reported under the stealth mode.
      mode = protocol === 'tcp' ? (watch & WATCH_STEALTH ? 'stcp' : 'atcp') : watch & WATCH_STEALTH ? 'sudp' : 'audp';
      scanType = protocol === 'tcp' ? nameTcpScan(p.tcpFlags) : SCAN_UDP;
    } else if ((watch & WATCH_CLASSIC) !== 0) {
      // PortSentry itself listens on classic ports, so other listeners do not matter here.
      if (protocol === 'tcp' && !this.handshakes.complete(p)) return undefined;
      mode = protocol;
      scanType = SCAN_CONNECT;
    } else return undefined;

    const s = p.family === 4 ? this.sources.get4(p.src4, p.ts) : this.sources.get6(p.src6, p.ts);
    if (s.standing === STANDING_UNKNOWN) this.decideStanding(s, p);
    return this.judge(s, p, port, protocol, mode, scanType);
  }

  /** Records a ban made elsewhere (e.g. found in the kernel at start): its next hits are "already blocked". */
  markBanned(address: string): boolean {
    const s = this.sources.lookup(address, true);
    if (!s) return false;
    s.banned = true;
    return true;
  }

  /** Forgets a source entirely (after an unban): its hit count starts again from zero. */
  forget(address: string): boolean {
    return this.sources.delete(address);
  }

  isBanned(address: string): boolean {
    return this.sources.lookup(address, false)?.banned ?? false;
  }

  /** Addresses banned so far (by this engine or through markBanned). */
  bannedAddresses(): string[] {
    return this.sources.listBanned();
  }

  /** Sources the engine holds state for. */
  get sourceCount(): number {
    return this.sources.size;
  }

  private decideStanding(s: SourceState, p: Packet): void {
    const entry = p.family === 4 ? this.ignore.match4(p.src4) : this.ignore.match6(p.src6);
    if (entry) {
      s.standing = STANDING_IGNORED;
      s.reason = describeIgnoreEntry(entry);
      return;
    }
    const builtin = p.family === 4 ? checkNeverBan4(p.src4) : checkNeverBan6(p.src6);
    const reason = builtin ?? (sameAddress(p) ? OWN_ADDRESS : this.isNeverBan?.(s.family, s.address));
    s.standing = reason === undefined ? STANDING_NONE : STANDING_NEVER_BAN;
    if (reason !== undefined) s.reason = reason;
  }

  // Takes the packet rather than its timestamp: a double passed to a call that is not inlined is boxed into a new
  // heap number, one per hit.
  private judge(
    s: SourceState,
    p: Packet,
    port: number,
    protocol: Protocol,
    mode: Mode,
    scanType: string,
  ): DetectorEvent {
    let verdict: Verdict;
    if (s.standing === STANDING_IGNORED) verdict = 'ignored';
    else {
      s.hits++;
      const listed = protocol === 'tcp' ? LISTED_TCP : LISTED_UDP;
      if (s.hits < this.trigger) verdict = 'below-trigger';
      else if (s.banned || (s.listed & listed) !== 0) verdict = 'already-banned';
      else if (s.standing === STANDING_NEVER_BAN) verdict = 'never-ban';
      else if (this.blockSetting(protocol) === 0) {
        // 1.2 counts BLOCK_*="0" as a response that succeeded and lists the host in that protocol's blocked file.
        verdict = 'logged';
        s.listed |= listed;
      } else {
        verdict = 'banned';
        s.banned = true;
      }
    }
    const ts = p.ts;
    const hits = verdict === 'ignored' ? 0 : s.hits;
    const reason = verdict === 'ignored' || verdict === 'never-ban' ? s.reason : undefined;
    const ev = this.scratch;
    if (ev === undefined) {
      const detection = { address: s.address, family: s.family, port, protocol, mode, scanType };
      const fresh: DetectorEvent = { ts, verdict, detection, hits, sourceIndex: s.index };
      if (reason !== undefined) fresh.reason = reason;
      return fresh;
    }
    const d = ev.detection;
    d.address = s.address;
    d.family = s.family;
    d.port = port;
    d.protocol = protocol;
    d.mode = mode;
    d.scanType = scanType;
    ev.ts = ts;
    ev.verdict = verdict;
    ev.hits = hits;
    ev.sourceIndex = s.index;
    ev.reason = reason;
    return ev;
  }

  private blockSetting(protocol: Protocol): BlockSetting {
    return protocol === 'tcp' ? this.config.blockTcp : this.config.blockUdp;
  }
}

function sameAddress(p: Packet): boolean {
  return p.family === 4 ? p.src4 === p.dst4 : equal16(p.src6, p.dst6);
}

export type { DetectorEvent, DetectorOptions, Protocol, Verdict } from './types.js';
