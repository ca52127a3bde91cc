// What the format readers hand every record to: decodes the frame into the reused Packet, passes decoded packets
// on, and keeps the counters that become CaptureStats.
import { Reassembler } from '../ip/reassembler.js';
import { decodeFrame } from '../link/decode-frame.js';
import { linkTypeName } from '../link-types.js';
import { createPacket } from '../packet.js';
import { DECODED, SHORT, UNDECODED } from '../status.js';
import type { Packet } from '../types.js';

/** Largest caplen we accept: libpcap's MAXIMUM_SNAPLEN (pcap-int.h), what `tcpdump -s 0` captures. */
export const MAXIMUM_SNAPLEN = 262144;
/** Largest timestamp magnitude (µs) a Date can show: ±8.64e15 ms around 1970 (ECMA-262 time value range). */
export const MAX_TIME_MICROS = 8.64e18;

export class FrameSink {
  readonly packet: Packet = createPacket();
  readonly reassembler = new Reassembler();
  packets = 0;
  short = 0;
  undecoded = 0;
  nanosecond = false;
  /** Records skipped for a timestamp outside MAX_TIME_MICROS; the first one's file offset and record number. */
  badTimes = 0;
  badTimeAt = -1;
  badTimeRecord = -1;
  readonly linkTypes: string[] = [];

  constructor(
    private readonly onPacket: (p: Packet) => void,
    readonly source: string,
  ) {}

  noteLinkType(linkType: number): void {
    const name = linkTypeName(linkType);
    if (!this.linkTypes.includes(name)) this.linkTypes.push(name);
  }

  /** True when `ts` can be judged and shown; otherwise the record at file offset `at` is counted and skipped. */
  acceptTime(ts: number, at: number): boolean {
    if (ts >= -MAX_TIME_MICROS && ts <= MAX_TIME_MICROS) return true;
    this.packets++;
    if (this.badTimes++ === 0) {
      this.badTimeAt = at;
      this.badTimeRecord = this.packets;
    }
    return false;
  }

  /**
   * One captured record: `caplen` bytes at `b[o]` of a frame `origlen` long on the wire. The caller has set
   * `packet.ts` already: a timestamp passed as an argument would be boxed into a new heap number per packet.
   */
  frame(linkType: number, b: Uint8Array, o: number, caplen: number, origlen: number): void {
    this.packets++;
    const p = this.packet;
    p.wireLength = origlen;
    const status = decodeFrame(linkType, b, o, caplen, p, this.reassembler);
    if (status === DECODED) this.onPacket(p);
    else if (status === SHORT) {
      if (caplen < origlen) this.short++;
      else this.undecoded++;
    } else if (status === UNDECODED) this.undecoded++;
  }
}
