// Decoding of a bare IP packet (no link layer), e.g. an NFLOG payload in `watch`.
import { decodeIpv4 } from './ip/ipv4.js';
import { decodeIpv6 } from './ip/ipv6.js';
import type { Reassembler } from './ip/reassembler.js';
import { DECODED, UNDECODED, type DecodeStatus } from './status.js';
import type { Packet } from './types.js';

/** Decodes by the version nibble; the status tells a snaplen cut (SHORT) and a held fragment (HELD) apart. */
export function decodeIp(
  b: Uint8Array,
  o: number,
  length: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (length < 1) return UNDECODED;
  const version = b[o] >> 4;
  if (version === 4) return decodeIpv4(b, o, length, out, reassembler);
  if (version === 6) return decodeIpv6(b, o, length, out);
  return UNDECODED;
}

/**
 * Decodes the IPv4/IPv6 packet of `length` bytes at `buf[offset]` with timestamp `ts` (µs) into `out`; true when
 * `out` now holds a decoded packet. With a reassembler, IPv4 fragments are held and the completed datagram is
 * reported by the call that delivers its last missing fragment.
 */
export function decodeIpPacket(
  buf: Uint8Array,
  offset: number,
  length: number,
  ts: number,
  out: Packet,
  reassembler?: Reassembler,
): boolean {
  out.ts = ts;
  out.wireLength = length;
  out.outgoing = false;
  if (offset < 0 || length < 0 || offset + length > buf.length) return false;
  return decodeIp(buf, offset, length, out, reassembler) === DECODED;
}
