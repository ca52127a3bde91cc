// Push-style capture decoder: feed it Buffers in any sizes (a file read in chunks, a tcpdump child's stdout) and
// it calls back with each decoded packet. Records wholly inside a chunk are decoded in place; only a record that
// spans two chunks is copied, into one carry buffer that is reused. No I/O here.
import { cutHeader, emptyCapture, notACapture } from './format/capture-errors.js';
import { FrameSink } from './format/frame-sink.js';
import {
  NSEC_TCPDUMP_MAGIC,
  NSEC_TCPDUMP_MAGIC_SWAPPED,
  PcapReader,
  TCPDUMP_MAGIC,
  TCPDUMP_MAGIC_SWAPPED,
} from './format/pcap.js';
import { BT_SHB, PcapngReader } from './format/pcapng.js';
import { readU32LE } from './bytes.js';
import type { CaptureStats, Packet } from './types.js';

const MAGIC_LEN = 4;
const INITIAL_CARRY = 64 * 1024;

type FormatReader = PcapReader | PcapngReader;

export class CaptureDecoder {
  private readonly sink: FrameSink;
  private reader: FormatReader | undefined;
  /** Bytes pushed so far: the file offset of the next chunk's first byte. */
  private pushed = 0;
  /** The start of a record that the previous chunk cut, and its file offset. */
  private carry = Buffer.allocUnsafe(INITIAL_CARRY);
  private carryLen = 0;
  private carryAt = 0;
  private ended = false;

  constructor(onPacket: (p: Packet) => void, sourceName: string) {
    this.sink = new FrameSink(onPacket, sourceName);
  }

  /** Bytes pushed so far. */
  get bytesRead(): number {
    return this.pushed;
  }

  /** Decodes every complete record the chunk finishes or holds. Throws InputError on a damaged capture. */
  push(chunk: Uint8Array): void {
    const end = chunk.length;
    if (end === 0) return;
    const base = this.pushed;
    this.pushed += end;
    let pos = 0;
    if (this.carryLen > 0 || this.reader === undefined) {
      pos = this.completeCarry(chunk);
      if (pos < 0) return;
    }
    const reader = this.reader as FormatReader;
    pos = reader.run(chunk, pos, end, base);
    if (pos < end) {
      this.carryAt = base + pos;
      this.append(chunk, pos, end);
    }
  }

  /** Ends the stream: the stats, with a cut final record reported as truncation (not an error). */
  end(): CaptureStats {
    if (this.ended) throw new Error('CaptureDecoder.end() called twice');
    this.ended = true;
    const sink = this.sink;
    const reader = this.reader;
    if (reader === undefined) {
      if (this.pushed === 0) throw emptyCapture(sink.source);
      throw notACapture(sink.source, this.carry, this.carryLen);
    }
    if (!reader.headerDone) throw cutHeader(sink.source, this.pushed);
    const stats: CaptureStats = {
      format: reader.format,
      linkTypes: sink.linkTypes.slice(),
      packets: sink.packets,
      short: sink.short,
      undecoded: sink.undecoded,
      fragments: sink.reassembler.fragments,
      reassembled: sink.reassembler.reassembled,
      truncated: this.carryLen > 0,
      nanosecond: sink.nanosecond,
      badTimes: sink.badTimes,
    };
    if (stats.truncated) stats.truncatedAt = this.carryAt;
    if (sink.badTimes > 0) {
      stats.badTimeAt = sink.badTimeAt;
      stats.badTimeRecord = sink.badTimeRecord;
    }
    return stats;
  }

  /**
   * Moves bytes from the front of `chunk` into the carry until it holds a whole record (then decodes it) or the
   * chunk runs out (returns -1). Also recognises the format from the first four bytes of the stream.
   */
  private completeCarry(chunk: Uint8Array): number {
    let pos = 0;
    while (true) {
      let need = MAGIC_LEN;
      let whole = false;
      const reader = this.reader;
      if (reader !== undefined) {
        const n = reader.recordLength(this.carry, 0, this.carryLen, this.carryAt);
        whole = n >= 0;
        need = whole ? n : -n;
      }
      if (this.carryLen >= need) {
        if (reader === undefined) {
          this.reader = this.detect();
          continue;
        }
        if (whole) {
          reader.consume(this.carry, 0, need, this.carryAt);
          this.carryLen = 0;
          return pos;
        }
      }
      if (pos === chunk.length) return -1;
      const take = Math.min(need - this.carryLen, chunk.length - pos);
      this.append(chunk, pos, pos + take);
      pos += take;
    }
  }

  private append(chunk: Uint8Array, from: number, to: number): void {
    const size = this.carryLen + (to - from);
    if (size > this.carry.length) {
      const grown = Buffer.allocUnsafe(Math.max(size, this.carry.length * 2));
      this.carry.copy(grown, 0, 0, this.carryLen);
      this.carry = grown;
    }
    this.carry.set(chunk.subarray(from, to), this.carryLen);
    this.carryLen = size;
  }

  private detect(): FormatReader {
    const magic = readU32LE(this.carry, 0);
    if (magic === BT_SHB) return new PcapngReader(this.sink);
    if (
      magic === TCPDUMP_MAGIC ||
      magic === NSEC_TCPDUMP_MAGIC ||
      magic === TCPDUMP_MAGIC_SWAPPED ||
      magic === NSEC_TCPDUMP_MAGIC_SWAPPED
    ) {
      return new PcapReader(this.sink, magic);
    }
    throw notACapture(this.sink.source, this.carry, this.carryLen);
  }
}
