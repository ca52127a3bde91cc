// Pass 1 of a replay: what the whole capture says about the protected host (who answers probes) and its
// listeners (SYN-ACKs it sent, UDP it answered from a port), so that pass 2 can judge the first SYN to port 22
// without waiting for the SYN-ACK later in the file. Bounded memory: counters per answering/probed address and
// listener evidence only for ports that are tripwires in some mode.
import type { Family } from '../net/address.js';
import { equal16, formatAddress, parseDottedQuad, uint32ToIPv4 } from '../net/address.js';
import type { Packet } from '../packet/types.js';
import { V6Map } from '../detect/v6-map.js';
import { IPPROTO_ICMP, IPPROTO_ICMPV6, IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_RST, TCP_SYN } from '../packet/types.js';

const SYN_ACK = TCP_SYN | TCP_ACK;
const ICMP_UNREACH = 3;
const ICMP6_UNREACH = 1;

export interface InferredHost {
  address: string;
  family: Family;
  /** answers: it answered probes (SYN-ACK, RST, ICMP unreachable); destination: the most probed address. */
  basis: 'answers' | 'destination';
}

/** Listener ports per family and protocol, one byte per port. */
export interface ListenerTables {
  tcp4: Uint8Array;
  udp4: Uint8Array;
  tcp6: Uint8Array;
  udp6: Uint8Array;
}

function isUnicast4(a: number): boolean {
  const first = a >>> 24;
  return a !== 0 && first < 224 && (a & 0xff) !== 0xff && first !== 127;
}

// Counters per address. Runs of packets to or from the same address are the norm (one protected host answering
// or being probed), so a run is summed in place and folded into the map only when the address changes. Only
// unicast addresses are counted, and that is checked once per run, not once per packet.
class Tally4 {
  private readonly counts = new Map<number, number>();
  private last = -1;
  private pending = 0;

  add(key: number, by: number): void {
    if (key === this.last) {
      this.pending += by;
      return;
    }
    this.flush();
    this.last = key;
    this.pending = by;
  }

  entries(): IterableIterator<[number, number]> {
    this.flush();
    return this.counts.entries();
  }

  private flush(): void {
    if (this.last < 0) return;
    if (isUnicast4(this.last)) this.counts.set(this.last, (this.counts.get(this.last) ?? 0) + this.pending);
    this.last = -1;
  }
}

class Tally6 {
  private readonly counts = new V6Map<number>();
  private readonly last = new Uint8Array(16);
  private hasLast = false;
  private pending = 0;

  add(key: Uint8Array, by: number): void {
    if (this.hasLast && equal16(key, this.last)) {
      this.pending += by;
      return;
    }
    this.flush();
    for (let i = 0; i < 16; i++) this.last[i] = key[i];
    this.hasLast = true;
    this.pending = by;
  }

  entries(): IterableIterator<[Uint8Array, number]> {
    this.flush();
    return this.counts.entries();
  }

  private flush(): void {
    if (!this.hasLast) return;
    this.counts.set(this.last, (this.counts.get(this.last) ?? 0) + this.pending);
    this.hasLast = false;
  }
}

// Listener evidence for IPv4: (address, port) pairs as address * 65536 + port. The same few pairs recur all
// through a capture (a resolver answering from port 53), so a small direct-mapped cache of pairs already noted
// keeps most packets away from the Set and its boxed 48-bit keys.
const PAIR_CACHE_BITS = 12;

class PairSet4 {
  readonly keys = new Set<number>();
  private readonly recent = new Float64Array(1 << PAIR_CACHE_BITS).fill(NaN);

  add(addr: number, port: number): void {
    const key = addr * 65536 + port;
    const slot = Math.imul(addr ^ Math.imul(port, 0x85ebca6b), 0x9e3779b1) >>> (32 - PAIR_CACHE_BITS);
    if (this.recent[slot] === key) return;
    this.recent[slot] = key;
    this.keys.add(key);
  }
}

