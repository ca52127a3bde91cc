import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IgnoreEntry, Mode, PortSentryConfig } from '../../src/config/types.js';
import { Detector } from '../../src/detect/engine.js';
import type { DetectorEvent, DetectorOptions } from '../../src/detect/types.js';
import { parseAddress, parsePrefix, ipv4ToUint32, type Prefix } from '../../src/net/address.js';
import type { Packet } from '../../src/packet/types.js';
import { testConfig } from '../helpers/config.js';
import { prng } from '../helpers/prng.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  TCP_URG,
} from '../../src/packet/types.js';

const HOST = '192.0.2.10';
const HOST6 = '2001:db8::10';

function makeConfig(over: Partial<PortSentryConfig> = {}): PortSentryConfig {
  return testConfig({
    tcpPorts: [1, 11, 15, 79, 111, 2000, 12345],
    udpPorts: [1, 7, 9, 69, 161],
    killHostsDeny: 'ALL: $TARGET$ : DENY',
    killRunCmd: '/bin/echo run $TARGET$ $PORT$ $MODE$',
    ...over,
  });
}

function bytesOf(text: string): Uint8Array {
  const a = parseAddress(text);
  if (!a) throw new Error(`bad address ${text}`);
  return a.bytes;
}

interface PacketSpec {
  src: string;
  dst?: string;
  proto?: 'tcp' | 'udp' | 'icmp';
  sport?: number;
  dport: number;
  flags?: number;
  ts?: number;
}

function makePacket(spec: PacketSpec): Packet {
  const src = bytesOf(spec.src);
  const dst = bytesOf(spec.dst ?? (src.length === 16 ? HOST6 : HOST));
  const v4 = src.length === 4;
  const proto = spec.proto === 'udp' ? IPPROTO_UDP : spec.proto === 'icmp' ? IPPROTO_ICMP : IPPROTO_TCP;
  return {
    ts: spec.ts ?? 1_700_000_000_000_000,
    family: v4 ? 4 : 6,
    src4: v4 ? ipv4ToUint32(src) : 0,
    dst4: v4 ? ipv4ToUint32(dst) : 0,
    src6: v4 ? new Uint8Array(16) : src,
    dst6: v4 ? new Uint8Array(16) : dst,
    proto,
    srcPort: spec.sport ?? 40000,
    dstPort: spec.dport,
    tcpFlags: proto === IPPROTO_TCP ? (spec.flags ?? TCP_SYN) : 0,
    icmpType: -1,
    icmpCode: -1,
    quotedProto: -1,
    quotedDstPort: -1,
    wireLength: 60,
  };
}

function ignoreEntries(...texts: string[]): IgnoreEntry[] {
  return texts.map((text, i) => ({ prefix: parsePrefix(text) as Prefix, file: 'test.ignore', line: i + 1, text }));
}

function makeDetector(
  over: Partial<PortSentryConfig> = {},
  opts: Partial<Omit<DetectorOptions, 'config'>> & { listening?: { tcp?: number[]; udp?: number[] } } = {},
): Detector {
  const hosts = new Set([HOST, HOST6]);
  const listening = { tcp: opts.listening?.tcp ?? [22, 80], udp: opts.listening?.udp ?? [53] };
  return new Detector({
    config: makeConfig(over),
    ignore: opts.ignore ?? [],
    modes: opts.modes ?? (['atcp', 'audp'] as Mode[]),
    isProtected:
      opts.isProtected ??
      ((p) =>
        p.family === 4 ? p.dst4 === ipv4ToUint32(bytesOf(HOST)) : p.dst6.every((b, i) => b === bytesOf(HOST6)[i])),
    isListening: opts.isListening ?? ((proto, port) => listening[proto].includes(port)),
    isNeverBan: opts.isNeverBan ?? ((_family, address) => (hosts.has(address) ? 'own address' : undefined)),
    reuseEvents: opts.reuseEvents,
    limits: opts.limits,
  });
}

