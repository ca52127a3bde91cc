// `replay --json`'s alerts, encoded as they happen: each alert goes straight into the bytes of the document, as
// JSON.stringify(report, null, 2) would print it, with no row object, no report-sized string and nothing left for
// the garbage collector to copy. A large capture has hundreds of thousands of alerts: most of the document. Pure.
import type { DetectorEvent } from '../detect/types.js';
import { putAscii } from '../util/ascii-bytes.js';
import { formatPacketTime } from './time.js';

const CHUNK = 1 << 20;
const ZERO = 48;
const bytesOf = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
// The fixed pieces of an alert at depth 2 of the report (4 spaces), its fields at depth 3 (6 spaces).
const FIRST = bytesOf('\n    {\n      "time": "');
const NEXT = bytesOf(',\n    {\n      "time": "');
const ADDRESS = bytesOf('Z",\n      "address": "');
const FAMILY_PORT = [4, 6].map((f) => bytesOf(`",\n      "family": ${f},\n      "port": `));
const CLOSE = bytesOf('\n    }');

// Every byte is written by index into one reused 1 MiB chunk: the pieces are a few dozen bytes each, shorter than
// what a string, a rope to flatten or a call into the runtime (Buffer#write, TypedArray#set) costs per alert.
export class AlertJson {
  private readonly chunks: Buffer[] = [];
  private buf = Buffer.allocUnsafe(CHUNK);
  private pos = 0;
  count = 0;
  /** From protocol to "hits": the bytes between port and hit count, once per scan type, verdict and mode (the
   * mode implies the protocol). Keyed by the engine's interned strings, level by level: no key is built per alert. */
  private readonly middles = new Map<string, Map<string, Map<string, Uint8Array>>>();
  // The last combination looked up: consecutive alerts mostly share it.
  private lastScanType = '';
  private lastVerdict = '';
  private lastMode = '';
  private lastMiddle: Uint8Array = new Uint8Array(0);
  // "2026-09-21T14:13:20." for the last whole second seen: alerts come many to a second.
  private second = NaN;
  private secondText: Uint8Array = new Uint8Array(0);

  /** Makes room for `n` more bytes. */
  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n));
    this.pos = 0;
  }

  private copy(b: Uint8Array): void {
    const n = b.length;
    this.room(n);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i];
    this.pos = p;
  }

  /** An IP literal: ASCII, nothing to escape. */
  private ascii(s: string): void {
    this.room(s.length);
    this.pos = putAscii(this.buf, this.pos, s);
  }

  /** A whole number below 2^32 in decimal. */
  private uint(v: number): void {
    this.room(10);
    let width = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) width++;
    this.digits(v, width);
  }

  /** `n` as exactly `width` digits (room already made). */
  private digits(n: number, width: number): void {
    const buf = this.buf;
    let p = this.pos + width;
    this.pos = p;
    for (let i = 0; i < width; i++) {
      buf[--p] = ZERO + (n % 10);
      n = Math.floor(n / 10);
    }
  }

  /** formatPacketTime's text without its Z: the second's text made once, the microseconds as digits. */
  private time(tsMicros: number): void {
    const second = Math.floor(tsMicros / 1e6);
    if (second !== this.second) {
      this.second = second;
      this.secondText = bytesOf(formatPacketTime(second * 1e6).slice(0, 20));
    }
    this.copy(this.secondText);
    this.room(6);
    this.digits(Math.floor(tsMicros - second * 1e6), 6);
  }

  private middle(ev: DetectorEvent): Uint8Array {
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
      m = new Uint8Array(
        Buffer.from(
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

  /** One alert, as JSON.stringify prints an AlertRow (without log) inside the report. */
  add(ev: DetectorEvent): void {
    const d = ev.detection;
    this.copy(this.count++ === 0 ? FIRST : NEXT);
    this.time(ev.ts);
    this.copy(ADDRESS);
    this.ascii(d.address);
    this.copy(FAMILY_PORT[d.family === 4 ? 0 : 1]);
    this.uint(d.port);
    this.copy(this.middle(ev));
    this.uint(ev.hits);
    if (ev.reason !== undefined) this.copy(Buffer.from(`,\n      "reason": ${JSON.stringify(ev.reason)}`));
    this.copy(CLOSE);
  }

  /** The alerts array's text, `[` to `]`, at depth 1 of the report. */
  finish(): Buffer[] {
    if (this.count === 0) return [Buffer.from('[]')];
    this.chunks.push(this.buf.subarray(0, this.pos));
    return [Buffer.from('['), ...this.chunks, Buffer.from('\n  ]')];
  }
}

/**
 * The whole `replay --json` document: the report (whose alerts array is empty) as JSON.stringify prints it, with
 * the encoded alerts in the place of its empty array.
 */
export function spliceAlerts(report: { alerts: readonly unknown[] }, alerts: AlertJson): Buffer[] {
  const text = JSON.stringify(report, null, 2);
  const mark = '\n  "alerts": [],\n';
  const at = report.alerts.length === 0 ? text.indexOf(mark) : -1;
  if (at < 0) throw new Error('the report holds alerts of its own; nothing to splice into');
  return [
    Buffer.from(`${text.slice(0, at)}\n  "alerts": `),
    ...alerts.finish(),
    Buffer.from(`,\n${text.slice(at + mark.length)}\n`),
  ];
}
