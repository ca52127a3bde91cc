// `replay --json`'s alerts: kept as they happen in a few typed columns (24 bytes an alert), and encoded only when the
// document is written, chunk by chunk into one reused buffer, as JSON.stringify(report, null, 2) would print them.
// A large capture has hundreds of thousands of alerts, most of a document of tens of megabytes: held as text, those
// megabytes are fresh pages the kernel has to hand over one by one, and the time goes there. Pure.
import type { DetectorEvent } from '../detect/types.js';
import { formatPacketTime } from './time.js';

/** Bytes handed to the writer at a time: small enough to stay in cache, large enough that writes are few. */
export const ALERT_CHUNK = 1 << 16;
// Alerts are kept in blocks of fixed size: growing never copies, and each page is written once.
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
const ZERO = 48;
/** Widest decimal of a port or hit count (below 2^32). */
const UINT_WIDTH = 10;
/** Sources whose head is kept once encoded (about 100 bytes each); past this many it is encoded per alert. */
const HEAD_CACHE = 1 << 16;
const bytesOf = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
// An alert is an object at depth 2 of the report (4 spaces), its fields at depth 3 (6 spaces). Every alert starts
// with the end of the one before it (one copy less per alert); the first one leaves that out (FIRST_SKIP bytes), and
// the array's own end closes the last one.
const OPEN = '\n    },\n    {\n      "time": ';
const FIRST_SKIP = '\n    },'.length;
const NO_BYTES = new Uint8Array(0);
const EMPTY = bytesOf('[]');
const OPEN_ARRAY = bytesOf('[');
const CLOSE_ARRAY = bytesOf('\n    }\n  ]');

/** BLOCK alerts, a column per field. */
class AlertBlock {
  readonly ts = new Float64Array(BLOCK);
  readonly sources = new Uint32Array(BLOCK);
  readonly ports = new Uint16Array(BLOCK);
  readonly middleIds = new Uint16Array(BLOCK);
  readonly hits = new Uint32Array(BLOCK);
  /** 0: no reason; else 1 + the index in reasonBytes. */
  readonly reasonIds = new Uint32Array(BLOCK);
}

/**
 * The alerts of a replay, and their encoding. An alert is written as up to seven pieces of cached bytes and three
 * numbers as digits:
 * - the second: the opening and the time up to its microseconds, made once per second of capture;
 * - the source's head: the end of the time, its address, its family and the key of its port;
 * - the middle: protocol to the key of the hit count, once per scan type, verdict and mode (the mode implies the
 *   protocol), looked up by the engine's interned strings level by level, so no key is built per alert;
 * - the reason (ignored and never-ban hits), once per distinct text.
 * Each piece is made by JSON.stringify, so the bytes are its own whatever the text holds.
 */
export class AlertJson {
  private n = 0;
  private block = new AlertBlock();
  /** Every block, the one being filled last. */
  private readonly blocks: AlertBlock[] = [this.block];
  /** Alerts in the last block. */
  private filled = 0;
  // By the engine's source index (first sight order, never reused).
  private readonly addresses: string[] = [];
  private readonly families: number[] = [];
  private readonly middles = new Map<string, Map<string, Map<string, number>>>();
  private readonly middleBytes: Uint8Array[] = [];
  // The last combination looked up: consecutive alerts mostly share it.
  private lastScanType = '';
  private lastVerdict = '';
  private lastMode = '';
  private lastMiddle = 0;
  private readonly reasons = new Map<string, number>();
  private readonly reasonBytes: Uint8Array[] = [];
  private lastReason = '';
  private lastReasonId = 0;

  get count(): number {
    return this.n;
  }

  /** One alert, kept for encoding: the event is the engine's reused object, so its fields are copied out. */
  add(ev: DetectorEvent): void {
    if (this.filled === BLOCK) this.nextBlock();
    const b = this.block;
    const i = this.filled++;
    this.n++;
    const d = ev.detection;
    const source = ev.sourceIndex;
    // '' marks a source not seen yet below one that was.
    const known = this.addresses[source];
    if (known === undefined || known.length === 0) this.addSource(source, d.address, d.family);
    b.ts[i] = ev.ts;
    b.sources[i] = source;
    b.ports[i] = d.port;
    b.middleIds[i] = this.middleOf(ev);
    b.hits[i] = ev.hits;
    b.reasonIds[i] = ev.reason === undefined ? 0 : this.reasonOf(ev.reason);
  }

