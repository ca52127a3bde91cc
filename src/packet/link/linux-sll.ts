// Linux "cooked" capture v1 (LINKTYPE_LINUX_SLL, `tcpdump -i any` before libpcap 1.10): 16-byte header with the
// packet type at 0 and the protocol at 14 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html).
import type { Reassembler } from '../ip/reassembler.js';
import { SHORT, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { decodeEthertype } from './ethertype.js';

const SLL_HDR_LEN = 16;
/** linux/if_packet.h: the packet was sent by this host. */
export const PACKET_OUTGOING = 4;

export function decodeLinuxSll(
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (caplen < SLL_HDR_LEN) return SHORT;
  out.outgoing = ((b[o] << 8) | b[o + 1]) === PACKET_OUTGOING;
  return decodeEthertype((b[o + 14] << 8) | b[o + 15], b, o + SLL_HDR_LEN, o + caplen, out, reassembler);
}
