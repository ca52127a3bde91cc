// Which destination ports are tripwires, per protocol, as one byte per port so the hot path rejects a packet
// with a single array read. Listener exclusion is not baked in: PortSentry re-checks listeners per packet.
import type { Mode, PortSentryConfig } from '../config/types.js';

/** Port listed in TCP_PORTS/UDP_PORTS and a classic mode (tcp/udp) is on: PortSentry itself listens there. */
export const WATCH_CLASSIC = 1;
/** Port listed in TCP_PORTS/UDP_PORTS and a stealth mode (stcp/sudp) is on. */
export const WATCH_STEALTH = 2;
/** Port below ADVANCED_PORTS_*, not in ADVANCED_EXCLUDE_*, and an advanced mode (atcp/audp) is on. */
export const WATCH_ADVANCED = 4;

export interface WatchTables {
  tcp: Uint8Array;
  udp: Uint8Array;
}

function markPorts(table: Uint8Array, ports: readonly number[], bit: number): void {
  for (const p of ports) if (p >= 0 && p <= 0xffff) table[p] |= bit;
}

function markAdvanced(table: Uint8Array, below: number, exclude: readonly number[]): void {
  // Port 0 included: PortSentry's bind test succeeds for it, so it counts as a free port.
  const limit = Math.min(Math.max(below, 0), 0x10000);
  for (let p = 0; p < limit; p++) table[p] |= WATCH_ADVANCED;
  for (const p of exclude) if (p >= 0 && p <= 0xffff) table[p] &= ~WATCH_ADVANCED;
}

/** The tripwire tables for these modes. */
export function buildWatchTables(config: PortSentryConfig, modes: readonly Mode[]): WatchTables {
  const tcp = new Uint8Array(0x10000);
  const udp = new Uint8Array(0x10000);
  const on = new Set(modes);
  if (on.has('tcp')) markPorts(tcp, config.tcpPorts, WATCH_CLASSIC);
  if (on.has('stcp')) markPorts(tcp, config.tcpPorts, WATCH_STEALTH);
  if (on.has('atcp')) markAdvanced(tcp, config.advancedPortsTcp, config.advancedExcludeTcp);
  if (on.has('udp')) markPorts(udp, config.udpPorts, WATCH_CLASSIC);
  if (on.has('sudp')) markPorts(udp, config.udpPorts, WATCH_STEALTH);
  if (on.has('audp')) markAdvanced(udp, config.advancedPortsUdp, config.advancedExcludeUdp);
  return { tcp, udp };
}

/** Watched ports of one protocol as a sorted list (for reports). */
export function listWatchedPorts(table: Uint8Array, bits = 0xff): number[] {
  const out: number[] = [];
  for (let p = 0; p < table.length; p++) if (table[p] & bits) out.push(p);
  return out;
}
