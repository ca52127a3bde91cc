// Never-ban: the addresses a ban must not cut off — loopback, this host's own addresses, its default gateways, its
// nameservers and the ignore list — so a spoofed decoy scan cannot isolate the host. A pure matcher over plain
// lists (which `watch` gathers once and caches) plus the I/O that gathers them.
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import type { IgnoreEntry } from '../config/types.js';
import {
  formatAddress,
  formatPrefix,
  isLoopback,
  parseAddress,
  parseDottedQuad,
  prefixContains,
  uint32ToIPv4,
  uint32ToIPv4Bytes,
  type Family,
  type Prefix,
} from '../net/address.js';

export interface ProtectedAddress {
  address: string;
  family: Family;
  bytes: Uint8Array;
  /** The phrase after "<address> is ": "this host's own address (eth0)". */
  why: string;
}

export interface NeverBanLists {
  /** Own addresses, gateways and nameservers. */
  hosts: ProtectedAddress[];
  ignore: IgnoreEntry[];
}

/** A matcher built once from the lists; `refusal` answers in O(1) for single addresses. */
export interface NeverBanMatcher {
  /**
   * Why `target` must not be banned, as one sentence naming the rule, or undefined when it may be.
   * `text` is the target's canonical text when the caller has it (saves formatting 100k addresses).
   */
  refusal(target: Prefix, text?: string): string | undefined;
  /** The same answer for a single IPv4 address given as a uint32 (text made only for a refusal). */
  refusal4?(v4: number, text?: string): string | undefined;
  /**
   * Where in `values` (IPv4 addresses as uint32s; networks when `lengths` gives their prefix lengths) refusal4, or
   * refusal for a network, would refuse, in order: one pass over the typed arrays of a 100k-target ban, the
   * sentences made afterwards for the few it finds.
   */
  refusedAt4?(values: Uint32Array, lengths?: Uint8Array): number[];
}

function protect(address: string, why: string): ProtectedAddress | undefined {
  // What the kernel hands out (and most resolv.conf lines) is a canonical dotted quad: its bytes are read here
  // directly, which keeps the general parser and its node:net validators out of an IPv4 ban.
  const v4 = parseDottedQuad(address);
  if (v4 >= 0) return { address, family: 4, bytes: uint32ToIPv4Bytes(v4), why };
  const a = parseAddress(address);
  return a && { address: formatAddress(a.family, a.bytes), family: a.family, bytes: a.bytes, why };
}

