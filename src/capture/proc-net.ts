// Parses /proc/net/{tcp,tcp6,udp,udp6}: which local ports have a socket on them right now. TCP counts only in
// state LISTEN (0A); UDP counts every socket bound to a port (unconnected ones show state 07, connected ones 01),
// because a port with any UDP socket is one PortSentry's bind() check would find in use. Pure.

const TCP_LISTEN = '0A';

/** Local ports in use from one /proc/net table's text. Lines that do not parse are skipped. */
export function parseProcNetPorts(text: string, protocol: 'tcp' | 'udp'): Set<number> {
  const ports = new Set<number>();
  const lines = text.split('\n');
  // Line 0 is the column header.
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s+/);
    if (fields.length < 4) continue;
    const local = fields[1];
    const colon = local.lastIndexOf(':');
    if (colon < 0) continue;
    const port = parseInt(local.slice(colon + 1), 16);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) continue;
    if (protocol === 'tcp' && fields[3] !== TCP_LISTEN) continue;
    ports.add(port);
  }
  return ports;
}
