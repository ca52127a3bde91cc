// Classic libpcap files (https://www.tcpdump.org/manpages/pcap-savefile.5.html; IETF draft-ietf-opsawg-pcap):
// a 24-byte file header, then records of a 16-byte header and the captured bytes. Either byte order, µs or ns.
import { readU16, readU32 } from '../bytes.js';
import { damaged, sourceLabel } from './capture-errors.js';
import { MAXIMUM_SNAPLEN, type FrameSink } from './frame-sink.js';
import { InputError } from '../../errors.js';

export const TCPDUMP_MAGIC = 0xa1b2c3d4;
export const NSEC_TCPDUMP_MAGIC = 0xa1b23c4d;
/** The same magics as read from a file written in the other byte order. */
export const TCPDUMP_MAGIC_SWAPPED = 0xd4c3b2a1;
export const NSEC_TCPDUMP_MAGIC_SWAPPED = 0x4d3cb2a1;
const FILE_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
const PCAP_VERSION_MAJOR = 2;
/** The upper bits of the link type field carry FCS information (pcap-savefile(5)). */
const LINKTYPE_MASK = 0x0fffffff;

export class PcapReader {
  readonly format = 'pcap';
  headerDone = false;
  private linkType = 0;

  /** `magic` is the first word read little-endian: it tells byte order and resolution. */
  constructor(
    private readonly sink: FrameSink,
    magic: number,
    private readonly le = magic === TCPDUMP_MAGIC || magic === NSEC_TCPDUMP_MAGIC,
    private readonly nano = magic === NSEC_TCPDUMP_MAGIC || magic === NSEC_TCPDUMP_MAGIC_SWAPPED,
  ) {
    sink.nanosecond = nano;
  }

  /** Length of the record (or file header) at `b[o]`, or minus the bytes needed to tell. */
  recordLength(b: Uint8Array, o: number, avail: number, at: number): number {
    if (!this.headerDone) return avail >= FILE_HEADER_LEN ? FILE_HEADER_LEN : -FILE_HEADER_LEN;
    if (avail < RECORD_HEADER_LEN) return -RECORD_HEADER_LEN;
    return RECORD_HEADER_LEN + this.checkCaplen(readU32(b, o + 8, this.le), at);
  }

  consume(b: Uint8Array, o: number, length: number, at: number): void {
    if (!this.headerDone) this.readFileHeader(b, o);
    else this.run(b, o, o + length, at - o);
  }

  /** Processes the complete records in `b[start..end)` (`base` = file offset of b[0]); returns where it stopped. */
  run(b: Uint8Array, start: number, end: number, base: number): number {
    const sink = this.sink;
    const linkType = this.linkType;
    const le = this.le;
    // The record header's four words through one view of the chunk: four loads instead of sixteen byte loads and
    // their shifts, on every record.
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let o = start;
    while (o + RECORD_HEADER_LEN <= end) {
      const sec = dv.getUint32(o, le);
      const frac = dv.getUint32(o + 4, le);
      const caplen = dv.getUint32(o + 8, le);
      const origlen = dv.getUint32(o + 12, le);
      if (caplen > MAXIMUM_SNAPLEN) this.checkCaplen(caplen, base + o);
      const next = o + RECORD_HEADER_LEN + caplen;
      if (next > end) break;
      sink.packet.ts = this.nano ? sec * 1e6 + Math.floor(frac / 1000) : sec * 1e6 + frac;
      sink.frame(linkType, b, o + RECORD_HEADER_LEN, caplen, origlen);
      o = next;
    }
    return o;
  }

  private checkCaplen(caplen: number, at: number): number {
    if (caplen > MAXIMUM_SNAPLEN) {
      throw damaged(
        this.sink.source,
        at,
        `a record claims ${caplen} captured bytes, more than the ${MAXIMUM_SNAPLEN} any capture holds`,
      );
    }
    return caplen;
  }

  private readFileHeader(b: Uint8Array, o: number): void {
    const major = readU16(b, o + 4, this.le);
    if (major !== PCAP_VERSION_MAJOR) {
      throw new InputError(
        `${sourceLabel(this.sink.source)} is pcap version ${major}.${readU16(b, o + 6, this.le)}, not the version 2.4 this reader knows`,
        'E_CAPTURE_FORMAT',
      );
    }
    this.linkType = (readU32(b, o + 20, this.le) & LINKTYPE_MASK) >>> 0;
    this.sink.noteLinkType(this.linkType);
    this.headerDone = true;
  }
}
