// The one reusable Packet object a reader fills for every decoded packet.
import type { Packet } from './types.js';

/** A zeroed Packet with its own 16-byte IPv6 address buffers; decoders overwrite every field per packet. */
export function createPacket(): Packet {
  return {
    ts: 0,
    family: 4,
    src4: 0,
    dst4: 0,
    src6: new Uint8Array(16),
    dst6: new Uint8Array(16),
    proto: 0,
    srcPort: 0,
    dstPort: 0,
    tcpFlags: 0,
    icmpType: -1,
    icmpCode: -1,
    quotedProto: -1,
    quotedDstPort: -1,
    wireLength: 0,
    outgoing: false,
  };
}
