// ICMPv6 (RFC 4443): type and code, and for error messages the protocol and destination port of the quoted packet.
import { readU16BE } from '../bytes.js';
import { walkExtensionHeaders, walked, WALK_OK } from '../ip/ipv6-headers.js';
import { DECODED, SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { IPPROTO_TCP, IPPROTO_UDP } from '../types.js';

/** Error messages are types 0-127 (RFC 4443 §2.1); 1-4 are the defined ones and all quote the invoking packet. */
const ICMP6_DST_UNREACH = 1;
const ICMP6_PARAM_PROB = 4;
const ICMP6_QUOTE_OFFSET = 8;
const IPV6_HEADER = 40;

export function decodeIcmpv6(b: Uint8Array, o: number, avail: number, declared: number, out: Packet): DecodeStatus {
  if (avail < 2) return declared >= 2 ? SHORT : UNDECODED;
  const type = b[o];
  out.icmpType = type;
  out.icmpCode = b[o + 1];
  if (type >= ICMP6_DST_UNREACH && type <= ICMP6_PARAM_PROB) {
    readQuotedIpv6(b, o + ICMP6_QUOTE_OFFSET, o + avail, out);
  }
  return DECODED;
}

function readQuotedIpv6(b: Uint8Array, o: number, end: number, out: Packet): void {
  if (o + IPV6_HEADER > end || b[o] >> 4 !== 6) return;
  if (walkExtensionHeaders(b, o + IPV6_HEADER, end, b[o + 6]) !== WALK_OK) return;
  const proto = walked.proto;
  out.quotedProto = proto;
  if ((proto === IPPROTO_TCP || proto === IPPROTO_UDP) && walked.offset + 4 <= end) {
    out.quotedDstPort = readU16BE(b, walked.offset + 2);
  }
}
