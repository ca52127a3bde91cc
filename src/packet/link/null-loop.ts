// BSD loopback encapsulation: a 4-byte address family, in the capturing host's byte order for LINKTYPE_NULL and
// big-endian for LINKTYPE_LOOP (https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html).
import { decodeIpv4 } from '../ip/ipv4.js';
import { decodeIpv6 } from '../ip/ipv6.js';
import type { Reassembler } from '../ip/reassembler.js';
import { SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';

const NULL_HDR_LEN = 4;
const AF_INET = 2;
/** AF_INET6 differs by system: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30. */
const AF_INET6_LINUX = 10;
const AF_INET6_BSD = 24;
const AF_INET6_FREEBSD = 28;
const AF_INET6_DARWIN = 30;

export function decodeNull(
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (caplen < NULL_HDR_LEN) return SHORT;
  // Families are small numbers, so whichever end holds the non-zero bytes is the low end.
  const le = b[o] | (b[o + 1] << 8);
  const be = (b[o + 2] << 8) | b[o + 3];
  return decodeFamily(le !== 0 ? le : be, b, o, caplen, out, reassembler);
}

export function decodeLoop(
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (caplen < NULL_HDR_LEN) return SHORT;
  if (b[o] !== 0 || b[o + 1] !== 0) return UNDECODED;
  return decodeFamily((b[o + 2] << 8) | b[o + 3], b, o, caplen, out, reassembler);
}

function decodeFamily(
  family: number,
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  const p = o + NULL_HDR_LEN;
  const n = caplen - NULL_HDR_LEN;
  if (family === AF_INET) return decodeIpv4(b, p, n, out, reassembler);
  if (
    family === AF_INET6_LINUX ||
    family === AF_INET6_BSD ||
    family === AF_INET6_FREEBSD ||
    family === AF_INET6_DARWIN
  ) {
    return decodeIpv6(b, p, n, out);
  }
  return UNDECODED;
}
