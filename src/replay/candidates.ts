// Pass 1 keeps the packets pass 2 will judge — only tripwire candidates (TCP/UDP to a watched port that the engine
// would not drop on its flags alone), in compact typed columns (about 20 bytes each, 32 more for IPv6) — and plays
// them back through one reused Packet afterwards.
// Standard input cannot be read twice, so there the log is unbounded; for files it gives up past `limit` entries
// (the file is then read a second time), which keeps memory flat whatever the file size.
import type { Packet } from '../packet/types.js';
import { IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_RST } from '../packet/types.js';
import { WATCH_CLASSIC } from '../detect/watched-ports.js';
import { grownInto } from '../util/typed-array.js';

const INITIAL = 4096;

export class CandidateLog {
  private n = 0;
  private cap = INITIAL;
  private ts = new Float64Array(INITIAL);
  private src4 = new Uint32Array(INITIAL);
  private dst4 = new Uint32Array(INITIAL);
  private ports = new Uint32Array(INITIAL);
  // bits 0-7 TCP flags, bit 8 UDP, bit 9 IPv6
  private kind = new Uint16Array(INITIAL);
  /** Source and destination of each IPv6 candidate, four 32-bit words each: a copy in 8 moves, not 32. */
  private v6 = new Uint32Array(0);
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
    if (this.n === this.cap) {
      if (this.overflowed) return;
      if (this.n >= this.limit) return this.discard();
      this.grow();
    }
    const i = this.n++;
    this.ts[i] = p.ts;
    this.ports[i] = ((p.srcPort << 16) | p.dstPort) >>> 0;
    let kind = p.proto === IPPROTO_UDP ? 0x100 : p.tcpFlags & 0xff;
    if (p.family === 4) {
      this.src4[i] = p.src4;
      this.dst4[i] = p.dst4;
    } else {
      kind |= 0x200;
      this.src4[i] = this.v6n;
      this.pushV6(p.src6, p.dst6);
    }
    this.kind[i] = kind;
  }

  /** Plays every kept packet back, in capture order, through `p` (overwritten each time). */
  replay(p: Packet, onPacket: (p: Packet) => void): void {
    for (let i = 0; i < this.n; i++) {
      const kind = this.kind[i];
      p.ts = this.ts[i];
      p.srcPort = this.ports[i] >>> 16;
      p.dstPort = this.ports[i] & 0xffff;
      p.proto = kind & 0x100 ? IPPROTO_UDP : IPPROTO_TCP;
      p.tcpFlags = kind & 0x100 ? 0 : kind & 0xff;
      if (kind & 0x200) {
        p.family = 6;
        const at = this.src4[i] * 8;
        const v6 = this.v6;
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
        p.src4 = this.src4[i];
        p.dst4 = this.dst4[i];
      }
      onPacket(p);
    }
  }

  private discard(): void {
    this.overflowed = true;
    this.n = 0;
    this.cap = 0;
    this.ts = new Float64Array(0);
    this.src4 = new Uint32Array(0);
    this.dst4 = new Uint32Array(0);
    this.ports = new Uint32Array(0);
    this.kind = new Uint16Array(0);
    this.v6 = new Uint32Array(0);
    this.v6n = 0;
  }

  private grow(): void {
    this.cap *= 2;
    this.ts = grownInto(this.ts, new Float64Array(this.cap));
    this.src4 = grownInto(this.src4, new Uint32Array(this.cap));
    this.dst4 = grownInto(this.dst4, new Uint32Array(this.cap));
    this.ports = grownInto(this.ports, new Uint32Array(this.cap));
    this.kind = grownInto(this.kind, new Uint16Array(this.cap));
  }

  private pushV6(src: Uint8Array, dst: Uint8Array): void {
    const at = this.v6n * 8;
    if (at + 8 > this.v6.length) this.v6 = grownInto(this.v6, new Uint32Array(Math.max(256, this.v6.length * 2)));
    const v6 = this.v6;
    const srcW = this.srcWords.forReading(src);
    const dstW = this.dstWords.forReading(dst);
    for (let w = 0; w < 4; w++) {
      v6[at + w] = srcW[w];
      v6[at + 4 + w] = dstW[w];
    }
    this.v6n++;
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
