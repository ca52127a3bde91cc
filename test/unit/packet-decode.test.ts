// Link layers, IPv4 (options, fragments reassembled), IPv6 extension headers and fragments, ICMP/ICMPv6 errors,
// and bare-IP decoding as `watch` uses it for NFLOG payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatAddress, uint32ToIPv4 } from '../../src/net/address.js';
import { decodeIpPacket } from '../../src/packet/decode-ip.js';
import { Reassembler } from '../../src/packet/ip/reassembler.js';
import { linkTypeName } from '../../src/packet/link-types.js';
import { toolSkipReason } from '../helpers/tools.js';
import { createPacket } from '../../src/packet/packet.js';
import { readCapture } from '../../src/packet/read-capture.js';
import type { CaptureStats, Packet } from '../../src/packet/types.js';

const DIR = fileURLToPath(new URL('../../../fixtures/captures/decoder/', import.meta.url));

interface Seen {
  src: string;
  dst: string;
  proto: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  icmpType: number;
  icmpCode: number;
  quotedProto: number;
  quotedDstPort: number;
  wireLength: number;
  outgoing: boolean | undefined;
}

function see(p: Packet): Seen {
  return {
    src: p.family === 4 ? uint32ToIPv4(p.src4) : formatAddress(6, p.src6),
    dst: p.family === 4 ? uint32ToIPv4(p.dst4) : formatAddress(6, p.dst6),
    proto: p.proto,
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    tcpFlags: p.tcpFlags,
    icmpType: p.icmpType,
    icmpCode: p.icmpCode,
    quotedProto: p.quotedProto,
    quotedDstPort: p.quotedDstPort,
    wireLength: p.wireLength,
    outgoing: p.outgoing,
  };
}

async function collect(name: string): Promise<{ seen: Seen[]; stats: CaptureStats }> {
  const seen: Seen[] = [];
  const stats = await readCapture(DIR + name, (p) => seen.push(see(p)));
  return { seen, stats };
}

/** Destination, port and flags of each decoded packet: what the link-layer tests compare. */
function ends(seen: Seen[]): string[] {
  return seen.map((s) => `${s.src}>${s.dst}:${s.dstPort}/${s.tcpFlags}`);
}

const V4 = (port: number) => `192.0.2.66>192.0.2.10:${port}/2`;
const V6 = (port: number) => `2001:db8::66>2001:db8::10:${port}/2`;

const LINK_CASES: Array<[string, string, string[]]> = [
  ['vlan.pcap', 'EN10MB', [V4(22), V6(23)]],
  ['linux-sll.pcap', 'LINUX_SLL', [V4(25), V6(26)]],
  ['linux-sll2.pcap', 'LINUX_SLL2', [V4(27), V6(28)]],
  ['raw-101.pcap', 'RAW', [V4(29), V6(30)]],
  ['raw-12.pcap', 'RAW', [V4(31)]],
  ['raw-14.pcap', 'RAW', [V6(32)]],
  ['ipv4-228.pcap', 'IPV4', [V4(33)]],
  ['ipv6-229.pcap', 'IPV6', [V6(34)]],
  ['null-le.pcap', 'NULL', [V4(35), V6(36)]],
  ['null-be.pcap', 'NULL', [V4(37), V6(38)]],
  ['loop.pcap', 'LOOP', [V4(39), V6(40)]],
];

for (const [file, link, expected] of LINK_CASES) {
  test(`${link} (${file}) reaches the IP and TCP headers`, async () => {
    const { seen, stats } = await collect(file);
    assert.deepEqual(stats.linkTypes, [link]);
    assert.deepEqual(ends(seen), expected);
  });
}

test('EN10MB: 802.1Q and QinQ tags are skipped; an ARP frame is counted as undecoded', async () => {
  const { stats } = await collect('vlan.pcap');
  assert.equal(stats.packets, 3);
  assert.equal(stats.undecoded, 1);
});

test('cooked captures say which packets the host sent', async () => {
  for (const file of ['linux-sll.pcap', 'linux-sll2.pcap']) {
    const { seen } = await collect(file);
    assert.deepEqual(
      seen.map((s) => s.outgoing),
      [false, true],
      file,
    );
  }
});

test('linkTypeName names what tcpdump names, and numbers what it does not know', () => {
  assert.equal(linkTypeName(1), 'EN10MB');
  assert.equal(linkTypeName(276), 'LINUX_SLL2');
  assert.equal(linkTypeName(147), 'LINKTYPE_147');
});