function feed(d: Detector, specs: PacketSpec[]): DetectorEvent[] {
  const out: DetectorEvent[] = [];
  for (const s of specs) {
    const ev = d.process(makePacket(s));
    if (ev) out.push(ev);
  }
  return out;
}

test('a SYN to a free port below ADVANCED_PORTS_TCP bans the source on the first hit (trigger 0)', () => {
  const evs = feed(makeDetector(), [{ src: '192.0.2.66', dport: 53 }]);
  assert.equal(evs.length, 1);
  assert.equal(evs[0].verdict, 'banned');
  assert.deepEqual(evs[0].detection, {
    address: '192.0.2.66',
    family: 4,
    port: 53,
    protocol: 'tcp',
    mode: 'atcp',
    scanType: 'TCP SYN/Normal scan',
  });
});

test('later hits from a banned source are already-banned', () => {
  const evs = feed(makeDetector(), [
    { src: '192.0.2.66', dport: 53 },
    { src: '192.0.2.66', dport: 54 },
    { src: '192.0.2.66', dport: 9, proto: 'udp' },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['banned', 'already-banned', 'already-banned'],
  );
});

test('atcp watches every port below ADVANCED_PORTS_TCP except the excluded ones', () => {
  const d = makeDetector({ advancedPortsTcp: 100, advancedExcludeTcp: [21] });
  assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 99 }))?.verdict, 'banned');
  assert.equal(d.process(makePacket({ src: '198.51.100.2', dport: 100 })), undefined);
  assert.equal(d.process(makePacket({ src: '198.51.100.3', dport: 21 })), undefined);
});

test('audp watches ports below ADVANCED_PORTS_UDP minus ADVANCED_EXCLUDE_UDP', () => {
  const d = makeDetector();
  for (const port of [520, 138, 137, 67, 1024, 33000]) {
    assert.equal(d.process(makePacket({ src: '198.51.100.9', proto: 'udp', dport: port })), undefined, `port ${port}`);
  }
  const ev = d.process(makePacket({ src: '198.51.100.9', proto: 'udp', dport: 161 }));
  assert.equal(ev?.detection.scanType, 'UDP scan');
  assert.equal(ev?.detection.mode, 'audp');
});

test('stcp and sudp watch only TCP_PORTS and UDP_PORTS', () => {
  const d = makeDetector({}, { modes: ['stcp', 'sudp'] });
  assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 53 })), undefined);
  assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 12345 }))?.detection.mode, 'stcp');
  assert.equal(d.process(makePacket({ src: '198.51.100.2', proto: 'udp', dport: 53 })), undefined);
  assert.equal(d.process(makePacket({ src: '198.51.100.2', proto: 'udp', dport: 69 }))?.detection.mode, 'sudp');
});

test('stealth modes ignore TCP packets with ACK or RST set', () => {
  for (const modes of [['stcp'], ['atcp']] as Mode[][]) {
    const d = makeDetector({}, { modes });
    for (const flags of [TCP_ACK, TCP_RST, TCP_SYN | TCP_ACK, TCP_RST | TCP_ACK, TCP_FIN | TCP_ACK]) {
      assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 1, flags })), undefined, `flags ${flags}`);
    }
    assert.ok(d.process(makePacket({ src: '198.51.100.1', dport: 1, flags: TCP_FIN })));
  }
});

test('a port with a listener is no tripwire in stealth and advanced modes', () => {
  for (const modes of [
    ['stcp', 'sudp'],
    ['atcp', 'audp'],
  ] as Mode[][]) {
    const d = makeDetector({ tcpPorts: [22, 111], udpPorts: [53, 69] }, { modes });
    assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 22 })), undefined);
    assert.equal(d.process(makePacket({ src: '198.51.100.1', proto: 'udp', dport: 53 })), undefined);
    assert.ok(d.process(makePacket({ src: '198.51.100.1', dport: 111 })));
  }
});

