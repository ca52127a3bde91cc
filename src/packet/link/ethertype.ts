// EtherType values (IEEE 802 numbers, linux/if_ether.h names) and the hand-off to the IP decoders.
import { decodeIpv4 } from '../ip/ipv4.js';
import { decodeIpv6 } from '../ip/ipv6.js';
import type { Reassembler } from '../ip/reassembler.js';
import { UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';

export const ETH_P_IP = 0x0800;
export const ETH_P_IPV6 = 0x86dd;
export const ETH_P_8021Q = 0x8100;
export const ETH_P_8021AD = 0x88a8;
/** Pre-standard QinQ outer tag still sent by some switches. */
export const ETH_P_QINQ1 = 0x9100;

/** Decodes the payload at `b[o..end)` by EtherType; anything but IPv4/IPv6 is undecoded. */
export function decodeEthertype(
  type: number,
  b: Uint8Array,
  o: number,
  end: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (type === ETH_P_IP) return decodeIpv4(b, o, end - o, out, reassembler);
  if (type === ETH_P_IPV6) return decodeIpv6(b, o, end - o, out);
  return UNDECODED;
}
