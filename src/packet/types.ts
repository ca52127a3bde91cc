// The decoded view of one packet that readers hand to the detector. One object is reused for every packet
// (no allocation per packet on the hot path): a consumer that keeps anything must copy it.
import type { Family } from '../net/address.js';

export const IPPROTO_ICMP = 1;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_ICMPV6 = 58;

/** TCP flag bits as in the TCP header's flags byte. */
export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;
export const TCP_URG = 0x20;

export interface Packet {
  /** Capture timestamp in microseconds since the epoch (nanosecond captures are rounded down). */
  ts: number;
  family: Family;
  /** IPv4 addresses as uint32 (valid when family === 4). */
  src4: number;
  dst4: number;
  /** IPv6 addresses: 16-byte views, only valid until the next packet (valid when family === 6). */
  src6: Uint8Array;
  dst6: Uint8Array;
  /** Transport protocol after extension headers / reassembly (IPPROTO_*). */
  proto: number;
  srcPort: number;
  dstPort: number;
  /** TCP flags byte (0 for other protocols). */
  tcpFlags: number;
  /** ICMP / ICMPv6 type and code (-1 when not ICMP). */
  icmpType: number;
  icmpCode: number;
  /**
   * For ICMP errors (e.g. port unreachable): the protocol and destination port of the quoted packet, so an
   * unreachable reply can be tied to the probe it answers (-1 when absent).
   */
  quotedProto: number;
  quotedDstPort: number;
  /** Original length on the wire. */
  wireLength: number;
  /**
   * True when the link layer says the capturing host sent the packet (LINUX_SLL/SLL2 packet type OUTGOING, as
   * `tcpdump -i any` records both directions); false when it cannot tell.
   */
  outgoing?: boolean;
}

/** Counters a capture reader reports at the end. */
export interface CaptureStats {
  format: 'pcap' | 'pcapng';
  linkTypes: string[];
  /** Records read. */
  packets: number;
  /** Records cut short by the snaplen so the headers needed were missing; counted and skipped. */
  short: number;
  /** Records that were not IPv4/IPv6 or could not be decoded. */
  undecoded: number;
  /** IPv4 fragments held for reassembly / datagrams reassembled. */
  fragments: number;
  reassembled: number;
  /** True when the file ended inside a record; the complete records before it were judged. */
  truncated: boolean;
  /** Byte offset where the incomplete record began (when truncated). */
  truncatedAt?: number;
  /** Nanosecond timestamps seen. */
  nanosecond: boolean;
  /** Records skipped because their timestamp lies outside any showable date. */
  badTimes: number;
  /** File offset and 1-based record number of the first such record. */
  badTimeAt?: number;
  badTimeRecord?: number;
}