test('listeners are asked per packet: a temporary listener shields its port only while it is up', () => {
  let up = true;
  const d = makeDetector({}, { isListening: (_p, port) => up && port === 8 });
  assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 8 })), undefined);
  up = false;
  assert.equal(d.process(makePacket({ src: '198.51.100.1', dport: 8 }))?.verdict, 'banned');
});

test('classic tcp mode counts a completed connection to a listed port, even where a listener answers', () => {
  const d = makeDetector({}, { modes: ['tcp'], listening: { tcp: [111] } });
  const src = '192.0.2.66';
  assert.equal(d.process(makePacket({ src, dport: 111, sport: 5000, flags: TCP_SYN })), undefined);
  const ev = d.process(makePacket({ src, dport: 111, sport: 5000, flags: TCP_ACK }));
  assert.equal(ev?.verdict, 'banned');
  assert.equal(ev?.detection.scanType, 'Connect from host');
  assert.equal(ev?.detection.mode, 'tcp');
  // Not listed: no tripwire in classic mode.
  const d2 = makeDetector({}, { modes: ['tcp'] });
  d2.process(makePacket({ src, dport: 53, sport: 5001, flags: TCP_SYN }));
  assert.equal(d2.process(makePacket({ src, dport: 53, sport: 5001, flags: TCP_ACK })), undefined);
});

test('classic tcp mode: a half-open SYN or a reset before the ACK is no hit', () => {
  const d = makeDetector({}, { modes: ['tcp'] });
  const src = '192.0.2.66';
  assert.equal(d.process(makePacket({ src, dport: 1, sport: 6000, flags: TCP_SYN })), undefined);
  assert.equal(d.process(makePacket({ src, dport: 1, sport: 6000, flags: TCP_RST })), undefined);
  assert.equal(d.process(makePacket({ src, dport: 1, sport: 6000, flags: TCP_ACK })), undefined);
  // An ACK with no SYN before it (ACK scan) is no connection either.
  assert.equal(d.process(makePacket({ src, dport: 1, sport: 6001, flags: TCP_ACK })), undefined);
});

test('classic udp mode: any datagram to a listed port is "Connect from host"', () => {
  const d = makeDetector({}, { modes: ['udp'], listening: { udp: [7] } });
  const evs = feed(d, [
    { src: '192.0.2.68', proto: 'udp', dport: 53 },
    { src: '192.0.2.68', proto: 'udp', dport: 7 },
    { src: '192.0.2.68', proto: 'udp', dport: 7 },
  ]);
  assert.deepEqual(
    evs.map((e) => [e.detection.scanType, e.detection.mode, e.verdict]),
    [
      ['Connect from host', 'udp', 'banned'],
      ['Connect from host', 'udp', 'already-banned'],
    ],
  );
});

test('SCAN_TRIGGER 0 and 1 act on the first hit', () => {
  for (const scanTrigger of [0, 1]) {
    const evs = feed(makeDetector({ scanTrigger }), [{ src: '198.51.100.7', dport: 5 }]);
    assert.equal(evs[0].verdict, 'banned', `trigger ${scanTrigger}`);
  }
});

test('SCAN_TRIGGER 3 acts on the third hit from a source, any port or protocol, repeats counted', () => {
  const evs = feed(makeDetector({ scanTrigger: 3 }), [
    { src: '198.51.100.7', dport: 5 },
    { src: '198.51.100.8', dport: 5 },
    { src: '198.51.100.7', dport: 5 },
    { src: '198.51.100.7', proto: 'udp', dport: 9 },
    { src: '198.51.100.8', dport: 6 },
  ]);
  assert.deepEqual(
    evs.map((e) => [e.detection.address, e.verdict, e.hits]),
    [
      ['198.51.100.7', 'below-trigger', 1],
      ['198.51.100.8', 'below-trigger', 1],
      ['198.51.100.7', 'below-trigger', 2],
      ['198.51.100.7', 'banned', 3],
      ['198.51.100.8', 'below-trigger', 2],
    ],
  );
  assert.equal(evs[3].detection.protocol, 'udp');
});

