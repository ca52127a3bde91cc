// PortSentry's names for what a packet looks like, checked in its order. The names for all 64 combinations of
// the six classic flags are built once, so naming a hit never builds a string.
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from '../packet/types.js';

export const SCAN_NULL = 'TCP NULL scan';
export const SCAN_XMAS = 'TCP XMAS scan';
export const SCAN_FIN = 'TCP FIN scan';
export const SCAN_SYN = 'TCP SYN/Normal scan';
export const SCAN_UDP = 'UDP scan';
export const SCAN_CONNECT = 'Connect from host';

const SIX_FLAGS = TCP_FIN | TCP_SYN | TCP_RST | TCP_PSH | TCP_ACK | TCP_URG;

function bit(flags: number, f: number): number {
  return flags & f ? 1 : 0;
}

function nameFlags(flags: number): string {
  if (flags === 0) return SCAN_NULL;
  // XMAS only asks for FIN, URG and PSH; whatever else is set, it wins over the checks below.
  if ((flags & (TCP_FIN | TCP_URG | TCP_PSH)) === (TCP_FIN | TCP_URG | TCP_PSH)) return SCAN_XMAS;
  if (flags === TCP_FIN) return SCAN_FIN;
  if (flags === TCP_SYN) return SCAN_SYN;
  return (
    `Unknown Type: TCP Packet Flags: SYN: ${bit(flags, TCP_SYN)} FIN: ${bit(flags, TCP_FIN)} ` +
    `ACK: ${bit(flags, TCP_ACK)} PSH: ${bit(flags, TCP_PSH)} URG: ${bit(flags, TCP_URG)} RST: ${bit(flags, TCP_RST)}`
  );
}

const NAMES: readonly string[] = Array.from({ length: 64 }, (_, f) => nameFlags(f));

/** The scan type PortSentry reports for a TCP packet with these flags (ECE/CWR are not looked at, as in 1.2). */
export function nameTcpScan(tcpFlags: number): string {
  return NAMES[tcpFlags & SIX_FLAGS];
}
