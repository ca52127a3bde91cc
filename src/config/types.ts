// The effective configuration the rest of portsentinel works from, after parsing and defaults.
// Key names, types, ranges and defaults live in schemas/config.schema.json; this is its typed face.
import type { Prefix } from '../net/address.js';
import type { BackendSetting } from './backends.js';

export type TcpMode = 'tcp' | 'stcp' | 'atcp';
export type UdpMode = 'udp' | 'sudp' | 'audp';
export type Mode = TcpMode | UdpMode;
export type BlockSetting = 0 | 1 | 2;

export interface PortSentryConfig {
  /** Expanded port lists (ranges already expanded, duplicates removed, ascending). */
  tcpPorts: number[];
  udpPorts: number[];
  /** Advanced modes watch ports below this number (1..65535). */
  advancedPortsTcp: number;
  advancedPortsUdp: number;
  advancedExcludeTcp: number[];
  advancedExcludeUdp: number[];
  ignoreFile?: string;
  historyFile?: string;
  blockedFile?: string;
  resolveHost: boolean;
  blockTcp: BlockSetting;
  blockUdp: BlockSetting;
  /** Raw templates with $TARGET$ / $PORT$ / $MODE$ macros, as written in the file. */
  killRoute?: string;
  killHostsDeny?: string;
  killRunCmd?: string;
  killRunCmdFirst: boolean;
  scanTrigger: number;
  portBanner?: string;

  // portsentinel's own keys
  tcpMode: TcpMode;
  udpMode: UdpMode;
  banBackend: BackendSetting;
  /** Default ban duration in seconds; 0 = permanent. */
  banTimeout: number;
  /** Netfilter hooks of the base chain(s): input always, forward optionally. */
  nftHooks: Array<'input' | 'forward'>;
  nftPriority: number;
  /** Seconds before a KILL_* command is killed. */
  commandTimeout: number;
  /** Cap on new bans per minute (decoy-flood guard); 0 = no cap. */
  maxBansPerMinute: number;
  /** File KILL_HOSTS_DENY lines are appended to. */
  hostsDenyFile: string;
  // Sharing bans through a CrowdSec Local API (CROWDSEC_* keys).
  crowdsecLapiUrl?: string;
  /** Path of the `cscli machines add -f` YAML file (secret): push when set. */
  crowdsecMachineCredentials?: string;
  /** Path of the file holding a bouncer key (secret): pull when set. */
  crowdsecBouncerKeyFile?: string;
  /** Seconds between pulls. */
  crowdsecPollInterval: number;
  /** Decision origins to enforce; empty = all. */
  crowdsecOrigins: string[];
  crowdsecScenario: string;
  /** HOST:PORT serving Prometheus metrics; undefined = off. */
  metricsListen?: string;
}

export interface IgnoreEntry {
  prefix: Prefix;
  /** Where it came from, for reports. */
  file: string;
  line: number;
  text: string;
}