  private addSource(source: number, address: string, family: number): void {
    // A hole below `source` would make both arrays sparse (slow for every later access): fill it.
    while (this.addresses.length < source) {
      this.addresses.push('');
      this.families.push(0);
    }
    this.addresses[source] = address;
    this.families[source] = family;
  }

  private middleOf(ev: DetectorEvent): number {
    const d = ev.detection;
    if (d.scanType === this.lastScanType && ev.verdict === this.lastVerdict && d.mode === this.lastMode) {
      return this.lastMiddle;
    }
    let byVerdict = this.middles.get(d.scanType);
    if (byVerdict === undefined) this.middles.set(d.scanType, (byVerdict = new Map()));
    let byMode = byVerdict.get(ev.verdict);
    if (byMode === undefined) byVerdict.set(ev.verdict, (byMode = new Map()));
    let m = byMode.get(d.mode);
    if (m === undefined) {
      m = this.middleBytes.length;
      this.middleBytes.push(
        bytesOf(
          `,\n      "protocol": ${JSON.stringify(d.protocol)},\n      "mode": ${JSON.stringify(d.mode)},\n` +
            `      "scanType": ${JSON.stringify(d.scanType)},\n      "verdict": ${JSON.stringify(ev.verdict)},\n` +
            `      "hits": `,
        ),
      );
      byMode.set(d.mode, m);
    }
    this.lastScanType = d.scanType;
    this.lastVerdict = ev.verdict;
    this.lastMode = d.mode;
    this.lastMiddle = m;
    return m;
  }

  private reasonOf(reason: string): number {
    if (reason === this.lastReason) return this.lastReasonId;
    let id = this.reasons.get(reason);
    if (id === undefined) {
      this.reasonBytes.push(bytesOf(`,\n      "reason": ${JSON.stringify(reason)}`));
      id = this.reasonBytes.length;
      this.reasons.set(reason, id);
    }
    this.lastReason = reason;
    this.lastReasonId = id;
    return id;
  }

  private nextBlock(): void {
    this.block = new AlertBlock();
    this.blocks.push(this.block);
    this.filled = 0;
  }

  /**
   * Writes the alerts array's text, `[` to `]`, at depth 1 of the report, into `out`, from the `from`th alert on
   * until `out` has handed over a chunk (a caller that waits for its reader then waits between chunks) or the array
   * is done; returns the index of the first alert not written (count once done). Start with 0.
   */
  writeSome(out: ChunkWriter, from: number): number {
    out.useTables(this.addresses, this.families, this.middleBytes, this.reasonBytes);
    if (this.n === 0) {
      out.put(EMPTY);
      return 0;
    }
    if (from === 0) out.put(OPEN_ARRAY);
    const spills = out.spills;
    let i = from;
    // A loop in a plain method: optimized while it runs.
    for (; i < this.n && out.spills === spills; i++) {
      const b = this.blocks[i >>> BLOCK_BITS];
      const j = i & (BLOCK - 1);
      out.alert(b.ts[j], b.sources[j], b.ports[j], b.middleIds[j], b.hits[j], b.reasonIds[j], i);
    }
    if (i === this.n) out.put(CLOSE_ARRAY);
    return i;
  }

  /** All of the alerts array's text into `out`. */
  writeAll(out: ChunkWriter): void {
    let i = 0;
    do i = this.writeSome(out, i);
    while (i < this.n);
  }
}

/**
 * Bytes of the document into one buffer of `size`, handed to `spill` whenever the next piece may not fit. `spill`
 * answers whether it is done with the bytes (the buffer is then refilled) or keeps them (a new buffer is taken).
 */
