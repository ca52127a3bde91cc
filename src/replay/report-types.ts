// The shape of `replay --json` (schemas/replay-report.schema.json describes the same).
import type { Action } from '../respond/plan.js';
import type { Family } from '../net/address.js';
import type { Mode } from '../config/types.js';
import type { Protocol, Verdict } from '../detect/types.js';

export interface CaptureFileSummary {
  path: string;
  format: 'pcap' | 'pcapng';
  linkTypes: string[];
  packets: number;
  short: number;
  undecoded: number;
  fragments: number;
  reassembled: number;
  truncated: boolean;
  truncatedAt?: number;
  nanosecond: boolean;
}

export interface CaptureSummary {
  /** The files' format, or "mixed" when several files differ. */
  format: 'pcap' | 'pcapng' | 'mixed';
  linkTypes: string[];
  packets: number;
  short: number;
  undecoded: number;
  fragments: number;
  reassembled: number;
  truncated: boolean;
  nanosecond: boolean;
  /** Times of the first and last packet that reached the engine as a hit or candidate (absent when none). */
  firstTime?: string;
  lastTime?: string;
  files: CaptureFileSummary[];
}

export interface HostRow {
  address: string;
  family: Family;
  /** flag: --host; answers: answered probes in the capture; destination: the most probed address. */
  basis: 'flag' | 'answers' | 'destination';
}

export interface ListeningSummary {
  tcp: number[];
  udp: number[];
  tcpBasis: 'flag' | 'inferred';
  udpBasis: 'flag' | 'inferred';
}

export type SourceVerdict = Verdict;

export interface SourceRow {
  address: string;
  family: Family;
  firstSeen: string;
  lastSeen: string;
  /** The hit that decided the verdict (the ban's hit, else the first one). */
  port: number;
  protocol: Protocol;
  scanType: string;
  mode: Mode;
  /** Hits (probes to tripwires) from this source. */
  probes: number;
  /** Distinct tripwire ports probed (TCP and UDP counted apart). */
  ports: number;
  verdict: SourceVerdict;
  reason?: string;
}

export interface AlertRow {
  time: string;
  address: string;
  family: Family;
  port: number;
  protocol: Protocol;
  mode: Mode;
  scanType: string;
  verdict: Verdict;
  hits: number;
  reason?: string;
  /** PortSentry-style attackalert lines for this hit (with --log; none for ignored / below-trigger hits). */
  log?: string[];
}

export interface BanRow {
  address: string;
  family: Family;
  time: string;
  port: number;
  protocol: Protocol;
  mode: Mode;
  scanType: string;
  hits: number;
  actions: Action[];
}

export interface ReplayReport {
  capture: CaptureSummary;
  config: {
    file: string;
    embedded: boolean;
    modes: Mode[];
    scanTrigger: number;
    blockTcp: number;
    blockUdp: number;
    backend: 'nftables' | 'route' | 'command';
  };
  hosts: HostRow[];
  listening: ListeningSummary;
  sources: SourceRow[];
  alerts: AlertRow[];
  bans: BanRow[];
  warnings: string[];
}
