// pcapng files (IETF draft-ietf-opsawg-pcapng): blocks of `type, total length, body, total length`. Each section
// (SHB) has its own byte order and interfaces; each interface (IDB) its link type, snaplen and timestamp unit.
// Packets come in EPBs and SPBs; every other block is skipped.
import { readU16, readU32 } from '../bytes.js';
import { linkTypeName } from '../link-types.js';
import { damaged } from './capture-errors.js';
import { MAXIMUM_SNAPLEN, type FrameSink } from './frame-sink.js';
import { DEFAULT_TSRESOL, TimestampUnit } from './pcapng-time.js';

export const BT_SHB = 0x0a0d0d0a;
export const BT_IDB = 0x00000001;
export const BT_SPB = 0x00000003;
export const BT_EPB = 0x00000006;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const BYTE_ORDER_MAGIC_SWAPPED = 0x4d3c2b1a;
const PCAPNG_VERSION_MAJOR = 1;
/** Smallest legal block: type, length, trailing length. */
const MIN_BLOCK = 12;
/** Block lengths above this are taken as damage; Wireshark uses the same 16 MiB bound (MAX_BLOCK_SIZE). */
export const MAX_BLOCK = 16 * 1024 * 1024;
const MIN_SHB = 28;
const MIN_IDB = 20;
const MIN_EPB = 32;
const MIN_SPB = 16;
const OPT_ENDOFOPT = 0;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;
const TWO_32 = 4294967296;

interface Iface {
  linkType: number;
  snaplen: number;
  unit: TimestampUnit;
}

export class PcapngReader {
  readonly format = 'pcapng';
  headerDone = false;
  private le = true;
  private ifaces: Iface[] = [];
  /** SPBs carry no timestamp: they get the last one seen, so capture time never runs backwards. */
  private lastTs = 0;

  constructor(private readonly sink: FrameSink) {}

  /** Length of the block at `b[o]`, or minus the bytes needed to tell. Throws on impossible lengths. */
  recordLength(b: Uint8Array, o: number, avail: number, at: number): number {
    if (avail < MIN_BLOCK) return -MIN_BLOCK;
    let le = this.le;
    if (b[o] === 0x0a && b[o + 1] === 0x0d && b[o + 2] === 0x0d && b[o + 3] === 0x0a) {
      const magic = readU32(b, o + 8, true);
      if (magic === BYTE_ORDER_MAGIC) le = true;
      else if (magic === BYTE_ORDER_MAGIC_SWAPPED) le = false;
      else throw damaged(this.sink.source, at + 8, 'a section header has no valid byte-order magic');
    }
    const length = readU32(b, o + 4, le);
    if (length < MIN_BLOCK || length > MAX_BLOCK || (length & 3) !== 0) {
      throw damaged(
        this.sink.source,
        at,
        `a block claims a length of ${length} bytes (a multiple of 4 from ${MIN_BLOCK} to ${MAX_BLOCK} is required)`,
      );
    }
    return length;
  }

  /** Processes the complete blocks in `b[start..end)` (`base` = file offset of b[0]); returns where it stopped. */
  run(b: Uint8Array, start: number, end: number, base: number): number {
    // One view of the chunk for the words of every block (see PcapReader.run).
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let o = start;
    while (o + MIN_BLOCK <= end) {
      const length = this.recordLength(b, o, end - o, base + o);
      if (o + length > end) break;
      this.consumeIn(view, b, o, length, base + o);
      o += length;
    }
    return o;
  }

  consume(b: Uint8Array, o: number, length: number, at: number): void {
    this.consumeIn(new DataView(b.buffer, b.byteOffset, b.byteLength), b, o, length, at);
  }

  /** One whole block at `b[o]`; `view` is a DataView of all of `b`. */
  private consumeIn(view: DataView, b: Uint8Array, o: number, length: number, at: number): void {
    const le = this.le;
    const type = view.getUint32(o, le);
    if (type === BT_EPB) this.readEpb(view, b, o, length, at);
    else if (type === BT_SHB) this.readShb(b, o, length, at);
    else if (type === BT_IDB) this.readIdb(b, o, length, at);
    else if (type === BT_SPB) this.readSpb(b, o, length, at);
    if (view.getUint32(o + length - 4, this.le) !== length) {
      throw damaged(this.sink.source, at, `a block's trailing length differs from its leading length ${length}`);
    }
  }

