// TCP and UDP headers (RFC 9293, RFC 768): ports and the TCP flags byte — all the detector needs.
import { readU16BE } from '../bytes.js';
import { DECODED, SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';

/** Bytes of TCP header up to and including the flags byte (offset 13). */
const TCP_NEEDED = 14;
/** Bytes of UDP header holding both ports. */
const UDP_NEEDED = 4;

/**
 * `avail` is what was captured of the segment, `declared` what the IP header says it holds; a shortfall within
 * the declared length is a snaplen cut (SHORT), beyond it a malformed packet.
 */
export function decodeTcp(b: Uint8Array, o: number, avail: number, declared: number, out: Packet): DecodeStatus {
  if (avail < TCP_NEEDED) return declared >= TCP_NEEDED ? SHORT : UNDECODED;
  out.srcPort = (b[o] << 8) | b[o + 1];
  out.dstPort = (b[o + 2] << 8) | b[o + 3];
  out.tcpFlags = b[o + 13];
  return DECODED;
}

export function decodeUdp(b: Uint8Array, o: number, avail: number, declared: number, out: Packet): DecodeStatus {
  if (avail < UDP_NEEDED) return declared >= UDP_NEEDED ? SHORT : UNDECODED;
  out.srcPort = readU16BE(b, o);
  out.dstPort = readU16BE(b, o + 2);
  return DECODED;
}
