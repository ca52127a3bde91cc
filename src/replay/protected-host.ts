// The predicates the engine asks of replay: is a packet addressed to the protected host, is a port listened on,
// is a source one of the host's own addresses. Built once from the hosts and listener tables.
import type { Family } from '../net/address.js';
import { equal16, ipv4ToUint32, parseAddress } from '../net/address.js';
import type { Packet } from '../packet/types.js';
import type { Protocol } from '../detect/types.js';
import type { HostAddress } from './options.js';
import type { ListenerTables } from './survey.js';

export function buildIsProtected(hosts: readonly HostAddress[]): (p: Packet) => boolean {
  const v4 = hosts.filter((h) => h.family === 4).map((h) => ipv4ToUint32(parseAddress(h.address)!.bytes));
  const v6 = hosts.filter((h) => h.family === 6).map((h) => parseAddress(h.address)!.bytes);
  const only4 = v4.length === 1 ? v4[0] : -1;
  return (p) => {
    if (p.family === 4) {
      if (only4 >= 0) return p.dst4 === only4;
      for (const a of v4) if (p.dst4 === a) return true;
      return false;
    }
    for (const a of v6) if (equal16(a, p.dst6)) return true;
    return false;
  };
}

export function buildIsListening(t: ListenerTables): (protocol: Protocol, port: number, family: Family) => boolean {
  return (protocol, port, family) =>
    (family === 4 ? (protocol === 'tcp' ? t.tcp4 : t.udp4) : protocol === 'tcp' ? t.tcp6 : t.udp6)[port] !== 0;
}

export function buildIsOwnAddress(
  hosts: readonly HostAddress[],
): (family: Family, address: string) => string | undefined {
  const own = new Set(hosts.map((h) => h.address));
  return (_family, address) => (own.has(address) ? "the protected host's own address" : undefined);
}
