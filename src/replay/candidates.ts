// Pass 1 keeps the packets pass 2 will judge — only tripwire candidates (TCP/UDP to a watched port that the engine
// would not drop on its flags alone), in compact typed columns (about 20 bytes each, 32 more for IPv6) — and plays
// them back through one reused Packet afterwards.
// Standard input cannot be read twice, so there the log is unbounded; for files it gives up past `limit` entries
// (the file is then read a second time), which keeps memory flat whatever the file size.
import type { Packet } from '../packet/types.js';
import { IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_RST } from '../packet/types.js';
import { WATCH_CLASSIC } from '../detect/watched-ports.js';

// Candidates are kept in blocks of fixed size: growing never copies what is kept, and each page is written once.
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;

/** BLOCK candidates, a column per field. */
class CandidateBlock {
  readonly ts = new Float64Array(BLOCK);
  readonly src4 = new Uint32Array(BLOCK);
  readonly dst4 = new Uint32Array(BLOCK);
  readonly ports = new Uint32Array(BLOCK);
  // bits 0-7 TCP flags, bit 8 UDP, bit 9 IPv6
  readonly kind = new Uint16Array(BLOCK);
}

export class CandidateLog {
  private n = 0;
  /** Where keep() must stop to take a new block or give up: the end of the last block, or the limit. */
  private stop = 0;
  private blocks: CandidateBlock[] = [];
  private block: CandidateBlock | undefined;
  /** Source and destination of each IPv6 candidate, four 32-bit words each (a copy in 8 moves, not 32), BLOCK
   * candidates a block; an IPv6 candidate's src4 is its index here. */
  private v6: Uint32Array[] = [];
  private v6n = 0;
  private readonly srcWords = new AddressWords();
  private readonly dstWords = new AddressWords();

  /** True once more than `limit` candidates were seen: the log is emptied and must not be replayed. */
  overflowed = false;

  constructor(
    private readonly tcpWatch: Uint8Array,
    private readonly udpWatch: Uint8Array,
    private readonly limit = Infinity,
  ) {}

  get length(): number {
    return this.n;
  }

  /** Keeps the packet when it could be a hit. */
  record(p: Packet): void {
    const proto = p.proto;
    if (proto === IPPROTO_TCP) {
      const watch = this.tcpWatch[p.dstPort];
      if (watch === 0) return;
      // The engine's own first test: an ACK or RST only counts where classic mode completes handshakes. Most
      // of a busy capture is established traffic to low ports, so this keeps the log small.
      if ((p.tcpFlags & (TCP_ACK | TCP_RST)) !== 0 && (watch & WATCH_CLASSIC) === 0) return;
    } else if (proto !== IPPROTO_UDP || this.udpWatch[p.dstPort] === 0) return;
    this.keep(p);
  }

  // Apart from record(), which every packet passes through: the test stays small enough to be inlined into the
  // reader's loop, and the few packets kept pay for a call.
  private keep(p: Packet): void {
    if (this.n === this.stop) {
      if (this.overflowed) return;
      if (this.n >= this.limit) return this.discard();
      this.nextBlock();
    }
    const b = this.block as CandidateBlock;
    const i = this.n++ & (BLOCK - 1);
    b.ts[i] = p.ts;
    b.ports[i] = ((p.srcPort << 16) | p.dstPort) >>> 0;
    let kind = p.proto === IPPROTO_UDP ? 0x100 : p.tcpFlags & 0xff;
    if (p.family === 4) {
      b.src4[i] = p.src4;
      b.dst4[i] = p.dst4;
    } else {
      kind |= 0x200;
      b.src4[i] = this.v6n;
      this.pushV6(p.src6, p.dst6);
    }
    b.kind[i] = kind;
  }

  /** Plays every kept packet back, in capture order, through `p` (overwritten each time). */
  replay(p: Packet, onPacket: (p: Packet) => void): void {
    for (let k = 0; k < this.blocks.length; k++) {
      this.replayBlock(this.blocks[k], Math.min(BLOCK, this.n - k * BLOCK), p, onPacket);
    }
  }

  private replayBlock(b: CandidateBlock, count: number, p: Packet, onPacket: (p: Packet) => void): void {
    for (let i = 0; i < count; i++) {
      const kind = b.kind[i];
      p.ts = b.ts[i];
      p.srcPort = b.ports[i] >>> 16;
      p.dstPort = b.ports[i] & 0xffff;
      p.proto = kind & 0x100 ? IPPROTO_UDP : IPPROTO_TCP;
      p.tcpFlags = kind & 0x100 ? 0 : kind & 0xff;
      if (kind & 0x200) {
        p.family = 6;
        const index = b.src4[i];
        const v6 = this.v6[index >>> BLOCK_BITS];
        const at = (index & (BLOCK - 1)) * 8;
        const src = this.srcWords.forWriting(p.src6);
        const dst = this.dstWords.forWriting(p.dst6);
        for (let w = 0; w < 4; w++) {
          src[w] = v6[at + w];
          dst[w] = v6[at + 4 + w];
        }
        this.srcWords.written();
        this.dstWords.written();
      } else {
        p.family = 4;
        p.src4 = b.src4[i];
        p.dst4 = b.dst4[i];
      }
      onPacket(p);
    }
  }

  private nextBlock(): void {
    this.block = new CandidateBlock();
    this.blocks.push(this.block);
    this.stop = Math.min(this.blocks.length * BLOCK, this.limit);
  }

  private discard(): void {
    this.overflowed = true;
    this.n = 0;
    this.stop = 0;
    this.blocks = [];
    this.block = undefined;
    this.v6 = [];
    this.v6n = 0;
  }

  private pushV6(src: Uint8Array, dst: Uint8Array): void {
    const index = this.v6n++;
    if ((index & (BLOCK - 1)) === 0) this.v6.push(new Uint32Array(BLOCK * 8));
    const v6 = this.v6[index >>> BLOCK_BITS];
    const at = (index & (BLOCK - 1)) * 8;
    const srcW = this.srcWords.forReading(src);
    const dstW = this.dstWords.forReading(dst);
    for (let w = 0; w < 4; w++) {
      v6[at + w] = srcW[w];
      v6[at + 4 + w] = dstW[w];
    }
  }
}

/**
 * A 16-byte address seen as four 32-bit words: a view on its own bytes when they are 4-byte aligned (a packet's
 * address buffers are), else scratch words copied in or out. The reader reuses one packet, so a view is made once.
 */
class AddressWords {
  private bytes: Uint8Array | undefined;
  private readonly scratch = new Uint32Array(4);
  private words: Uint32Array<ArrayBufferLike> = this.scratch;
  private readonly scratchBytes = new Uint8Array(this.scratch.buffer);

  /** Words holding `bytes`. */
  forReading(bytes: Uint8Array): Uint32Array {
    this.bind(bytes);
    if (this.words === this.scratch) for (let b = 0; b < 16; b++) this.scratchBytes[b] = bytes[b];
    return this.words;
  }

  /** Words to fill for `bytes`; written() then makes sure they land there. */
  forWriting(bytes: Uint8Array): Uint32Array {
    this.bind(bytes);
    return this.words;
  }

  written(): void {
    const bytes = this.bytes as Uint8Array;
    if (this.words === this.scratch) for (let b = 0; b < 16; b++) bytes[b] = this.scratchBytes[b];
  }

  private bind(bytes: Uint8Array): void {
    if (bytes === this.bytes) return;
    this.bytes = bytes;
    this.words = bytes.byteOffset % 4 === 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset, 4) : this.scratch;
  }
}