function isUnspecified(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

function ignoreText(e: IgnoreEntry): string {
  return `the ignore list (${e.file} line ${e.line}: ${e.text})`;
}

/** True when two prefixes share at least one address (one contains the other). */
function overlaps(a: Prefix, b: Prefix): boolean {
  if (a.family !== b.family) return false;
  return a.length <= b.length ? prefixContains(a, b.family, b.bytes) : prefixContains(b, a.family, a.bytes);
}

export function buildNeverBanMatcher(lists: NeverBanLists): NeverBanMatcher {
  const byAddress = new Map<string, ProtectedAddress>();
  for (const h of lists.hosts) if (!byAddress.has(h.address)) byAddress.set(h.address, h);
  const loopback4: Prefix = { family: 4, bytes: Uint8Array.of(127, 0, 0, 1), length: 32 };
  const loopback6: Prefix = {
    family: 6,
    bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1),
    length: 128,
  };
  // Single IPv4 checks on uint32s: own addresses in a Set, ignore prefixes as (network, mask) pairs.
  const hosts4 = new Map<number, ProtectedAddress>();
  for (const h of lists.hosts) {
    if (h.family !== 4) continue;
    const v = ((h.bytes[0] << 24) | (h.bytes[1] << 16) | (h.bytes[2] << 8) | h.bytes[3]) >>> 0;
    if (!hosts4.has(v)) hosts4.set(v, h);
  }
  const ignore4 = lists.ignore
    .filter((e) => e.prefix.family === 4)
    .map((e) => {
      const b = e.prefix.bytes;
      const mask = e.prefix.length === 0 ? 0 : (0xffffffff << (32 - e.prefix.length)) >>> 0;
      const net = (((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) & mask) >>> 0;
      return { net, mask, entry: e };
    });
  const hostList = Uint32Array.from(hosts4.keys());
  const nets = Uint32Array.from(ignore4, (i) => i.net);
  const masks = Uint32Array.from(ignore4, (i) => i.mask);
  return {
    refusedAt4: (values, lengths) =>
      lengths ? findRefusedNets4(values, lengths, hostList, nets, masks) : findRefused4(values, hostList, nets, masks),
    refusal4(v4: number, text?: string): string | undefined {
      if (v4 >>> 24 === 127) return `${text ?? uint32ToIPv4(v4)} is loopback`;
      if (v4 === 0) return `${text ?? uint32ToIPv4(v4)} is the unspecified address, not a host`;
      if (hosts4.size > 0) {
        const hit = hosts4.get(v4);
        if (hit) return `${text ?? uint32ToIPv4(v4)} is ${hit.why}`;
      }
      for (let k = 0; k < ignore4.length; k++) {
        const i = ignore4[k];
        if ((v4 & i.mask) >>> 0 === i.net) return `${text ?? uint32ToIPv4(v4)} is in ${ignoreText(i.entry)}`;
      }
      return undefined;
    },
    refusal(target: Prefix, known?: string): string | undefined {
      const text = known ?? formatPrefix(target);
      const why = refusal(target, text);
      if (why !== undefined) return why;
      // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) names the IPv4 host: the IPv4 rules apply to it too.
      const v4 = mappedIPv4(target);
      const mapped = v4 && refusal(v4, formatPrefix(v4));
      return mapped === undefined ? undefined : `${text} is IPv4-mapped: ${mapped}`;
    },
  };

  function refusal(target: Prefix, text: string): string | undefined {
    const max = target.family === 4 ? 32 : 128;
    if (target.length === max) {
      if (isLoopback(target.family, target.bytes)) return `${text} is loopback`;
      if (isUnspecified(target.bytes)) return `${text} is the unspecified address, not a host`;
      const hit = byAddress.get(text);
      if (hit) return `${text} is ${hit.why}`;
      for (const e of lists.ignore) {
        if (prefixContains(e.prefix, target.family, target.bytes)) return `${text} is in ${ignoreText(e)}`;
      }
      return undefined;
    }
    // A prefix is refused when it would cover anything protected.
    const lo = target.family === 4 ? loopback4 : loopback6;
    if (prefixContains(target, lo.family, lo.bytes)) return `${text} contains loopback`;
    for (const h of lists.hosts) {
      if (prefixContains(target, h.family, h.bytes)) return `${text} contains ${h.address}, ${h.why}`;
    }
    for (const e of lists.ignore) {
      if (overlaps(target, e.prefix)) return `${text} overlaps ${ignoreText(e)}`;
    }
    return undefined;
  }
}

/**
 * Indexes of the addresses refusal4 refuses: loopback, unspecified, a protected host, inside an ignored prefix.
 * Kept small, like every per-address loop of a bulk ban, so that V8 optimises it early in its one run.
 */
function findRefused4(values: Uint32Array, hosts: Uint32Array, nets: Uint32Array, masks: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let hit = v >>> 24 === 127 || v === 0;
    for (let k = 0; !hit && k < hosts.length; k++) hit = hosts[k] === v;
    for (let k = 0; !hit && k < nets.length; k++) hit = (v & masks[k]) >>> 0 === nets[k];
    if (hit) out.push(i);
  }
  return out;
}

/**
 * findRefused4 for IPv4 entries of any prefix length (32: a single address, judged as findRefused4 judges it). A
 * network is refused when it contains 127.0.0.1 or a protected host, or overlaps an ignored prefix: the rules of
 * refusal for a prefix, on uint32s.
 */
function findRefusedNets4(
  values: Uint32Array,
  lengths: Uint8Array,
  hosts: Uint32Array,
  nets: Uint32Array,
  masks: Uint32Array,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const len = lengths[i];
    let hit: boolean;
    if (len === 32) {
      hit = v >>> 24 === 127 || v === 0;
      for (let k = 0; !hit && k < hosts.length; k++) hit = hosts[k] === v;
      for (let k = 0; !hit && k < nets.length; k++) hit = (v & masks[k]) >>> 0 === nets[k];
    } else {
      const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
      hit = (0x7f000001 & mask) >>> 0 === v;
      for (let k = 0; !hit && k < hosts.length; k++) hit = (hosts[k] & mask) >>> 0 === v;
      // Two prefixes overlap when they agree on the bits of the shorter one.
      for (let k = 0; !hit && k < nets.length; k++) hit = (v & masks[k]) >>> 0 === (nets[k] & mask) >>> 0;
    }
    if (hit) out.push(i);
  }
  return out;
}

