// Dispatches a captured frame to its link-layer decoder by link type.
import { decodeIp } from '../decode-ip.js';
import { decodeIpv4 } from '../ip/ipv4.js';
import { decodeIpv6 } from '../ip/ipv6.js';
import type { Reassembler } from '../ip/reassembler.js';
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_IPV4,
  LINKTYPE_IPV6,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  LINKTYPE_LOOP,
  LINKTYPE_NULL,
  LINKTYPE_RAW,
  LINKTYPE_RAW_LEGACY12,
  LINKTYPE_RAW_LEGACY14,
} from '../link-types.js';
import { UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { decodeEthernet } from './ethernet.js';
import { decodeLinuxSll } from './linux-sll.js';
import { decodeLinuxSll2 } from './linux-sll2.js';
import { decodeLoop, decodeNull } from './null-loop.js';

/** Decodes the `caplen` captured bytes of a frame at `b[o]`; `out.ts` and `out.wireLength` must already be set. */
export function decodeFrame(
  linkType: number,
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  out.outgoing = false;
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return decodeEthernet(b, o, caplen, out, reassembler);
    case LINKTYPE_LINUX_SLL2:
      return decodeLinuxSll2(b, o, caplen, out, reassembler);
    case LINKTYPE_LINUX_SLL:
      return decodeLinuxSll(b, o, caplen, out, reassembler);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_LEGACY12:
    case LINKTYPE_RAW_LEGACY14:
      return decodeIp(b, o, caplen, out, reassembler);
    case LINKTYPE_IPV4:
      return decodeIpv4(b, o, caplen, out, reassembler);
    case LINKTYPE_IPV6:
      return decodeIpv6(b, o, caplen, out);
    case LINKTYPE_NULL:
      return decodeNull(b, o, caplen, out, reassembler);
    case LINKTYPE_LOOP:
      return decodeLoop(b, o, caplen, out, reassembler);
    default:
      return UNDECODED;
  }
}