test('hits never expire: a trigger reached hours later still bans', () => {
  const hour = 3600 * 1_000_000;
  const evs = feed(makeDetector({ scanTrigger: 2 }), [
    { src: '198.51.100.7', dport: 5, ts: 0 },
    { src: '198.51.100.7', dport: 6, ts: 48 * hour },
  ]);
  assert.equal(evs[1].verdict, 'banned');
});

test('the ignore list silences IPv4 and IPv6 prefixes, host bits masked', () => {
  const d = makeDetector({}, { ignore: ignoreEntries('10.0.0.5/8', '2001:db8:66::/48', '127.0.0.1/32', '0.0.0.0') });
  const evs = feed(d, [
    { src: '10.200.3.4', dport: 5 },
    { src: '2001:db8:66::1', dport: 5 },
    { src: '11.0.0.1', dport: 5 },
    { src: '2001:db8:67::1', dport: 5 },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['ignored', 'ignored', 'banned', 'banned'],
  );
  assert.match(evs[0].reason ?? '', /10\.0\.0\.5\/8.*test\.ignore:1/);
  assert.equal(evs[0].hits, 0);
});

test('never-ban: loopback and the protected host itself are reported, never banned', () => {
  const d = makeDetector({}, { isProtected: () => true });
  const evs = feed(d, [
    { src: '127.0.0.1', dst: '127.0.0.1', dport: 5 },
    { src: '::1', dst: '::1', dport: 5 },
    { src: HOST, dst: '192.0.2.11', dport: 5 },
    { src: '192.0.2.99', dst: '192.0.2.99', dport: 5 },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['never-ban', 'never-ban', 'never-ban', 'never-ban'],
  );
  assert.match(evs[0].reason ?? '', /loopback/);
  assert.match(evs[2].reason ?? '', /own address/);
  assert.equal(d.bannedAddresses().length, 0);
});

test('packets not addressed to the protected host are not judged', () => {
  const evs = feed(makeDetector(), [
    { src: '192.0.2.66', dst: '192.0.2.255', proto: 'udp', dport: 131 },
    { src: '192.0.2.66', dst: '192.0.2.11', dport: 5 },
    { src: '2001:db8::66', dst: '2001:db8::11', dport: 5 },
  ]);
  assert.equal(evs.length, 0);
});

test('IPv6 scans are detected and banned under the canonical address', () => {
  const evs = feed(makeDetector(), [
    { src: '2001:DB8:0:0::66', dport: 23, flags: TCP_FIN },
    { src: '2001:db8::66', dport: 24, flags: TCP_FIN },
  ]);
  assert.equal(evs[0].verdict, 'banned');
  assert.equal(evs[0].detection.address, '2001:db8::66');
  assert.equal(evs[0].detection.family, 6);
  assert.equal(evs[1].verdict, 'already-banned');
});

test('markBanned seeds bans (their hits are already-banned) and forget clears them', () => {
  const d = makeDetector();
  assert.ok(d.markBanned('198.51.100.20'));
  assert.ok(d.markBanned('2001:db8::20'));
  assert.equal(d.markBanned('not-an-address'), false);
  assert.equal(d.process(makePacket({ src: '198.51.100.20', dport: 5 }))?.verdict, 'already-banned');
  assert.equal(d.process(makePacket({ src: '2001:db8::20', dport: 5 }))?.verdict, 'already-banned');
  assert.ok(d.forget('198.51.100.20'));
  assert.equal(d.isBanned('198.51.100.20'), false);
  assert.equal(d.process(makePacket({ src: '198.51.100.20', dport: 5 }))?.verdict, 'banned');
  assert.deepEqual(d.bannedAddresses(), ['198.51.100.20', '2001:db8::20']);
});

test('BLOCK_TCP 0 bans nothing; BLOCK_UDP 1 still bans UDP scanners', () => {
  const d = makeDetector({ blockTcp: 0 });
  const evs = feed(d, [
    { src: '198.51.100.7', dport: 5 },
    { src: '198.51.100.7', proto: 'udp', dport: 9 },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['logged', 'banned'],
  );
  assert.deepEqual(d.bannedAddresses(), ['198.51.100.7']);
});

test('BLOCK_TCP 0: as in PortSentry 1.2, the host is listed after its first alert and later TCP hits are already blocked', () => {
  // 1.2's DisposeTCP returns success for BLOCK_TCP="0", so WriteBlocked adds the host to the TCP blocked file.
  const d = makeDetector({ blockTcp: 0, blockUdp: 0 });
  const evs = feed(d, [
    { src: '198.51.100.7', dport: 5 },
    { src: '198.51.100.7', dport: 6 },
    { src: '198.51.100.7', proto: 'udp', dport: 9 },
    { src: '198.51.100.7', proto: 'udp', dport: 10 },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['logged', 'already-banned', 'logged', 'already-banned'],
  );
  assert.deepEqual(d.bannedAddresses(), []);
  assert.ok(d.forget('198.51.100.7'));
  assert.equal(d.process(makePacket({ src: '198.51.100.7', dport: 5 }))?.verdict, 'logged');
});

test('BLOCK_TCP 2 is a response too: later hits are already-banned', () => {
  const evs = feed(makeDetector({ blockTcp: 2 }), [
    { src: '198.51.100.7', dport: 5 },
    { src: '198.51.100.7', dport: 6 },
  ]);
  assert.deepEqual(
    evs.map((e) => e.verdict),
    ['banned', 'already-banned'],
  );
});

test('each TCP flag combination gets PortSentry’s scan-type name', () => {
  const d = makeDetector({ blockTcp: 0 });
  const name = (flags: number) => d.process(makePacket({ src: '198.51.100.30', dport: 5, flags }))?.detection.scanType;
  assert.equal(name(0), 'TCP NULL scan');
  assert.equal(name(TCP_FIN | TCP_URG | TCP_PSH), 'TCP XMAS scan');
  assert.equal(name(TCP_FIN), 'TCP FIN scan');
  assert.equal(name(TCP_SYN), 'TCP SYN/Normal scan');
  assert.equal(name(TCP_SYN | TCP_FIN), 'Unknown Type: TCP Packet Flags: SYN: 1 FIN: 1 ACK: 0 PSH: 0 URG: 0 RST: 0');
  assert.equal(name(TCP_PSH | TCP_URG), 'Unknown Type: TCP Packet Flags: SYN: 0 FIN: 0 ACK: 0 PSH: 1 URG: 1 RST: 0');
  // ECE/CWR are not looked at: a SYN with ECN bits is still a SYN scan.
  assert.equal(name(TCP_SYN | 0xc0), 'TCP SYN/Normal scan');
});

test('ICMP and other protocols are never hits', () => {
  assert.equal(makeDetector().process(makePacket({ src: '198.51.100.1', proto: 'icmp', dport: 0 })), undefined);
});

test('the same packets always give the same events', () => {
  const specs: PacketSpec[] = [];
  for (let i = 0; i < 200; i++) {
    specs.push({ src: `198.51.100.${i % 7}`, dport: (i * 37) % 1100, flags: i % 3 === 0 ? TCP_FIN : TCP_SYN, ts: i });
    specs.push({ src: `2001:db8::${i % 5}`, proto: 'udp', dport: (i * 13) % 1100, ts: i });
  }
  const a = JSON.stringify(feed(makeDetector({ scanTrigger: 3 }), specs));
  const b = JSON.stringify(feed(makeDetector({ scanTrigger: 3 }), specs));
  assert.equal(a, b);
  assert.ok(a.length > 100);
});

test('reuseEvents hands out one object, and its contents equal the fresh events hit for hit', () => {
  const rnd = prng(11);
  const sources = ['198.51.100.7', '198.51.100.8', '127.0.0.1', HOST, '10.9.9.9', '2001:db8::66', '2001:db8::10'];
  const specs: PacketSpec[] = [];
  for (let i = 0; i < 3000; i++) {
    const src = sources[Math.floor(rnd() * sources.length)];
    const proto = rnd() < 0.3 ? 'udp' : 'tcp';
    const flags = [TCP_SYN, TCP_FIN, 0, TCP_ACK, TCP_FIN | TCP_PSH | TCP_URG][Math.floor(rnd() * 5)];
    specs.push({ src, proto, dport: 1 + Math.floor(rnd() * 1100), flags, ts: 1_700_000_000_000_000 + i * 1000 });
  }
  const over = { scanTrigger: 2, blockUdp: 0 as const };
  const ignore = ignoreEntries('10.0.0.0/8');
  const fresh = feed(makeDetector(over, { ignore }), specs);
  const reused = makeDetector(over, { ignore, reuseEvents: true });
  const copies: DetectorEvent[] = [];
  let first: DetectorEvent | undefined;
  for (const s of specs) {
    const ev = reused.process(makePacket(s));
    if (!ev) continue;
    first ??= ev;
    assert.equal(ev, first, 'the same object every time');
    const copy: DetectorEvent = { ...ev, detection: { ...ev.detection } };
    if (copy.reason === undefined) delete copy.reason;
    copies.push(copy);
  }
  assert.ok(fresh.length > 1000);
  assert.deepEqual(
    new Set(fresh.map((e) => e.verdict)),
    new Set(['banned', 'already-banned', 'below-trigger', 'ignored', 'never-ban', 'logged']),
  );
  assert.deepEqual(copies, fresh);
});

test('with limits, a random-source flood keeps at most maxSources, evicting the least recently seen', () => {
  const d = makeDetector({ scanTrigger: 3 }, { limits: { maxSources: 100, idleMicros: 3_600_000_000 } });
  const t0 = 1_700_000_000_000_000;
  // A scanner's first hit, then 1,000 spoofed sources with the scanner probing again in between.
  feed(d, [{ src: '192.0.2.66', dport: 1, ts: t0 }]);
  for (let i = 0; i < 1000; i++) {
    const ts = t0 + (i + 1) * 500;
    feed(d, [{ src: `10.0.${i >> 8}.${i & 255}`, dport: 11, ts }]);
    if (i % 50 === 0) feed(d, [{ src: '192.0.2.66', dport: 1, ts }]);
    assert.ok(d.sourceCount <= 100, `holds ${d.sourceCount}`);
  }
  // The scanner, seen all along, kept its count: its next hit is its 22nd, long past SCAN_TRIGGER.
  const [ev] = feed(d, [{ src: '192.0.2.66', dport: 11, ts: t0 + 600_000 }]);
  assert.equal(ev.hits, 22);
  // An early spoofed source was evicted: it starts from zero.
  const [early] = feed(d, [{ src: '10.0.0.1', dport: 11, ts: t0 + 600_001 }]);
  assert.equal(early.hits, 1);
});

test('with limits, a source idle longer than idleMicros (packet time) starts again from zero', () => {
  const d = makeDetector({ scanTrigger: 5 }, { limits: { maxSources: 1000, idleMicros: 60_000_000 } });
  const t0 = 1_700_000_000_000_000;
  feed(d, [
    { src: '192.0.2.66', dport: 1, ts: t0 },
    { src: '192.0.2.66', dport: 11, ts: t0 + 1 },
  ]);
  // Two minutes of packet time later a new source arrives: the idle one has expired.
  feed(d, [{ src: '192.0.2.67', dport: 1, ts: t0 + 120_000_000 }]);
  assert.equal(d.sourceCount, 1);
  const [ev] = feed(d, [{ src: '192.0.2.66', dport: 15, ts: t0 + 120_000_001 }]);
  assert.equal(ev.hits, 1);
});
