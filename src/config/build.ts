// Maps decoded key values (defaults filled in) onto the typed PortSentryConfig the rest of portsentinel uses.
import type { BackendSetting } from './backends.js';
import type { BlockSetting, PortSentryConfig, TcpMode, UdpMode } from './types.js';
import { KEY_SPECS } from './schema.js';
import { expandPorts, type PortPair } from './decode.js';
import { parseDuration } from '../util/duration.js';

/** Decoded values by key; keys absent here take the schema default. */
export type DecodedValues = Record<string, unknown>;

/** Each key's effective decoded value: the file's when it was set and valid, else the schema default. */
export function withDefaults(values: DecodedValues): DecodedValues {
  const out: DecodedValues = {};
  for (const spec of KEY_SPECS) {
    const v = spec.name in values ? values[spec.name] : spec.default;
    if (v !== undefined) out[spec.name] = v;
  }
  return out;
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function buildConfig(values: DecodedValues): PortSentryConfig {
  const v = withDefaults(values);
  const ports = (key: string) => expandPorts((v[key] as PortPair[] | undefined) ?? []);
  return {
    tcpPorts: ports('TCP_PORTS'),
    udpPorts: ports('UDP_PORTS'),
    advancedPortsTcp: v.ADVANCED_PORTS_TCP as number,
    advancedPortsUdp: v.ADVANCED_PORTS_UDP as number,
    advancedExcludeTcp: ports('ADVANCED_EXCLUDE_TCP'),
    advancedExcludeUdp: ports('ADVANCED_EXCLUDE_UDP'),
    ignoreFile: text(v.IGNORE_FILE),
    historyFile: text(v.HISTORY_FILE),
    blockedFile: text(v.BLOCKED_FILE),
    resolveHost: v.RESOLVE_HOST === 1,
    blockTcp: v.BLOCK_TCP as BlockSetting,
    blockUdp: v.BLOCK_UDP as BlockSetting,
    killRoute: text(v.KILL_ROUTE),
    killHostsDeny: text(v.KILL_HOSTS_DENY),
    killRunCmd: text(v.KILL_RUN_CMD),
    killRunCmdFirst: v.KILL_RUN_CMD_FIRST === 1,
    scanTrigger: v.SCAN_TRIGGER as number,
    portBanner: text(v.PORT_BANNER),
    tcpMode: v.TCP_MODE as TcpMode,
    udpMode: v.UDP_MODE as UdpMode,
    banBackend: v.BAN_BACKEND as BackendSetting,
    banTimeout: parseDuration(v.BAN_TIMEOUT as string) ?? 3600,
    nftHooks: (v.NFT_HOOKS as string).split(',') as Array<'input' | 'forward'>,
    nftPriority: v.NFT_PRIORITY as number,
    commandTimeout: v.COMMAND_TIMEOUT as number,
    maxBansPerMinute: v.MAX_BANS_PER_MINUTE as number,
    hostsDenyFile: text(v.HOSTS_DENY_FILE) ?? '/etc/hosts.deny',
    crowdsecLapiUrl: text(v.CROWDSEC_LAPI_URL),
    crowdsecMachineCredentials: text(v.CROWDSEC_MACHINE_CREDENTIALS),
    crowdsecBouncerKeyFile: text(v.CROWDSEC_BOUNCER_KEY_FILE),
    crowdsecPollInterval: parseDuration(v.CROWDSEC_POLL_INTERVAL as string) || 10,
    crowdsecOrigins: (text(v.CROWDSEC_ORIGINS) ?? '').split(',').filter((o) => o !== ''),
    crowdsecScenario: text(v.CROWDSEC_SCENARIO) ?? 'portsentinel/portscan',
    metricsListen: text(v.METRICS_LISTEN),
  };
}
