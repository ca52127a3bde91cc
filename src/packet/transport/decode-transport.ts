// Dispatches on the upper-layer protocol. Protocols without ports are still reported (proto set, ports 0).
import { DECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP } from '../types.js';
import { decodeIcmp } from './icmp.js';
import { decodeIcmpv6 } from './icmpv6.js';
import { decodeTcp, decodeUdp } from './tcp-udp.js';

/** Resets the transport fields of `out`, then fills them for `proto` from `avail` captured of `declared` bytes. */
export function decodeTransport(
  b: Uint8Array,
  o: number,
  avail: number,
  declared: number,
  proto: number,
  out: Packet,
): DecodeStatus {
  out.proto = proto;
  out.srcPort = 0;
  out.dstPort = 0;
  out.tcpFlags = 0;
  out.icmpType = -1;
  out.icmpCode = -1;
  out.quotedProto = -1;
  out.quotedDstPort = -1;
  if (proto === IPPROTO_TCP) return decodeTcp(b, o, avail, declared, out);
  if (proto === IPPROTO_UDP) return decodeUdp(b, o, avail, declared, out);
  if (proto === IPPROTO_ICMP) return decodeIcmp(b, o, avail, declared, out);
  if (proto === IPPROTO_ICMPV6) return decodeIcmpv6(b, o, avail, declared, out);
  return DECODED;
}
