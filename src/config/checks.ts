// Checks that span keys or go beyond the schema: what PortSentry 2.x refuses at start-up, and where portsentinel's
// behaviour differs from what the file's author may expect (KILL_ROUTE with a native ban backend). Pure.
import type { PortSentryConfig } from './types.js';
import type { ConfigProblem } from './problem.js';

export interface KeyPosition {
  line: number;
  column: number;
  value: string;
}

const KNOWN_MACROS = new Set(['$TARGET$', '$PORT$', '$MODE$']);
/** PortSentry 1.2 keeps at most this many entries of a port list. */
const PORTSENTRY12_MAX_PORTS = 64;

/** Classic TCP needs completed connects (their ACKs), which the live capture leaves out on purpose. */
export const CLASSIC_TCP_UNWATCHED =
  'value "tcp" (classic) is not watched live: `watch` sees no TCP scans in this mode (replay still judges it); use "stcp" or "atcp"';

export function checkConfig(
  config: PortSentryConfig,
  keys: Record<string, KeyPosition>,
  file: string,
  tokenCounts: Record<string, number>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const at = (severity: ConfigProblem['severity'], key: string, message: string) => {
    const pos = keys[key] ?? { line: 1, column: 1 };
    problems.push({ severity, file, line: pos.line, column: pos.column, key, message });
  };
  const backend = config.banBackend;

  for (const [key, block] of [
    ['BLOCK_TCP', config.blockTcp],
    ['BLOCK_UDP', config.blockUdp],
  ] as const) {
    if (block === 2 && !config.killRunCmd) {
      at('error', key, `value "2" runs only KILL_RUN_CMD, which is not set; set KILL_RUN_CMD or use ${key}="1"`);
    }
    if (block === 1 && backend === 'command' && !config.killRoute && !config.killHostsDeny && key in keys) {
      at('warning', key, 'value "1" blocks nothing with BAN_BACKEND="command": set KILL_ROUTE or KILL_HOSTS_DENY');
    }
  }

  if (config.killRoute && backend !== 'command') {
    at(
      'warning',
      'KILL_ROUTE',
      `is not run with BAN_BACKEND="${backend}": the kernel ban set is the block step; set BAN_BACKEND="command" to run KILL_ROUTE instead`,
    );
  }

  for (const key of ['KILL_ROUTE', 'KILL_HOSTS_DENY', 'KILL_RUN_CMD']) {
    const value = keys[key]?.value ?? '';
    for (const macro of new Set(value.match(/\$[A-Za-z_]+\$/g) ?? [])) {
      if (!KNOWN_MACROS.has(macro)) {
        at('warning', key, `macro ${macro} is not known and stays as written; the macros are $TARGET$, $PORT$, $MODE$`);
      }
    }
  }

  for (const [key, count] of Object.entries(tokenCounts)) {
    if (count > PORTSENTRY12_MAX_PORTS) {
      at(
        'warning',
        key,
        `has ${count} entries; PortSentry 1.2 reads only the first ${PORTSENTRY12_MAX_PORTS}, portsentinel uses all`,
      );
    }
  }

  if ((config.tcpMode === 'tcp' || config.tcpMode === 'stcp') && config.tcpPorts.length === 0) {
    at(
      'warning',
      'TCP_MODE',
      `value "${config.tcpMode}" watches TCP_PORTS, which is empty; set TCP_PORTS or use "atcp"`,
    );
  }
  if (config.tcpMode === 'tcp') {
    at('warning', 'TCP_MODE', CLASSIC_TCP_UNWATCHED);
  }
  if ((config.udpMode === 'udp' || config.udpMode === 'sudp') && config.udpPorts.length === 0) {
    at(
      'warning',
      'UDP_MODE',
      `value "${config.udpMode}" watches UDP_PORTS, which is empty; set UDP_PORTS or use "audp"`,
    );
  }
  return problems;
}
