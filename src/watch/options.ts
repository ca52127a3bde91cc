// The watch command's inputs, after flag parsing, and the defaults they fall back on.
import type { BackendSetting } from '../config/backends.js';

export type CaptureChoice = 'auto' | 'nflog' | 'tcpdump';

/** NFLOG group the ban table's log rules copy candidates to (nfnetlink_log groups are 16-bit). */
export const DEFAULT_NFLOG_GROUP = 4711;

export interface WatchOptions {
  config?: string;
  /** "any" or an interface name; with NFLOG, packets from other interfaces are skipped. */
  iface: string;
  /** Comma list of modes; default TCP_MODE/UDP_MODE of the config. */
  modes?: string;
  dryRun: boolean;
  json: boolean;
  stateDir?: string;
  backend?: BackendSetting;
  capture: CaptureChoice;
  nflogGroup: number;
  /** Send attackalert lines to syslog when /dev/log exists (default true). */
  syslog: boolean;
}