// Ties go to the address seen first, so the choice is the same on every run.
function topKey<K>(m: Iterable<[K, number]>): K | undefined {
  let best: K | undefined;
  let bestN = -1;
  for (const [k, n] of m) {
    if (n > bestN) {
      best = k;
      bestN = n;
    }
  }
  return best;
}

export class CaptureSurvey {
  private readonly answers4 = new Tally4();
  private readonly answers6 = new Tally6();
  private readonly probed4 = new Tally4();
  private readonly probed6 = new Tally6();
  // Listener evidence keyed address * 65536 + port (IPv4) or "address#port" (IPv6).
  private readonly synAck4 = new PairSet4();
  private readonly udpFrom4 = new PairSet4();
  private readonly udpTo4 = new PairSet4();
  private readonly synAck6 = new Set<string>();
  private readonly udpFrom6 = new Set<string>();
  private readonly udpTo6 = new Set<string>();
  // FIN/NULL/XMAS probes received on a port, and RSTs sent from a port: an open port stays silent to them.
  private readonly quietProbe4 = new PairSet4();
  private readonly rstFrom4 = new PairSet4();
  private readonly quietProbe6 = new Set<string>();
  private readonly rstFrom6 = new Set<string>();

  /** `tcpPorts` / `udpPorts`: non-zero for ports whose listener status can matter (tripwires in some mode). */
  constructor(
    private readonly tcpPorts: Uint8Array,
    private readonly udpPorts: Uint8Array,
  ) {}

  // The common packets (probes, established traffic) are decided here; answers, UDP and ICMP go to methods of their
  // own, so that this stays small enough to be inlined into the reader's loop.
  observe(p: Packet): void {
    const proto = p.proto;
    if (proto === IPPROTO_TCP) {
      const f = p.tcpFlags;
      if ((f & (TCP_ACK | TCP_RST)) === 0) {
        this.probe(p);
        if ((f & TCP_SYN) === 0 && this.tcpPorts[p.dstPort] !== 0)
          this.note(p, this.quietProbe4, this.quietProbe6, false);
      } else if ((f & (TCP_SYN | TCP_RST)) !== 0) this.observeTcpAnswer(p, f);
    } else if (proto === IPPROTO_UDP) this.observeUdp(p);
    else if (proto === IPPROTO_ICMP || proto === IPPROTO_ICMPV6) this.observeIcmp(p, proto);
  }

  /** A SYN-ACK or a RST. */
  private observeTcpAnswer(p: Packet, f: number): void {
    if ((f & SYN_ACK) === SYN_ACK) {
      this.answer(p, 2);
      if (this.tcpPorts[p.srcPort] !== 0) this.note(p, this.synAck4, this.synAck6, true);
    } else if ((f & TCP_RST) !== 0) {
      this.answer(p, 1);
      if (this.tcpPorts[p.srcPort] !== 0) this.note(p, this.rstFrom4, this.rstFrom6, true);
    }
  }

  private observeUdp(p: Packet): void {
    this.probe(p);
    if (this.udpPorts[p.srcPort] !== 0) this.note(p, this.udpFrom4, this.udpFrom6, true);
    if (this.udpPorts[p.dstPort] !== 0) this.note(p, this.udpTo4, this.udpTo6, false);
  }

  private observeIcmp(p: Packet, proto: number): void {
    if (
      (proto === IPPROTO_ICMP && p.icmpType === ICMP_UNREACH) ||
      (proto === IPPROTO_ICMPV6 && p.icmpType === ICMP6_UNREACH)
    ) {
      this.answer(p, 2);
    }
  }

  private answer(p: Packet, by: number): void {
    if (p.family === 4) {
      this.answers4.add(p.src4, by);
    } else if (p.src6[0] !== 0xff) this.answers6.add(p.src6, by);
  }