export class ChunkWriter {
  private buf: Buffer;
  private pos = 0;
  /** Chunks handed over so far. */
  spills = 0;
  private second = NaN;
  private secondBytes: Uint8Array = NO_BYTES;
  private heads: Uint8Array[] = [];
  private readonly encoder = new TextEncoder();
  private addresses: readonly string[] = [];
  private families: readonly number[] = [];
  private middleBytes: readonly Uint8Array[] = [];
  private reasonBytes: readonly Uint8Array[] = [];

  constructor(
    private readonly spill: (chunk: Buffer) => boolean,
    private readonly size = ALERT_CHUNK,
  ) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** What the alerts that follow refer to by number (AlertJson's tables). */
  useTables(
    addresses: readonly string[],
    families: readonly number[],
    middles: readonly Uint8Array[],
    reasons: readonly Uint8Array[],
  ) {
    if (addresses !== this.addresses) this.heads = [];
    this.addresses = addresses;
    this.families = families;
    this.middleBytes = middles;
    this.reasonBytes = reasons;
  }

  /** Hands over what is written. */
  flush(): void {
    if (this.pos === 0) return;
    this.spills++;
    if (!this.spill(this.buf.subarray(0, this.pos))) this.buf = Buffer.allocUnsafe(this.size);
    this.pos = 0;
  }

  put(b: Uint8Array): void {
    this.room(b.length);
    this.copy(b);
  }

  /** Text, as UTF-8, in as many chunks as it takes. */
  text(s: string): void {
    let rest = s;
    for (;;) {
      const { read, written } = this.encoder.encodeInto(rest, this.buf.subarray(this.pos));
      this.pos += written;
      if (read === rest.length) return;
      // A character that did not fit whole waits for the next chunk (and one wider than a chunk gets a wider one).
      rest = rest.slice(read);
      if (this.pos === 0) this.buf = Buffer.allocUnsafe(Math.max(4, this.buf.length));
      else this.flush();
    }
  }

  /** One alert; the `index`th of the array (the first has no separating comma). */
  alert(ts: number, source: number, port: number, middleId: number, hits: number, reasonId: number, index: number) {
    const second = Math.floor(ts / 1e6);
    const micros = Math.floor(ts - second * 1e6);
    if (!(micros >= 0 && micros < 1e6)) return this.oddTime(ts, source, port, middleId, hits, reasonId, index);
    let sec = this.secondOf(second, ts);
    if (index === 0) sec = sec.subarray(FIRST_SKIP);
    const head = this.headOf(source);
    const middle = this.middleBytes[middleId];
    const reason = reasonId === 0 ? NO_BYTES : this.reasonBytes[reasonId - 1];
    this.room(sec.length + 6 + head.length + UINT_WIDTH + middle.length + UINT_WIDTH + reason.length);
    this.copy(sec);
    this.micros(micros);
    this.copy(head);
    this.uint(port);
    this.copy(middle);
    this.uint(hits);
    if (reasonId !== 0) this.copy(reason);
  }

  /** Makes room for `n` more bytes: hands the chunk over when they would not fit. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    // A piece larger than a chunk (a reason of many kilobytes) gets a buffer of its own.
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(n);
  }

  // TypedArray#set is a memmove for bytes into bytes: cheaper than a loop for pieces of this size.
  private copy(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A whole number below 2^32 in decimal (room already made). */
  private uint(v: number): void {
    let width = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) width++;
    const buf = this.buf;
    let p = this.pos + width;
    this.pos = p;
    for (let i = 0; i < width; i++) {
      buf[--p] = ZERO + (v % 10);
      v = Math.floor(v / 10);
    }
  }

  /** `n` (below 10^6) as exactly six digits (room already made). */
  private micros(n: number): void {
    const buf = this.buf;
    let p = this.pos + 6;
    this.pos = p;
    for (let i = 0; i < 6; i++) {
      buf[--p] = ZERO + (n % 10);
      n = Math.floor(n / 10);
    }
  }

