// Pass 1 of replay: inferring the protected host and its listeners, and keeping stdin's candidates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipv4ToUint32, parseAddress } from '../../src/net/address.js';
import { createPacket } from '../../src/packet/packet.js';
import type { Packet } from '../../src/packet/types.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../src/packet/types.js';
import { CandidateLog } from '../../src/replay/candidates.js';
import { CaptureSurvey } from '../../src/replay/survey.js';
import { parseListeningFlags } from '../../src/replay/options.js';

const ALL = new Uint8Array(0x10000).fill(1);

function pkt(src: string, dst: string, proto: number, sport: number, dport: number, flags = 0): Packet {
  const p = createPacket();
  const s = parseAddress(src)!;
  const d = parseAddress(dst)!;
  p.family = s.family;
  if (s.family === 4) {
    p.src4 = ipv4ToUint32(s.bytes);
    p.dst4 = ipv4ToUint32(d.bytes);
  } else {
    p.src6.set(s.bytes);
    p.dst6.set(d.bytes);
  }
  p.proto = proto;
  p.srcPort = sport;
  p.dstPort = dport;
  p.tcpFlags = flags;
  return p;
}

test('the host that answers probes is the protected one, per family', () => {
  const s = new CaptureSurvey(ALL, ALL);
  for (let port = 1; port < 20; port++) {
    s.observe(pkt('192.0.2.66', '192.0.2.10', IPPROTO_TCP, 5000, port, TCP_SYN));
    s.observe(pkt('192.0.2.10', '192.0.2.66', IPPROTO_TCP, port, 5000, TCP_RST | TCP_ACK));
    s.observe(pkt('2001:db8::66', '2001:db8::10', IPPROTO_UDP, 5000, port));
    const icmp = pkt('2001:db8::10', '2001:db8::66', 58, 0, 0);
    icmp.icmpType = 1;
    s.observe(icmp);
  }
  // The scanner's own reset (nmap -sS after a SYN-ACK) must not outweigh the host's answers.
  s.observe(pkt('192.0.2.66', '192.0.2.10', IPPROTO_TCP, 5000, 22, TCP_RST));
  assert.deepEqual(s.inferHosts(), [
    { address: '192.0.2.10', family: 4, basis: 'answers' },
    { address: '2001:db8::10', family: 6, basis: 'answers' },
  ]);
});

test('with no answers at all, the most probed unicast address is taken', () => {
  const s = new CaptureSurvey(ALL, ALL);
  for (let i = 0; i < 5; i++) s.observe(pkt('198.51.100.7', '192.0.2.10', IPPROTO_TCP, 5000, i, TCP_SYN));
  for (let i = 0; i < 9; i++) s.observe(pkt('192.0.2.20', '192.0.2.255', IPPROTO_UDP, 137, 137));
  const icmpEcho = pkt('192.0.2.20', '192.0.2.10', IPPROTO_ICMP, 0, 0);
  icmpEcho.icmpType = 8;
  s.observe(icmpEcho);
  assert.deepEqual(s.inferHosts(), [{ address: '192.0.2.10', family: 4, basis: 'destination' }]);
});

test('listeners come from the whole capture: SYN-ACKs sent, UDP answered from a port, FIN probes left unanswered', () => {
  const s = new CaptureSurvey(ALL, ALL);
  const H = '192.0.2.10';
  s.observe(pkt('192.0.2.66', H, IPPROTO_TCP, 5000, 22, TCP_SYN));
  s.observe(pkt(H, '192.0.2.66', IPPROTO_TCP, 22, 5000, TCP_SYN | TCP_ACK));
  s.observe(pkt('192.0.2.20', H, IPPROTO_UDP, 4000, 53));
  s.observe(pkt(H, '192.0.2.20', IPPROTO_UDP, 53, 4000));
  s.observe(pkt('192.0.2.20', H, IPPROTO_UDP, 4000, 69)); // no answer: closed
  s.observe(pkt(H, '192.0.2.20', IPPROTO_UDP, 123, 4001)); // sent from 123, never received there: not proof
  s.observe(pkt('192.0.2.67', H, IPPROTO_TCP, 6000, 80, TCP_FIN)); // silence from 80: open
  s.observe(pkt('192.0.2.67', H, IPPROTO_TCP, 6000, 81, TCP_FIN));
  s.observe(pkt(H, '192.0.2.67', IPPROTO_TCP, 81, 6000, TCP_RST | TCP_ACK));
  // Another address's listener is not the protected host's.
  s.observe(pkt('192.0.2.20', '192.0.2.66', IPPROTO_TCP, 443, 7000, TCP_SYN | TCP_ACK));
  const t = s.inferListeners([{ address: H, family: 4 }]);
  const on = (a: Uint8Array) => [...a.keys()].filter((p) => a[p] !== 0);
  assert.deepEqual(on(t.tcp4), [22, 80]);
  assert.deepEqual(on(t.udp4), [53]);
  assert.deepEqual(on(t.tcp6), []);
});

