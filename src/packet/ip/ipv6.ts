// IPv6 (RFC 8200): addresses copied into the packet's own buffers, extension headers walked to the transport
// header. Fragments are not reassembled: a first fragment carries the ports, later ones are skipped.
import { decodeTransport } from '../transport/decode-transport.js';
import { SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { walkExtensionHeaders, walked, WALK_CUT, WALK_OK } from './ipv6-headers.js';

const IPV6_HEADER = 40;

/** Decodes the IPv6 packet of `avail` captured bytes at `b[o]`; `out.ts` must already be set. */
export function decodeIpv6(b: Uint8Array, o: number, avail: number, out: Packet): DecodeStatus {
  if (avail < IPV6_HEADER) return SHORT;
  if (b[o] >> 4 !== 6) return UNDECODED;
  let payload = (b[o + 4] << 8) | b[o + 5];
  // Zero means a jumbogram or segmentation offload; either way the captured bytes are all there is.
  if (payload === 0) payload = avail - IPV6_HEADER;
  const captured = payload < avail - IPV6_HEADER ? payload : avail - IPV6_HEADER;
  out.family = 6;
  out.src4 = 0;
  out.dst4 = 0;
  const src = out.src6;
  const dst = out.dst6;
  for (let i = 0; i < 16; i++) {
    src[i] = b[o + 8 + i];
    dst[i] = b[o + 24 + i];
  }
  const start = o + IPV6_HEADER;
  const end = start + captured;
  const walk = walkExtensionHeaders(b, start, end, b[o + 6]);
  if (walk !== WALK_OK) return walk === WALK_CUT && captured < payload ? SHORT : UNDECODED;
  const used = walked.offset - start;
  return decodeTransport(b, walked.offset, captured - used, payload - used, walked.proto, out);
}
