// Linux "cooked" capture v2 (LINKTYPE_LINUX_SLL2, `tcpdump -i any` since libpcap 1.10): 20-byte header with the
// protocol at 0 and the packet type at 10 (https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html).
import type { Reassembler } from '../ip/reassembler.js';
import { SHORT, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { decodeEthertype } from './ethertype.js';
import { PACKET_OUTGOING } from './linux-sll.js';

const SLL2_HDR_LEN = 20;

export function decodeLinuxSll2(
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (caplen < SLL2_HDR_LEN) return SHORT;
  out.outgoing = b[o + 10] === PACKET_OUTGOING;
  return decodeEthertype((b[o] << 8) | b[o + 1], b, o + SLL2_HDR_LEN, o + caplen, out, reassembler);
}