  /** The opening of an alert and its time up to the microseconds, for the second `second`, that of `ts`. */
  private secondOf(second: number, ts: number): Uint8Array {
    if (second !== this.second) {
      this.second = second;
      // formatPacketTime always ends in six digits of microseconds and a Z: what is before them is the second's
      // (taken from ts itself: second * 1e6 may not divide back into the same second far from the epoch).
      const text = JSON.stringify(formatPacketTime(ts));
      this.secondBytes = bytesOf(OPEN + text.slice(0, text.length - 8));
    }
    return this.secondBytes;
  }

  private headOf(source: number): Uint8Array {
    if (source < HEAD_CACHE) {
      const cached = this.heads[source];
      if (cached !== undefined && cached.length !== 0) return cached;
    }
    const head = bytesOf(
      `Z",\n      "address": ${JSON.stringify(this.addresses[source])},\n` +
        `      "family": ${this.families[source]},\n      "port": `,
    );
    if (source < HEAD_CACHE) {
      while (this.heads.length < source) this.heads.push(NO_BYTES);
      this.heads[source] = head;
    }
    return head;
  }

  /** A timestamp whose microseconds arithmetic cannot split (far from the epoch): the row as JSON.stringify has it. */
  private oddTime(
    ts: number,
    source: number,
    port: number,
    middleId: number,
    hits: number,
    reasonId: number,
    index: number,
  ) {
    const row = JSON.stringify({ time: formatPacketTime(ts), address: this.addresses[source] }, null, 2);
    const head = bytesOf(
      `${index === 0 ? '' : '\n    },'}\n    ${row.slice(0, -2).replace(/\n/g, '\n    ')},\n      "family": ${this.families[source]},\n      "port": `,
    );
    const middle = this.middleBytes[middleId];
    const reason = reasonId === 0 ? NO_BYTES : this.reasonBytes[reasonId - 1];
    this.room(head.length + UINT_WIDTH + middle.length + UINT_WIDTH + reason.length);
    this.copy(head);
    this.uint(port);
    this.copy(middle);
    this.uint(hits);
    this.copy(reason);
  }
}

/**
 * The report's text before and after its alerts array (which must be empty: the alerts are in an AlertJson), each
 * as pieces to write one after the other: slices of one flat string are written without being copied first.
 */
export interface ReportFrame {
  head: string[];
  tail: string[];
}

/**
 * The report (whose alerts array is empty) as JSON.stringify(report, null, 2) prints it, cut where its alerts go.
 * The members before and after the alerts are printed as two objects of their own, which indent alike: no search
 * through the report's text for the place.
 */
export function frameReport(report: object & { alerts: readonly unknown[] }): ReportFrame {
  if (report.alerts.length !== 0) throw new Error('the report holds alerts of its own; nothing to splice into');
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  let side = before;
  for (const [key, value] of Object.entries(report)) {
    if (key === 'alerts') side = after;
    else side[key] = value;
  }
  // "{\n  ...\n}" without its closing line, and without its opening brace ("{}" when no member is printed).
  const beforeText = JSON.stringify(before, null, 2);
  const afterText = JSON.stringify(after, null, 2);
  return {
    head: beforeText === '{}' ? ['{\n  "alerts": '] : [beforeText.slice(0, -2), ',\n  "alerts": '],
    tail: afterText === '{}' ? ['\n}\n'] : [',', afterText.slice(1), '\n'],
  };
}

/** Writes the whole `replay --json` document into `out`: the report with the alerts in its empty array. */
export function writeDocument(out: ChunkWriter, report: object & { alerts: readonly unknown[] }, alerts: AlertJson) {
  const { head, tail } = frameReport(report);
  for (const text of head) out.text(text);
  alerts.writeAll(out);
  for (const text of tail) out.text(text);
  out.flush();
}

/** The whole `replay --json` document in memory (for a caller that wants it whole). */
export function spliceAlerts(report: object & { alerts: readonly unknown[] }, alerts: AlertJson): Buffer[] {
  const chunks: Buffer[] = [];
  writeDocument(
    new ChunkWriter((chunk) => {
      chunks.push(chunk);
      return false;
    }),
    report,
    alerts,
  );
  return chunks;
}