  private probe(p: Packet): void {
    if (p.family === 4) {
      this.probed4.add(p.dst4, 1);
    } else if (p.dst6[0] !== 0xff) this.probed6.add(p.dst6, 1);
  }

  private note(p: Packet, set4: PairSet4, set6: Set<string>, fromSource: boolean): void {
    const port = fromSource ? p.srcPort : p.dstPort;
    if (p.family === 4) set4.add(fromSource ? p.src4 : p.dst4, port);
    else set6.add(`${formatAddress(6, fromSource ? p.src6 : p.dst6)}#${port}`);
  }

  /**
   * The protected host per family: the address that answered most probes, else the most probed one.
   * A family with no traffic of either kind has none.
   */
  inferHosts(): InferredHost[] {
    const out: InferredHost[] = [];
    const a4 = topKey(this.answers4.entries());
    const d4 = topKey(this.probed4.entries());
    if (a4 !== undefined) out.push({ address: uint32ToIPv4(a4), family: 4, basis: 'answers' });
    else if (d4 !== undefined) out.push({ address: uint32ToIPv4(d4), family: 4, basis: 'destination' });
    const a6 = topKey(this.answers6.entries());
    const d6 = topKey(this.probed6.entries());
    if (a6 !== undefined) out.push({ address: formatAddress(6, a6), family: 6, basis: 'answers' });
    else if (d6 !== undefined) out.push({ address: formatAddress(6, d6), family: 6, basis: 'destination' });
    return out;
  }

  /** Listener tables for these hosts (canonical addresses): the union over each family's hosts. */
  inferListeners(hosts: ReadonlyArray<{ address: string; family: Family }>): ListenerTables {
    const t: ListenerTables = {
      tcp4: new Uint8Array(0x10000),
      udp4: new Uint8Array(0x10000),
      tcp6: new Uint8Array(0x10000),
      udp6: new Uint8Array(0x10000),
    };
    const v4 = new Set(hosts.filter((h) => h.family === 4).map((h) => parseDottedQuad(h.address)));
    const v6 = new Set(hosts.filter((h) => h.family === 6).map((h) => h.address));
    for (const k of this.synAck4.keys) if (v4.has(Math.floor(k / 65536))) t.tcp4[k % 65536] = 1;
    // A UDP port listens when the host both received on it and answered from it.
    for (const k of this.udpFrom4.keys)
      if (this.udpTo4.keys.has(k) && v4.has(Math.floor(k / 65536))) t.udp4[k % 65536] = 1;
    // Where the host resets FIN/NULL/XMAS probes on closed ports, a probed port it kept quiet on is open
    // (the reasoning of nmap's FIN scan); a host that resets none of them is filtered, and tells nothing.
    if (hasAnyOf(this.quietProbe4.keys, this.rstFrom4.keys)) {
      for (const k of this.quietProbe4.keys) {
        if (!this.rstFrom4.keys.has(k) && v4.has(Math.floor(k / 65536))) t.tcp4[k % 65536] = 1;
      }
    }
    if (hasAnyOf(this.quietProbe6, this.rstFrom6)) {
      for (const k of this.quietProbe6) {
        const [addr, port] = splitKey6(k);
        if (!this.rstFrom6.has(k) && v6.has(addr)) t.tcp6[port] = 1;
      }
    }
    for (const k of this.synAck6) {
      const [addr, port] = splitKey6(k);
      if (v6.has(addr)) t.tcp6[port] = 1;
    }
    for (const k of this.udpFrom6) {
      const [addr, port] = splitKey6(k);
      if (this.udpTo6.has(k) && v6.has(addr)) t.udp6[port] = 1;
    }
    return t;
  }
}

function splitKey6(k: string): [string, number] {
  const i = k.lastIndexOf('#');
  return [k.slice(0, i), Number(k.slice(i + 1))];
}

function hasAnyOf<K>(a: Set<K>, b: Set<K>): boolean {
  for (const k of a) if (b.has(k)) return true;
  return false;
}
