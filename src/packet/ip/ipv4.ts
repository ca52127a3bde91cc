// IPv4 (RFC 791): addresses, options skipped via IHL, fragments handed to the reassembler.
import { decodeTransport } from '../transport/decode-transport.js';
import { HELD, SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import type { Reassembler } from './reassembler.js';

const IPV4_MIN_HEADER = 20;
/** Flags/fragment-offset field (netinet/ip.h): more-fragments bit and offset in 8-byte units. */
const IP_MF = 0x2000;
const IP_OFFMASK = 0x1fff;

/** Decodes the IPv4 packet of `avail` captured bytes at `b[o]`; `out.ts` must already be set. */
export function decodeIpv4(
  b: Uint8Array,
  o: number,
  avail: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (avail < IPV4_MIN_HEADER) return SHORT;
  const vihl = b[o];
  if (vihl >> 4 !== 4) return UNDECODED;
  const ihl = (vihl & 0x0f) << 2;
  if (ihl < IPV4_MIN_HEADER) return UNDECODED;
  if (avail < ihl) return SHORT;
  let total = (b[o + 2] << 8) | b[o + 3];
  // A zero total length comes from segmentation offload on the capturing host: trust the captured length.
  if (total === 0) total = avail;
  if (total < ihl) return UNDECODED;
  const captured = total < avail ? total : avail;
  const proto = b[o + 9];
  out.family = 4;
  out.src4 = ((b[o + 12] << 24) | (b[o + 13] << 16) | (b[o + 14] << 8) | b[o + 15]) >>> 0;
  out.dst4 = ((b[o + 16] << 24) | (b[o + 17] << 16) | (b[o + 18] << 8) | b[o + 19]) >>> 0;
  const frag = (b[o + 6] << 8) | b[o + 7];
  if ((frag & (IP_MF | IP_OFFMASK)) === 0) {
    return decodeTransport(b, o + ihl, captured - ihl, total - ihl, proto, out);
  }
  const offset = (frag & IP_OFFMASK) << 3;
  if (reassembler === undefined) {
    // Without reassembly only a first fragment says anything about the transport header.
    if (offset !== 0) return UNDECODED;
    return decodeTransport(b, o + ihl, captured - ihl, total - ihl, proto, out);
  }
  const id = (b[o + 4] << 8) | b[o + 5];
  const more = (frag & IP_MF) !== 0;
  if (
    !reassembler.accept(out.src4, out.dst4, proto, id, offset, more, b, o + ihl, total - ihl, captured - ihl, out.ts)
  ) {
    return HELD;
  }
  out.wireLength = ihl + reassembler.payloadLength;
  return decodeTransport(reassembler.data, 0, reassembler.dataLength, reassembler.payloadLength, proto, out);
}