test('a host that resets no FIN probe (filtered) tells nothing about open ports', () => {
  const s = new CaptureSurvey(ALL, ALL);
  s.observe(pkt('192.0.2.67', '192.0.2.10', IPPROTO_TCP, 6000, 80, TCP_FIN));
  s.observe(pkt('192.0.2.67', '192.0.2.10', IPPROTO_TCP, 6000, 81, TCP_FIN));
  const t = s.inferListeners([{ address: '192.0.2.10', family: 4 }]);
  assert.equal(t.tcp4.indexOf(1), -1);
});

test('the candidate log keeps only tripwire packets and plays them back unchanged', () => {
  const tcp = new Uint8Array(0x10000);
  const udp = new Uint8Array(0x10000);
  tcp[1] = 4;
  udp[7] = 4;
  const log = new CandidateLog(tcp, udp);
  const input = [
    pkt('192.0.2.66', '192.0.2.10', IPPROTO_TCP, 5000, 1, TCP_FIN),
    pkt('192.0.2.66', '192.0.2.10', IPPROTO_TCP, 5000, 2, TCP_SYN),
    pkt('2001:db8::66', '2001:db8::10', IPPROTO_UDP, 5001, 7),
    pkt('192.0.2.66', '192.0.2.10', IPPROTO_ICMP, 0, 1),
  ];
  input.forEach((p, i) => {
    p.ts = 1000 + i;
    log.record(p);
  });
  assert.equal(log.length, 2);
  const out: string[] = [];
  log.replay(createPacket(), (p) =>
    out.push(
      `${p.ts} ${p.family} ${p.family === 4 ? p.src4 : Buffer.from(p.src6).toString('hex')} ${p.proto} ${p.srcPort}>${p.dstPort} ${p.tcpFlags}`,
    ),
  );
  assert.deepEqual(out, [
    `1000 4 ${ipv4ToUint32(parseAddress('192.0.2.66')!.bytes)} 6 5000>1 1`,
    `1002 6 ${Buffer.from(parseAddress('2001:db8::66')!.bytes).toString('hex')} 17 5001>7 0`,
  ]);
});

test('the candidate log plays IPv6 addresses back intact, from and into buffers at any alignment', () => {
  const watch = new Uint8Array(0x10000).fill(4);
  const log = new CandidateLog(watch, watch);
  // Packets whose address buffers sit at odd offsets of a larger buffer, as well as a packet's own.
  const unaligned = (): Packet => {
    const p = createPacket();
    const backing = new Uint8Array(40);
    p.src6 = backing.subarray(1, 17);
    p.dst6 = backing.subarray(19, 35);
    return p;
  };
  const address = (i: number, salt: number) => {
    const bytes = new Uint8Array(16);
    for (let b = 0; b < 16; b++) bytes[b] = (i * 31 + b * 7 + salt) & 0xff;
    return bytes;
  };
  const count = 3000; // several growths of the address store
  const shapes = [createPacket(), unaligned()];
  for (let i = 0; i < count; i++) {
    const p = shapes[i % 2];
    p.family = 6;
    p.proto = IPPROTO_UDP;
    p.srcPort = 5000;
    p.dstPort = 1 + (i % 1000);
    p.src6.set(address(i, 1));
    p.dst6.set(address(i, 2));
    log.record(p);
  }
  for (const into of [createPacket(), unaligned()]) {
    let i = 0;
    log.replay(into, (p) => {
      assert.deepEqual([...p.src6], [...address(i, 1)], `source of candidate ${i}`);
      assert.deepEqual([...p.dst6], [...address(i, 2)], `destination of candidate ${i}`);
      i++;
    });
    assert.equal(i, count);
  }
});

test('the candidate log leaves out ACKs and RSTs except where classic mode completes handshakes', () => {
  const tcp = new Uint8Array(0x10000);
  tcp[80] = 4; // advanced only: the engine ignores ACK and RST there
  tcp[81] = 1 | 4; // also a classic port: the handshake's final ACK is a hit
  const log = new CandidateLog(tcp, new Uint8Array(0x10000));
  for (const [port, flags] of [
    [80, TCP_ACK],
    [80, TCP_RST],
    [80, TCP_SYN | TCP_ACK],
    [80, TCP_SYN],
    [81, TCP_ACK],
    [81, TCP_RST],
  ] as const) {
    log.record(pkt('192.0.2.66', '192.0.2.10', IPPROTO_TCP, 5000, port, flags));
  }
  const kept: string[] = [];
  log.replay(createPacket(), (p) => kept.push(`${p.dstPort}/${p.tcpFlags}`));
  assert.deepEqual(kept, [`80/${TCP_SYN}`, `81/${TCP_ACK}`, `81/${TCP_RST}`]);
});

test('--listening values: repeatable, sorted, deduplicated; "tcp:" means none', () => {
  assert.deepEqual(parseListeningFlags(['tcp:80,22', 'tcp:22', 'udp:']), { tcp: [22, 80], udp: [] });
  assert.throws(() => parseListeningFlags(['22']), /--listening "22": it does not start with tcp: or udp:/);
});
