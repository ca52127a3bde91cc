// ICMP for IPv4 (RFC 792): type and code, and for error messages the protocol and destination port of the
// quoted datagram, so a port unreachable can be tied to the probe it answers.
import { readU16BE } from '../bytes.js';
import { DECODED, SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { IPPROTO_TCP, IPPROTO_UDP } from '../types.js';

/** Error types that quote the offending datagram (RFC 792, RFC 1812 §4.3.2.3). */
const ICMP_DEST_UNREACH = 3;
const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
const ICMP_TIME_EXCEEDED = 11;
const ICMP_PARAMETERPROB = 12;
/** The quoted datagram starts after type, code, checksum and 4 bytes of type-specific data. */
const ICMP_QUOTE_OFFSET = 8;
const IPV4_MIN_HEADER = 20;
const IP_OFFMASK = 0x1fff;

export function decodeIcmp(b: Uint8Array, o: number, avail: number, declared: number, out: Packet): DecodeStatus {
  if (avail < 2) return declared >= 2 ? SHORT : UNDECODED;
  const type = b[o];
  out.icmpType = type;
  out.icmpCode = b[o + 1];
  if (
    type === ICMP_DEST_UNREACH ||
    type === ICMP_TIME_EXCEEDED ||
    type === ICMP_PARAMETERPROB ||
    type === ICMP_SOURCE_QUENCH ||
    type === ICMP_REDIRECT
  ) {
    readQuotedIpv4(b, o + ICMP_QUOTE_OFFSET, avail - ICMP_QUOTE_OFFSET, out);
  }
  return DECODED;
}

/** Fills quotedProto / quotedDstPort from as much of the quoted IPv4 header as is present. */
function readQuotedIpv4(b: Uint8Array, o: number, avail: number, out: Packet): void {
  if (avail < IPV4_MIN_HEADER || b[o] >> 4 !== 4) return;
  const ihl = (b[o] & 0x0f) * 4;
  if (ihl < IPV4_MIN_HEADER) return;
  const proto = b[o + 9];
  out.quotedProto = proto;
  // A quoted non-first fragment has no transport header to quote.
  if ((readU16BE(b, o + 6) & IP_OFFMASK) !== 0) return;
  if ((proto === IPPROTO_TCP || proto === IPPROTO_UDP) && avail >= ihl + 4)
    out.quotedDstPort = readU16BE(b, o + ihl + 2);
}
