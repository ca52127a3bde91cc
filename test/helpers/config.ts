// A complete PortSentryConfig for tests that build one in code: Debian's lists, advanced stealth modes, blocking on,
// no commands, no bans-per-minute cap. Each test overrides only what it is about.
import type { PortSentryConfig } from '../../src/config/types.js';

export function testConfig(over: Partial<PortSentryConfig> = {}): PortSentryConfig {
  return {
    tcpPorts: [1, 11],
    udpPorts: [1, 7],
    advancedPortsTcp: 1024,
    advancedPortsUdp: 1024,
    advancedExcludeTcp: [113, 139],
    advancedExcludeUdp: [520, 138, 137, 67],
    resolveHost: false,
    blockTcp: 1,
    blockUdp: 1,
    killRunCmdFirst: false,
    scanTrigger: 0,
    tcpMode: 'atcp',
    udpMode: 'audp',
    banBackend: 'auto',
    banTimeout: 3600,
    nftHooks: ['input'],
    nftPriority: -10,
    commandTimeout: 30,
    maxBansPerMinute: 0,
    hostsDenyFile: '/etc/hosts.deny',
    crowdsecPollInterval: 10,
    crowdsecOrigins: [],
    crowdsecScenario: 'portsentinel/portscan',
    ...over,
  };
}
