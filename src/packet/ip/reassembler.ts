// IPv4 fragment reassembly (RFC 791 §3.2) for captures: PortSentry's raw sockets see datagrams after the kernel
// reassembled them, a capture sees the fragments (`nmap -f` splits the TCP header over 8-byte fragments). Only the
// first KEPT_BYTES of the transport payload are kept, because only the transport header is judged.
//
// Bounded like the kernel's fragment queues: at most `maxDatagrams` in flight and `maxBytes` of bookkeeping (the
// oldest is evicted), `timeoutUs` of capture time per datagram (net.ipv4.ipfrag_time defaults to 30 s), at most
// `maxFragments` pieces each. A fragment overlapping another one drops the whole datagram, as Linux does since 4.19
// (RFC 5722 reasoning applied to IPv4); an exact duplicate is ignored.

/** Bytes of transport header kept per datagram: enough for TCP with options, UDP, and an ICMP error's quote. */
export const KEPT_BYTES = 64;
/** Largest IPv4 payload: total length is 16 bits and the header at least 20 bytes. */
const IP_MAXPAYLOAD = 65535 - 20;
/** Approximate bookkeeping per datagram and per fragment range, for the byte bound. */
const DATAGRAM_COST = 2 * KEPT_BYTES + 96;
const RANGE_COST = 16;

export interface ReassemblerLimits {
  maxDatagrams: number;
  maxBytes: number;
  timeoutUs: number;
  maxFragments: number;
}

export const DEFAULT_REASSEMBLER_LIMITS: ReassemblerLimits = {
  maxDatagrams: 4096,
  maxBytes: 4 * 1024 * 1024,
  timeoutUs: 30_000_000,
  maxFragments: 256,
};

interface Datagram {
  firstTs: number;
  /** Sorted, non-overlapping [start, end) pairs of payload received. */
  ranges: number[];
  covered: number;
  /** Payload length, known once the last fragment (MF clear) arrived; -1 before. */
  total: number;
  head: Uint8Array;
  have: Uint8Array;
}

export class Reassembler {
  /** Fragments accepted and held. */
  fragments = 0;
  /** Datagrams completed. */
  reassembled = 0;
  /** Datagrams given up: timed out, evicted, overlapping or inconsistent fragments. */
  dropped = 0;
  /** After `accept` returned true: the first bytes of the reassembled transport payload. */
  readonly data = new Uint8Array(KEPT_BYTES);
  /** How many bytes of `data` are valid (fewer than KEPT_BYTES when the capture cut a fragment short). */
  dataLength = 0;
  /** Length of the reassembled payload. */
  payloadLength = 0;

  private readonly limits: ReassemblerLimits;
  private readonly inFlight = new Map<string, Datagram>();
  private bytes = 0;

  constructor(limits: Partial<ReassemblerLimits> = {}) {
    this.limits = { ...DEFAULT_REASSEMBLER_LIMITS, ...limits };
  }

  /** Datagrams currently waiting for fragments. */
  get pending(): number {
    return this.inFlight.size;
  }

  /**
   * Takes one fragment: payload offset `offset` (bytes), `more` = MF flag, `length` payload bytes per the IP header
   * of which `captured` are present at `b[o]`. Returns true when this completed a datagram (see `data`).
   */
  accept(
    src: number,
    dst: number,
    proto: number,
    id: number,
    offset: number,
    more: boolean,
    b: Uint8Array,
    o: number,
    length: number,
    captured: number,
    ts: number,
  ): boolean {
    this.expire(ts);
    // Linux rounds a non-final fragment down to a multiple of 8 bytes (ip_frag_queue), gives up the datagram when
    // nothing is left, and drops datagrams over 64 KiB.
    if (more) length &= ~7;
    const end = offset + length;
    const key = `${src}:${dst}:${proto}:${id}`;
    let d = this.inFlight.get(key);
    if (length === 0) return d === undefined ? false : this.drop(key, d);
    if (end > IP_MAXPAYLOAD) return false;
    if (d === undefined) {
      d = {
        firstTs: ts,
        ranges: [],
        covered: 0,
        total: -1,
        head: new Uint8Array(KEPT_BYTES),
        have: new Uint8Array(KEPT_BYTES),
      };
      this.inFlight.set(key, d);
      this.bytes += DATAGRAM_COST;
    }
    const r = d.ranges;
    if (!more) {
      if ((d.total >= 0 && d.total !== end) || (r.length > 0 && r[r.length - 1] > end)) return this.drop(key, d);
      d.total = end;
    } else if (d.total >= 0 && end > d.total) return this.drop(key, d);
    let at = 0;
    for (; at < r.length; at += 2) {
      const s = r[at];
      const e = r[at + 1];
      if (s === offset && e === end) return false;
      if (offset < e && end > s) return this.drop(key, d);
      if (s >= end) break;
    }
    r.splice(at, 0, offset, end);
    this.bytes += RANGE_COST;
    d.covered += length;
    this.fragments++;
    const stop = Math.min(end, offset + captured, KEPT_BYTES);
    for (let i = offset; i < stop; i++) {
      d.head[i] = b[o + i - offset];
      d.have[i] = 1;
    }
    if (d.total >= 0 && d.covered === d.total) return this.complete(key, d);
    if (r.length > 2 * this.limits.maxFragments) return this.drop(key, d);
    this.evictOverLimits();
    return false;
  }

  private complete(key: string, d: Datagram): boolean {
    const n = Math.min(d.total, KEPT_BYTES);
    let valid = 0;
    while (valid < n && d.have[valid] === 1) valid++;
    this.data.set(d.head.subarray(0, valid));
    this.dataLength = valid;
    this.payloadLength = d.total;
    this.forget(key, d);
    this.reassembled++;
    return true;
  }

  private drop(key: string, d: Datagram): false {
    this.forget(key, d);
    this.dropped++;
    return false;
  }

  private forget(key: string, d: Datagram): void {
    this.inFlight.delete(key);
    this.bytes -= DATAGRAM_COST + (d.ranges.length / 2) * RANGE_COST;
  }

  /** Drops datagrams whose first fragment is older than the timeout, oldest first (Map keeps insertion order). */
  private expire(ts: number): void {
    const limit = ts - this.limits.timeoutUs;
    for (const [key, d] of this.inFlight) {
      if (d.firstTs >= limit) break;
      this.drop(key, d);
    }
  }

  private evictOverLimits(): void {
    for (const [key, d] of this.inFlight) {
      if (this.inFlight.size <= this.limits.maxDatagrams && this.bytes <= this.limits.maxBytes) break;
      this.drop(key, d);
    }
  }
}