/** ::ffff:0:0/96, the IPv4-mapped IPv6 addresses. */
const MAPPED: Prefix = {
  family: 6,
  bytes: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0),
  length: 96,
};

/**
 * The IPv4 prefix an IPv6 prefix covers inside ::ffff:0:0/96 (a prefix covering that whole range maps to
 * 0.0.0.0/0), or undefined when it does not reach into the mapped range.
 */
function mappedIPv4(target: Prefix): Prefix | undefined {
  if (target.family !== 6) return undefined;
  if (target.length <= 96) {
    return prefixContains(target, 6, MAPPED.bytes) ? { family: 4, bytes: new Uint8Array(4), length: 0 } : undefined;
  }
  if (!prefixContains(MAPPED, 6, target.bytes)) return undefined;
  return { family: 4, bytes: target.bytes.slice(12, 16), length: target.length - 96 };
}

// ---- gathering the lists (I/O) ----

/** This host's addresses, by interface (inside a network namespace: the namespace's). */
export function readOwnAddresses(ipv6 = true): ProtectedAddress[] {
  const out: ProtectedAddress[] = [];
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    for (const info of infos ?? []) {
      // Told apart by the text, not by `family`: IPv6 text always has a colon and IPv4 text never does.
      if (!ipv6 && info.address.includes(':')) continue;
      const p = protect(info.address.split('%')[0], `this host's own address (${name})`);
      if (p) out.push(p);
    }
  }
  return out;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Default gateways from /proc/net/route text: destination 0, mask 0, gateway in little-endian hex. */
export function parseIPv4Routes(text: string): ProtectedAddress[] {
  const out: ProtectedAddress[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[1] !== '00000000' || f[7] !== '00000000' || f[2] === '00000000') continue;
    if (!/^[0-9A-Fa-f]{8}$/.test(f[2])) continue;
    const n = parseInt(f[2], 16);
    const addr = `${n & 0xff}.${(n >>> 8) & 0xff}.${(n >>> 16) & 0xff}.${n >>> 24}`;
    const p = protect(addr, `this host's default gateway (${f[0]})`);
    if (p) out.push(p);
  }
  return out;
}

/** Default gateways from /proc/net/ipv6_route text: ::/0 with a non-zero next hop. */
export function parseIPv6Routes(text: string): ProtectedAddress[] {
  const out: ProtectedAddress[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[1] !== '00' || !/^0{32}$/.test(f[0])) continue;
    if (!/^[0-9a-f]{32}$/i.test(f[4]) || /^0{32}$/.test(f[4])) continue;
    const addr = f[4].replace(/(.{4})(?!$)/g, '$1:');
    const p = protect(addr, `this host's default gateway (${f[9]})`);
    if (p) out.push(p);
  }
  return out;
}

/** `nameserver` lines of a resolv.conf text (without `ipv6`, only those that can be IPv4 addresses). */
export function parseResolvConf(text: string, file = '/etc/resolv.conf', ipv6 = true): ProtectedAddress[] {
  const out: ProtectedAddress[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && !ipv6 && m[1].includes(':')) return;
    const p = m && protect(m[1].split('%')[0], `a nameserver (${file} line ${i + 1})`);
    if (p) out.push(p);
  });
  return out;
}

export interface GatherOptions {
  /**
   * Gather the IPv6 hosts too (the default). A ban of IPv4 targets alone may leave them out: the matcher judges an
   * IPv4 address or prefix by the IPv4 hosts only (IPv6 hosts matter to IPv6 targets, mapped ones included), and
   * validating IPv6 text (node:net's first IPv6 check compiles a large pattern) costs more than all the rest.
   */
  ipv6?: boolean;
}

/** Gathers everything a ban must not touch; cheap (a few small /proc files), but `watch` should cache it. */
export function gatherNeverBanLists(ignore: IgnoreEntry[] = [], opts: GatherOptions = {}): NeverBanLists {
  const ipv6 = opts.ipv6 ?? true;
  return {
    hosts: [
      ...readOwnAddresses(ipv6),
      ...parseIPv4Routes(readText('/proc/net/route')),
      ...(ipv6 ? parseIPv6Routes(readText('/proc/net/ipv6_route')) : []),
      ...parseResolvConf(readText('/etc/resolv.conf'), undefined, ipv6),
    ],
    ignore,
  };
}
