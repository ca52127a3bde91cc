// The tcpdump fallback's capture filter, built from the watched modes and ports: the same candidates the NFLOG
// rules pick (TCP without ACK or RST, UDP), so the kernel drops established traffic before it is copied to us.
// libpcap's `tcp[tcpflags]` only works for IPv4, so IPv6 TCP flags are read at a fixed offset (40-byte header +
// 13 = ip6[53]); IPv6 packets with extension headers cannot be checked that way and are passed on whole for the
// decoder to judge. Pure.

export type PortSelection = { below: number } | { ports: number[] };

export interface BpfSpec {
  /** Watched TCP ports, or undefined when no TCP mode is active. */
  tcp?: PortSelection;
  udp?: PortSelection;
}

/** Long port lists make tcpdump's optimiser slow and the filter unreadable; past this, ports are left to the detector. */
const MAX_LISTED_PORTS = 64;
const ACK_OR_RST = 0x14;
/** IPv6 next-header values of extension headers that may precede TCP/UDP: hop-by-hop, routing, fragment, dst opts. */
const IPV6_EXTENSION_HEADERS = [0, 43, 44, 60];

function portClause(sel: PortSelection): string {
  if ('below' in sel) return sel.below >= 65536 ? '' : ` dst portrange 0-${sel.below - 1}`;
  if (sel.ports.length === 0 || sel.ports.length > MAX_LISTED_PORTS) return '';
  return ` dst port (${sel.ports.join(' or ')})`;
}

/**
 * The filter expression. `inbound` (default true) keeps only packets the host receives: its own replies and DNS
 * queries are of no interest. (libpcap refuses `inbound` when reading an Ethernet savefile, hence the switch.)
 */
export function buildBpfFilter(spec: BpfSpec, opts: { inbound?: boolean } = {}): string {
  const parts: string[] = [];
  if (spec.tcp) {
    const ports = portClause(spec.tcp);
    parts.push(`(ip and tcp${ports} and tcp[tcpflags] & (tcp-ack|tcp-rst) == 0)`);
    parts.push(`(ip6 and tcp${ports} and ip6[53] & 0x${ACK_OR_RST.toString(16)} == 0)`);
  }
  if (spec.udp) parts.push(`(udp${portClause(spec.udp)})`);
  if (parts.length === 0) return 'less 0';
  parts.push(`(ip6 and (${IPV6_EXTENSION_HEADERS.map((n) => `ip6[6] == ${n}`).join(' or ')}))`);
  const any = parts.join(' or ');
  return opts.inbound === false ? any : `inbound and (${any})`;
}

/** The ports each protocol's active modes watch, as the filter sees them (the detector still decides per port). */
export function bpfSpecFor(
  config: { tcpPorts: number[]; udpPorts: number[]; advancedPortsTcp: number; advancedPortsUdp: number },
  modes: readonly string[],
): BpfSpec {
  const pick = (advanced: boolean, listed: boolean, below: number, ports: number[]): PortSelection | undefined => {
    if (advanced && listed) return { below: Math.max(below, ...ports.map((p) => p + 1)) };
    if (advanced) return { below };
    if (listed) return { ports };
    return undefined;
  };
  // Classic tcp mode counts completed connections, whose ACKs this filter drops on purpose: it is not a live mode.
  return {
    tcp: pick(modes.includes('atcp'), modes.includes('stcp'), config.advancedPortsTcp, config.tcpPorts),
    udp: pick(
      modes.includes('audp'),
      modes.includes('sudp') || modes.includes('udp'),
      config.advancedPortsUdp,
      config.udpPorts,
    ),
  };
}