test('IPv4 options are skipped by the header length', async () => {
  const { seen } = await collect('ipv4-options.pcap');
  assert.equal(seen.length, 1);
  assert.equal(seen[0].dstPort, 8080);
  assert.equal(seen[0].tcpFlags, 0x01 | 0x08 | 0x20);
});

test('nmap -f fragments are reassembled: in order, reversed, duplicated; overlapping and incomplete ones are not', async () => {
  const { seen, stats } = await collect('ipv4-fragments.pcap');
  assert.deepEqual(
    seen.map((s) => [s.proto, s.srcPort, s.dstPort, s.tcpFlags]),
    [
      [6, 40004, 21, 0x02],
      [6, 40004, 22, 0x02],
      [6, 40004, 23, 0x02],
      [17, 40001, 69, 0],
    ],
  );
  // 20-byte IP header + 24-byte TCP header with the MSS option.
  assert.equal(seen[0].wireLength, 44);
  assert.equal(stats.reassembled, 3);
  assert.equal(stats.packets, 3 + 3 + 4 + 4 + 2 + 1);
  assert.equal(stats.undecoded, 0);
});

test(
  'the recorded nmap -f scan over `tcpdump -i any` is judged after reassembly, both directions',
  { skip: toolSkipReason('tcpdump') },
  async () => {
    const { seen, stats } = await collect('nmap-f-any.pcap');
    const probes = seen.filter((s) => s.dst === '192.0.2.10' && s.proto === 6 && s.tcpFlags === 0x02);
    assert.deepEqual(
      probes.map((s) => s.dstPort).sort((a, b) => a - b),
      [21, 22, 23],
    );
    assert.ok(probes.every((s) => s.outgoing === false));
    const replies = seen.filter((s) => s.src === '192.0.2.10' && s.proto === 6);
    assert.equal(replies.length, 3);
    assert.ok(replies.every((s) => s.outgoing === true));
    assert.equal(stats.reassembled, 3);
    const lines = execFileSync('tcpdump', ['-nr', DIR + 'nmap-f-any.pcap'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n');
    assert.equal(stats.packets, lines.filter((l) => l !== '').length);
    const arp = lines.filter((l) => l.includes(' ARP,')).length;
    assert.equal(stats.undecoded, arp);
  },
);

test('IPv6 hop-by-hop and destination options headers are walked to TCP', async () => {
  const { seen } = await collect('ipv6-ext.pcap');
  assert.deepEqual(ends(seen), ['2001:db8::66>2001:db8::10:6000/2']);
  assert.equal(seen[0].proto, 6);
});

test('IPv6 fragments: the first gives the ports, later ones are skipped', async () => {
  const { seen, stats } = await collect('ipv6-fragment.pcap');
  assert.deepEqual(
    seen.map((s) => [s.proto, s.dstPort]),
    [[17, 161]],
  );
  assert.equal(stats.packets, 3);
  assert.equal(stats.undecoded, 2);
});

test('ICMP and ICMPv6 port unreachables name the quoted protocol and port', async () => {
  const { seen } = await collect('icmp-unreachable.pcap');
  assert.deepEqual(
    seen.map((s) => [s.proto, s.icmpType, s.icmpCode, s.quotedProto, s.quotedDstPort]),
    [
      [1, 3, 3, 17, 1234],
      [58, 1, 4, 17, 5678],
    ],
  );
});

test('an ICMP echo has no quote', async () => {
  const { seen } = await collect('pcap-us-le.pcap');
  const echo = seen.find((s) => s.proto === 1)!;
  assert.equal(echo.icmpType, 8);
  assert.equal(echo.quotedProto, -1);
  assert.equal(echo.quotedDstPort, -1);
});

/** The IP packets of a one-link-type fixture with its frame header cut off, as an NFLOG payload would be. */
function ipPackets(file: string, linkHeader: number): Buffer[] {
  const b = readFileSync(DIR + file);
  const out: Buffer[] = [];
  for (let o = 24; o + 16 <= b.length;) {
    const caplen = b.readUInt32LE(o + 8);
    out.push(b.subarray(o + 16 + linkHeader, o + 16 + caplen));
    o += 16 + caplen;
  }
  return out;
}

test('decodeIpPacket decodes bare IPv4 and IPv6 at an offset, and refuses what is not IP', () => {
  const [v4, v6] = ipPackets('raw-101.pcap', 0);
  const p = createPacket();
  const padded = Buffer.concat([Buffer.alloc(7, 0xee), v4]);
  assert.equal(decodeIpPacket(padded, 7, v4.length, 42, p), true);
  assert.deepEqual([p.ts, p.family, uint32ToIPv4(p.src4), p.dstPort, p.wireLength], [42, 4, '192.0.2.66', 29, 40]);
  assert.equal(decodeIpPacket(v6, 0, v6.length, 43, p), true);
  assert.deepEqual([p.family, formatAddress(6, p.dst6), p.dstPort], [6, '2001:db8::10', 30]);
  assert.equal(decodeIpPacket(Buffer.from('not an ip packet'), 0, 16, 0, p), false);
  assert.equal(decodeIpPacket(v4, 0, 10, 0, p), false, 'cut inside the IPv4 header');
  assert.equal(decodeIpPacket(v4, 30, 40, 0, p), false, 'a range past the buffer');
});

test('decodeIpPacket with a reassembler reports a datagram when its last fragment arrives', () => {
  const frags = ipPackets('ipv4-fragments.pcap', 14).slice(3, 6); // id 8, reversed
  const r = new Reassembler();
  const p = createPacket();
  assert.equal(decodeIpPacket(frags[0], 0, frags[0].length, 1, p, r), false);
  assert.equal(decodeIpPacket(frags[1], 0, frags[1].length, 2, p, r), false);
  assert.equal(r.pending, 1);
  assert.equal(decodeIpPacket(frags[2], 0, frags[2].length, 3, p, r), true);
  assert.deepEqual([p.dstPort, p.tcpFlags, r.pending], [22, 0x02, 0]);
  // Without a reassembler only the first fragment says anything (ports, but the flags are in a later fragment).
  const q = createPacket();
  assert.equal(decodeIpPacket(frags[2], 0, frags[2].length, 1, q), false, 'first fragment: TCP header incomplete');
  assert.equal(decodeIpPacket(frags[0], 0, frags[0].length, 1, q), false, 'non-first fragment');
});

test('reassembly is bounded: timeout by capture time, datagrams in flight', () => {
  const f = ipPackets('ipv4-fragments.pcap', 14);
  const first = f[0];
  const rest = f.slice(1, 3);
  const p = createPacket();
  const r = new Reassembler({ timeoutUs: 30_000_000 });
  decodeIpPacket(first, 0, first.length, 0, p, r);
  // 31 s of capture time later the first fragment is forgotten: the rest cannot complete the datagram.
  for (const x of rest) assert.equal(decodeIpPacket(x, 0, x.length, 31_000_000, p, r), false);
  assert.equal(r.dropped, 1);
  assert.equal(r.reassembled, 0);

  const small = new Reassembler({ maxDatagrams: 4 });
  for (let id = 0; id < 100; id++) {
    const frag = Buffer.from(first);
    frag.writeUInt16BE(id, 4); // a new IP id: a new datagram
    decodeIpPacket(frag, 0, frag.length, id, p, small);
  }
  assert.equal(small.pending, 4);
  assert.equal(small.dropped, 96);
});

test('a non-final fragment whose length is not a multiple of 8 is cut to one, as Linux does, not dropped', () => {
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(40000, 0);
  tcp.writeUInt16BE(22, 2);
  tcp[12] = 0x50;
  tcp[13] = 0x02;
  const r = new Reassembler();
  // 12 bytes with MF: Linux keeps the first 8 (ip_frag_queue rounds `end` down); the next fragment starts at 8.
  assert.equal(r.accept(1, 2, 6, 7, 0, true, tcp, 0, 12, 12, 0), false);
  assert.equal(r.accept(1, 2, 6, 7, 8, false, tcp, 8, 12, 12, 1), true);
  assert.deepEqual([r.payloadLength, r.dataLength, (r.data[2] << 8) | r.data[3], r.data[13]], [20, 20, 22, 0x02]);
  // Under 8 bytes with MF nothing is left: the datagram is given up.
  const s = new Reassembler();
  assert.equal(s.accept(1, 2, 6, 8, 8, true, tcp, 8, 4, 4, 0), false);
  assert.equal(s.pending, 0);
});
