// IPv4 networks travel packed (address and prefix length in typed arrays) from the ban file to the kernel batch:
// their interval elements must be byte for byte those of the per-prefix units (which match nft's), across message
// splits, for every prefix length, for networks reaching the top of the address space, with one timeout or one
// each; and the never-ban check on the packed arrays must refuse exactly what the per-prefix check refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NFPROTO_INET, NFT_MSG_DESTROYSETELEM, NFT_MSG_NEWSETELEM, NLM_F_CREATE } from '../../src/netlink/constants.js';
import {
  buildPackedElementMessages,
  buildPackedIntervalMessages,
  buildSetElementMessages,
  encodeElement,
  encodeElements,
  sliceIntervals,
} from '../../src/netlink/nftables/setelem.js';
import { packTargets, toUnit } from '../../src/firewall/nftables/backend.js';
import { parseTargetArgs, parseTargetBytes } from '../../src/bans/targets.js';
import { prefixOf, TargetList, type Target } from '../../src/net/targets.js';
import { buildNeverBanMatcher } from '../../src/firewall/never-ban.js';
import { parsePrefix, type Prefix } from '../../src/net/address.js';
import { prng } from '../helpers/prng.js';

const net4 = { family: NFPROTO_INET, table: 'portsentinel', set: 'bannednet4' };
const set4 = { family: NFPROTO_INET, table: 'portsentinel', set: 'banned4' };
const bytesOf = (msgs: Array<{ attrs: Buffer[] }>): Buffer[] => msgs.map((m) => Buffer.concat(m.attrs));
const quad = (v: number): string => `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;

/** A canonical IPv4 network of `length` bits at a random place. */
function network(rand: () => number, length: number): string {
  const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
  return `${quad((Math.floor(rand() * 2 ** 32) & mask) >>> 0)}/${length}`;
}

/** Networks of every length, the edges of the address space, adjacent pairs, and addresses among them. */
function mixedTargets(rand: () => number, count: number): string[] {
  const edges = ['0.0.0.0/0', '128.0.0.0/1', '255.0.0.0/8', '255.255.255.254/31', '0.0.0.0/31', '10.0.0.0/24'];
  const out = [...edges, '10.0.1.0/24', '10.0.2.0/23', '255.255.255.255', '0.0.0.0'];
  while (out.length < count) {
    const r = rand();
    out.push(r < 0.2 ? quad(Math.floor(rand() * 2 ** 32)) : network(rand, 1 + Math.floor(rand() * 31)));
  }
  return out;
}

/** The messages of the old per-prefix path: one unit (start and end element) per network. */
function unitMessages(targets: Target[], timeoutAt: (i: number) => number, op: number, withTimeout: boolean) {
  const encoded = targets.map((t, i) => encodeElements(toUnit(t, timeoutAt(i)).elements, withTimeout));
  return buildSetElementMessages(net4, op, withTimeout ? NLM_F_CREATE : 0, encoded);
}

test('packed intervals encode like the per-prefix units, for one timeout and across message splits', () => {
  const rand = prng(0x1417);
  const targets = parseTargetArgs(mixedTargets(rand, 4000));
  const list = TargetList.from(targets);
  assert.ok(list.v4len, 'the networks are packed beside the addresses');
  assert.equal(list.others.length, 0);
  const nets = targets.filter((t) => t.isPrefix);
  for (const seconds of [0, 60, 5_000_007]) {
    const { nets4, units } = packTargets(list, seconds);
    assert.deepEqual(units, []);
    assert.equal(nets4!.count, nets.length);
    for (const withTimeout of [true, false]) {
      const op = withTimeout ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM;
      const want = unitMessages(nets, () => seconds, op, withTimeout);
      const got = buildPackedIntervalMessages(net4, op, withTimeout ? NLM_F_CREATE : 0, nets4!, withTimeout);
      assert.ok(want.length > 1, 'more than one message');
      assert.deepEqual(bytesOf(got), bytesOf(want), `${seconds} ${withTimeout}`);
      assert.deepEqual(
        got.map((m) => [m.type, m.flags, m.family]),
        want.map((m) => [m.type, m.flags, m.family]),
      );
    }
  }
});

test('per-target timeouts reach each network and each address at its own list position', () => {
  const rand = prng(0x7e4);
  const args = [...mixedTargets(rand, 3000), '2001:db8::1', '2001:db8::/64', ...mixedTargets(rand, 200)];
  const targets = parseTargetArgs(args);
  const list = TargetList.from(targets);
  const per = Uint32Array.from(list.toArray(), (_, i) => (i % 4 === 0 ? 0 : i % 4 === 1 ? 3600 : 5_000_000 + i));
  const order = list.toArray();
  assert.deepEqual(
    order.map((t) => t.target),
    targets.map((t) => t.target),
  );
  const { singles, nets4, units } = packTargets(list, per);
  const at = (pick: (t: Target) => boolean) => order.flatMap((t, i) => (pick(t) ? [i] : []));
  const netAt = at((t) => t.family === 4 && t.isPrefix);
  const want = unitMessages(
    netAt.map((i) => order[i]),
    (k) => per[netAt[k]],
    NFT_MSG_NEWSETELEM,
    true,
  );
  assert.deepEqual(bytesOf(buildPackedIntervalMessages(net4, NFT_MSG_NEWSETELEM, NLM_F_CREATE, nets4!)), bytesOf(want));
  const addrAt = at((t) => t.family === 4 && !t.isPrefix);
  const packed4 = singles.find((s) => s.set === 'banned4' && s.packed.count > 0)!.packed;
  const plain4 = buildSetElementMessages(
    set4,
    NFT_MSG_NEWSETELEM,
    NLM_F_CREATE,
    addrAt.map((i) => encodeElement({ key: prefixOf(order[i]).bytes, timeoutMs: per[i] * 1000 })),
  );
  assert.deepEqual(
    bytesOf(buildPackedElementMessages(set4, NFT_MSG_NEWSETELEM, NLM_F_CREATE, packed4)),
    bytesOf(plain4),
  );
  assert.deepEqual(
    units.map((u) => u.target),
    ['2001:db8::/64'],
  );
});

test('a slice of packed intervals encodes like the same networks packed on their own', () => {
  const rand = prng(0x511ce);
  const list = TargetList.from(parseTargetArgs(Array.from({ length: 3000 }, () => network(rand, 24))));
  const whole = packTargets(list, 60).nets4!;
  const alone = packTargets(list.sliceV4(1000, 2200), 60).nets4!;
  assert.deepEqual(
    bytesOf(buildPackedIntervalMessages(net4, NFT_MSG_NEWSETELEM, NLM_F_CREATE, sliceIntervals(whole, 1000, 1200))),
    bytesOf(buildPackedIntervalMessages(net4, NFT_MSG_NEWSETELEM, NLM_F_CREATE, alone)),
  );
});

test('a file of networks is read into the packed arrays, sorted or not, repeats dropped', () => {
  const rand = prng(0xf11e);
  const lines = mixedTargets(rand, 2000);
  const shuffled = [...lines, ...lines.slice(0, 300), '10.0.0.0', '10.0.0.0/8', '10.0.0.0/32', '10.0.0.0/8'];
  const want = parseTargetArgs(shuffled).map((t) => t.target);
  const list = parseTargetBytes(Buffer.from(shuffled.join('\n') + '\n'), 'f');
  assert.deepEqual(list.texts(), want);
  const sorted = Array.from(
    { length: 5000 },
    (_, i) => `172.${16 + ((i * 2) >> 16)}.${((i * 2) >> 8) & 255}.${(i * 2) & 255}/31`,
  );
  const fromSorted = parseTargetBytes(Buffer.from(sorted.join('\n')), 'f');
  assert.deepEqual(fromSorted.texts(), sorted);
  assert.deepEqual([...new Set(fromSorted.v4len)], [31]);
  assert.equal(parseTargetBytes(Buffer.from('10.0.0.1\n10.0.0.2/32\n'), 'f').v4len, undefined, 'no networks');
});

const p = (text: string): Prefix => {
  const r = parsePrefix(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

test('the never-ban check on packed networks refuses exactly what the per-prefix check refuses', () => {
  const matcher = buildNeverBanMatcher({
    hosts: [
      { address: '192.0.2.10', family: 4, bytes: p('192.0.2.10').bytes, why: "this host's own address (v0)" },
      { address: '10.1.2.3', family: 4, bytes: p('10.1.2.3').bytes, why: 'a nameserver (/etc/resolv.conf line 3)' },
      { address: 'fe80::1', family: 6, bytes: p('fe80::1').bytes, why: "this host's default gateway (eth0)" },
    ],
    ignore: [
      { prefix: p('198.51.100.0/24'), file: 'ignore', line: 3, text: '198.51.100.0/24' },
      { prefix: p('10.9.0.0/16'), file: 'ignore', line: 4, text: '10.9.0.0/16' },
      { prefix: p('2001:db8:1::7'), file: 'ignore', line: 5, text: '2001:db8:1::7' },
    ],
  });
  const rand = prng(0xb0a7);
  const near = ['192.0.2.10', '10.1.2.3', '198.51.100.77', '10.9.3.4', '127.0.0.1', '0.0.0.0', '127.1.0.0'];
  const args: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    const length = Math.floor(rand() * 33);
    const base = rand() < 0.5 ? p(near[Math.floor(rand() * near.length)]).bytes : undefined;
    const v = base ? ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0 : rand() * 2 ** 32;
    const mask = length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
    const start = (v & mask) >>> 0;
    args.push(length === 32 ? quad(start) : `${quad(start)}/${length}`);
  }
  const list = TargetList.from(parseTargetArgs(args));
  const want: number[] = [];
  list.toArray().forEach((t, i) => {
    if (matcher.refusal(prefixOf(t), t.target) !== undefined) want.push(i);
  });
  assert.ok(want.length > 100 && want.length < list.length - 100, `${want.length} refused`);
  assert.deepEqual(matcher.refusedAt4!(list.v4, list.v4len), want);
});
