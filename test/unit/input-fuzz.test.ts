// The smaller parsers fed random and mutated input, reproducibly (seeded): the ban-file reader, the journal,
// /proc/net and /proc/net/route text, resolv.conf, NFLOG datagrams and netlink replies. Each either returns a
// well-formed result or fails the documented way — never another exception.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetText } from '../../src/bans/targets.js';
import { InputError } from '../../src/errors.js';
import { parseJournal } from '../../src/state/journal.js';
import { parseProcNetPorts } from '../../src/capture/proc-net.js';
import { parseIPv4Routes, parseIPv6Routes, parseResolvConf } from '../../src/firewall/never-ban.js';
import { parseDatagram } from '../../src/capture/nflog-wire.js';
import { parseAttributes } from '../../src/netlink/attributes.js';
import { parseMessages } from '../../src/netlink/message.js';
import { prng } from '../helpers/prng.js';

const ITERATIONS = Number(process.env.INPUT_FUZZ_ITERATIONS ?? 3000);

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

/** Text mutations: insert, delete, duplicate or replace a run, with characters that matter to these formats. */
function mutateText(rand: Rand, seed: string): string {
  const alphabet = ['.', ':', '/', '#', ' ', '\n', '\t', '0', '9', 'f', 'x', '{', '"', ',', '-', '\u0000', 'é'];
  let s = seed;
  for (let n = 1 + Math.floor(rand() * 6); n > 0; n--) {
    const at = Math.floor(rand() * (s.length + 1));
    const op = rand();
    if (op < 0.35) s = s.slice(0, at) + pick(rand, alphabet) + s.slice(at);
    else if (op < 0.6) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 8));
    else if (op < 0.8) s = s.slice(0, at) + s.slice(at, at + 16) + s.slice(at);
    else s = s.slice(0, at) + String.fromCharCode(Math.floor(rand() * 0x250)) + s.slice(at + 1);
  }
  return s;
}

function mutateBytes(rand: Rand, seed: Buffer): Buffer {
  const b = Buffer.from(seed);
  for (let n = 1 + Math.floor(rand() * 8); n > 0; n--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
  const cut = rand() < 0.3 ? Math.floor(rand() * b.length) : b.length;
  return b.subarray(0, cut);
}

test('ban --file text: targets or one InputError naming the file', () => {
  const rand = prng(0xba4);
  const seed = '192.0.2.66\n# a comment\n2001:db8::/64\n198.51.100.0/24 # trailing\n\n10.0.0.1\n';
  for (let i = 0; i < ITERATIONS; i++) {
    const text = mutateText(rand, seed);
    try {
      const targets = parseTargetText(text, 'bans.txt');
      for (const t of targets) assert.ok(t.family === 4 || t.family === 6, JSON.stringify(t));
    } catch (err) {
      assert.ok(err instanceof InputError, `${(err as Error).stack}\ninput: ${JSON.stringify(text)}`);
      assert.match(err.message, /bans\.txt/);
    }
  }
});

test('journal text: never throws; a damaged line is skipped, not fatal', () => {
  const rand = prng(0x10a);
  const seed =
    '{"op":"ban","target":"192.0.2.66","family":4,"at":1795599431000,"until":1795603031000,"origin":"manual"}\n' +
    '{"op":"ban","targets":["192.0.2.1","192.0.2.2"],"family":4,"at":1795599431000,"origin":"watch"}\n' +
    '{"op":"unban","target":"192.0.2.66","family":4,"at":1795599432000,"origin":"manual"}\n';
  for (let i = 0; i < ITERATIONS; i++) {
    const read = parseJournal(mutateText(rand, seed));
    assert.ok(Array.isArray(read.records));
  }
});

test('/proc/net, routes and resolv.conf text: never throw, ports stay in range', () => {
  const rand = prng(0x9c);
  const tcp =
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
    '   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0\n' +
    '   1: 0100007F:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0\n';
  const route =
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
    'eth0\t00000000\t0102000A\t0003\t0\t0\t0\t00000000\t0\t0\t0\n';
  const route6 =
    '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n';
  const resolv = 'nameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch example\n';
  for (let i = 0; i < ITERATIONS; i++) {
    for (const p of parseProcNetPorts(mutateText(rand, tcp), 'tcp')) assert.ok(p >= 0 && p <= 65535);
    parseIPv4Routes(mutateText(rand, route));
    parseIPv6Routes(mutateText(rand, route6));
    parseResolvConf(mutateText(rand, resolv));
  }
});

test('netlink replies: NFLOG datagrams never throw; message and attribute parsers throw only RangeError', () => {
  const rand = prng(0x4e1);
  // One NFULNL_MSG_PACKET (type 0x0400) with a hardware header, a timestamp, an ifindex and a 20-byte payload,
  // then an NLMSG_ERROR ack.
  const attrs = Buffer.concat([
    Buffer.from('0800010008000003', 'hex'),
    Buffer.from('1400030000000000691f5b800000000000012345', 'hex'),
    Buffer.from('0800040000000002', 'hex'),
    Buffer.from('1800090045000014000000004006000001020304c0000201', 'hex'),
  ]);
  const nfgen = Buffer.from('02000001', 'hex');
  const len = 16 + nfgen.length + attrs.length;
  const hdr = Buffer.alloc(16);
  hdr.writeUInt32LE(len, 0);
  hdr.writeUInt16LE(0x0400, 4);
  const ack = Buffer.alloc(36);
  ack.writeUInt32LE(36, 0);
  ack.writeUInt16LE(2, 4);
  const seed = Buffer.concat([hdr, nfgen, attrs, ack]);
  let packets = 0;
  assert.equal(
    parseDatagram(
      seed,
      () => packets++,
      () => undefined,
    ),
    0,
  );
  assert.equal(packets, 1, 'the seed datagram itself parses');
  for (let i = 0; i < ITERATIONS; i++) {
    const b = mutateBytes(rand, seed);
    const bad = parseDatagram(
      b,
      () => undefined,
      () => undefined,
    );
    assert.ok(Number.isInteger(bad) && bad >= 0);
    for (const parse of [() => parseMessages(b), () => parseAttributes(b, 16 + 4)]) {
      try {
        parse();
      } catch (err) {
        assert.ok(err instanceof RangeError, (err as Error).stack);
      }
    }
  }
});