  private readShb(b: Uint8Array, o: number, length: number, at: number): void {
    this.le = readU32(b, o + 8, true) === BYTE_ORDER_MAGIC;
    if (length < MIN_SHB) throw this.tooShort('section header', length, at);
    const major = readU16(b, o + 12, this.le);
    if (major !== PCAPNG_VERSION_MAJOR) {
      throw damaged(this.sink.source, at, `the section header says pcapng version ${major}, not 1`);
    }
    this.ifaces = [];
    this.headerDone = true;
  }

  private readIdb(b: Uint8Array, o: number, length: number, at: number): void {
    if (length < MIN_IDB) throw this.tooShort('interface description', length, at);
    const le = this.le;
    const linkType = readU16(b, o + 8, le);
    const snaplen = readU32(b, o + 12, le);
    let tsresol = DEFAULT_TSRESOL;
    let offsetUs = 0;
    const end = o + length - 4;
    let p = o + 16;
    while (p + 4 <= end) {
      const code = readU16(b, p, le);
      const len = readU16(b, p + 2, le);
      if (code === OPT_ENDOFOPT) break;
      if (p + 4 + len > end) throw damaged(this.sink.source, at + (p - o), 'an interface option runs past its block');
      if (code === IF_TSRESOL && len >= 1) tsresol = b[p + 4];
      else if (code === IF_TSOFFSET && len >= 8) {
        const hi = readU32(b, p + 4 + (le ? 4 : 0), le) | 0;
        const lo = readU32(b, p + 4 + (le ? 0 : 4), le);
        offsetUs = (hi * TWO_32 + lo) * 1e6;
      }
      p += 4 + ((len + 3) & ~3);
    }
    const unit = new TimestampUnit(tsresol, offsetUs);
    if (unit.subMicro) this.sink.nanosecond = true;
    this.ifaces.push({ linkType, snaplen, unit });
    this.sink.noteLinkType(linkType);
  }

  private readEpb(view: DataView, b: Uint8Array, o: number, length: number, at: number): void {
    if (length < MIN_EPB) throw this.tooShort('enhanced packet', length, at);
    const le = this.le;
    const id = view.getUint32(o + 8, le);
    const iface = this.ifaces[id];
    if (iface === undefined) throw this.noInterface(id, at);
    const caplen = view.getUint32(o + 20, le);
    if (caplen > MAXIMUM_SNAPLEN || caplen > length - MIN_EPB) {
      throw damaged(this.sink.source, at, `a packet block claims ${caplen} captured bytes in a ${length}-byte block`);
    }
    const ts = iface.unit.toMicros(view.getUint32(o + 12, le), view.getUint32(o + 16, le));
    // A unit of seconds or a huge if_tsoffset can put the stamp past any date: skip the record, not the file.
    if (!this.sink.acceptTime(ts, at)) return;
    this.lastTs = ts;
    this.sink.packet.ts = ts;
    this.sink.frame(iface.linkType, b, o + 28, caplen, view.getUint32(o + 24, le));
  }

  private readSpb(b: Uint8Array, o: number, length: number, at: number): void {
    if (length < MIN_SPB) throw this.tooShort('simple packet', length, at);
    const iface = this.ifaces[0];
    if (iface === undefined) throw this.noInterface(0, at);
    const origlen = readU32(b, o + 8, this.le);
    let caplen = Math.min(origlen, length - MIN_SPB);
    if (iface.snaplen !== 0 && iface.snaplen < caplen) caplen = iface.snaplen;
    this.sink.packet.ts = this.lastTs;
    this.sink.frame(iface.linkType, b, o + 12, caplen, origlen);
  }

  private tooShort(what: string, length: number, at: number): Error {
    return damaged(this.sink.source, at, `a ${length}-byte ${what} block is shorter than such a block can be`);
  }

  private noInterface(id: number, at: number): Error {
    return damaged(
      this.sink.source,
      at,
      `a packet block names interface ${id}, but its section describes ${this.ifaces.length} (${this.ifaces.map((i) => linkTypeName(i.linkType)).join(', ') || 'none'})`,
    );
  }
}
