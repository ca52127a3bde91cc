// The bulk element encoder must produce exactly the bytes of the per-element encoder (which matches nft's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targetOf } from '../../src/firewall/targets.js';
import { NFPROTO_INET, NFT_MSG_NEWSETELEM, NFT_MSG_DESTROYSETELEM, NLM_F_CREATE } from '../../src/netlink/constants.js';
import {
  buildPackedElementMessages,
  buildSetElementMessages,
  encodeElement,
  ipv4Keys,
  slicePacked,
  type SetElement,
} from '../../src/netlink/nftables/setelem.js';
import { packTargets } from '../../src/firewall/nftables/backend.js';
import { TargetList } from '../../src/net/targets.js';
import { prefixEnd } from '../../src/firewall/targets.js';
import { attr, be32Attr, be64Attr, nested } from '../../src/netlink/attributes.js';
import {
  NFTA_DATA_VALUE,
  NFTA_LIST_ELEM,
  NFTA_SET_ELEM_FLAGS,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_TIMEOUT,
  NFT_SET_ELEM_INTERVAL_END,
} from '../../src/netlink/constants.js';
import { prng } from '../helpers/prng.js';

const ref = { family: NFPROTO_INET, table: 'portsentinel', set: 'banned4' };

function bytesOf(msgs: Array<{ attrs: Buffer[] }>): Buffer[] {
  return msgs.map((m) => Buffer.concat(m.attrs));
}

test('packed IPv4 and IPv6 elements encode byte for byte like encodeElement, across message splits', () => {
  for (const keyLen of [4, 16] as const) {
    const count = 5000;
    const keys = new Uint8Array(count * keyLen);
    const timeoutsMs = new Float64Array(count);
    const elements: SetElement[] = [];
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < keyLen; k++) keys[i * keyLen + k] = (i * 7 + k * 13) & 0xff;
      // Mixed: permanent, short, and beyond 2^32 ms (the high word matters).
      timeoutsMs[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? 3_600_000 : 5_000_000_000 + i;
      elements.push({ key: keys.slice(i * keyLen, (i + 1) * keyLen), timeoutMs: timeoutsMs[i] || undefined });
    }
    for (const withTimeout of [true, false]) {
      const op = withTimeout ? NFT_MSG_NEWSETELEM : NFT_MSG_DESTROYSETELEM;
      const flags = withTimeout ? NLM_F_CREATE : 0;
      const packed = buildPackedElementMessages(ref, op, flags, { keyLen, count, keys, timeoutsMs }, withTimeout);
      const plain = buildSetElementMessages(
        ref,
        op,
        flags,
        elements.map((e) => encodeElement(e, withTimeout)),
      );
      assert.ok(plain.length > 1);
      assert.equal(packed.length, plain.length);
      assert.deepEqual(bytesOf(packed), bytesOf(plain));
      assert.deepEqual(
        packed.map((m) => [m.type, m.flags, m.family]),
        plain.map((m) => [m.type, m.flags, m.family]),
      );
    }
  }
});

test('runs of one timeout (copied element by element) encode like encodeElement, across message splits', () => {
  for (const keyLen of [4, 16] as const) {
    const count = 7000;
    const keys = new Uint8Array(count * keyLen);
    const timeoutsMs = new Float64Array(count);
    const elements: SetElement[] = [];
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < keyLen; k++) keys[i * keyLen + k] = (i * 11 + k * 5) & 0xff;
      // Long runs of one timeout, broken by a few different ones and a permanent stretch.
      timeoutsMs[i] = i < 3000 ? 3_600_000 : i < 3003 ? 60_000 + i : i < 4000 ? 0 : 5_000_000_000;
      elements.push({ key: keys.slice(i * keyLen, (i + 1) * keyLen), timeoutMs: timeoutsMs[i] || undefined });
    }
    const packed = buildPackedElementMessages(ref, NFT_MSG_NEWSETELEM, NLM_F_CREATE, {
      keyLen,
      count,
      keys,
      timeoutsMs,
    });
    const plain = buildSetElementMessages(
      ref,
      NFT_MSG_NEWSETELEM,
      NLM_F_CREATE,
      elements.map((e) => encodeElement(e)),
    );
    assert.ok(plain.length > 2);
    assert.deepEqual(bytesOf(packed), bytesOf(plain));
  }
});

test('per-target timeouts: addresses packed from the uint32s, IPv6 in its own set, IPv4 prefixes as packed intervals', () => {
  const list = TargetList.from(['192.0.2.1', '192.0.2.2', '2001:db8::1', '198.51.100.0/24'].map((t) => targetOf(t)));
  const { singles, nets4, units } = packTargets(list, Uint32Array.of(60, 0, 1, 60));
  const v4 = singles.filter((s) => s.set === 'banned4' && s.packed.count > 0);
  assert.equal(v4.length, 1);
  assert.deepEqual([...v4[0].packed.keys], [192, 0, 2, 1, 192, 0, 2, 2]);
  assert.deepEqual([...v4[0].packed.timeoutsMs!], [60_000, 0]);
  const v6 = singles.find((s) => s.set === 'banned6')!.packed;
  assert.equal(v6.count, 1);
  assert.equal(v6.keys[15], 1);
  assert.equal(v6.timeoutsMs![0], 1000);
  assert.deepEqual(units, []);
  assert.deepEqual(
    [nets4!.count, [...nets4!.starts], [...nets4!.lengths], [...nets4!.timeoutsMs!]],
    [1, [0xc6336400], [24], [60_000]],
  );
  assert.throws(() => packTargets(list, -1), { name: 'InputError' });
  assert.throws(() => packTargets(list, Uint32Array.of(1, 2, 3)), RangeError);
});

test('one shared timeout (nests copied from a template) encodes like encodeElement, at and across nest limits', () => {
  for (const keyLen of [4, 16] as const) {
    const perNest = Math.floor(65_000 / (12 + keyLen + 12));
    for (const count of [1, 2, perNest - 1, perNest, perNest + 1, 2 * perNest + 3]) {
      const keys = new Uint8Array(count * keyLen);
      for (let i = 0; i < keys.length; i++) keys[i] = (i * 29 + (i >> 7)) & 0xff;
      for (const timeoutMs of [0, 60_000, 5_000_000_007]) {
        for (const withTimeout of [true, false]) {
          const elements: SetElement[] = [];
          for (let i = 0; i < count; i++) {
            elements.push({ key: keys.slice(i * keyLen, (i + 1) * keyLen), timeoutMs: timeoutMs || undefined });
          }
          const packed = buildPackedElementMessages(
            ref,
            NFT_MSG_NEWSETELEM,
            NLM_F_CREATE,
            {
              keyLen,
              count,
              keys,
              timeoutMs,
            },
            withTimeout,
          );
          const plain = buildSetElementMessages(
            ref,
            NFT_MSG_NEWSETELEM,
            NLM_F_CREATE,
            elements.map((e) => encodeElement(e, withTimeout)),
          );
          assert.equal(packed.length, plain.length, `${keyLen} ${count} ${timeoutMs}`);
          assert.deepEqual(bytesOf(packed), bytesOf(plain), `${keyLen} ${count} ${timeoutMs} ${withTimeout}`);
        }
      }
    }
  }
});

test('a slice of packed elements encodes like the same elements packed on their own', () => {
  const count = 3000;
  const keys = new Uint8Array(count * 4).map((_, i) => (i * 13) & 0xff);
  const timeoutsMs = new Float64Array(count).map((_, i) => (i % 5 === 0 ? 0 : 1000 * i));
  const whole = { keyLen: 4 as const, count, keys, timeoutsMs };
  const part = slicePacked(whole, 1000, 1200);
  const alone = {
    keyLen: 4 as const,
    count: 1200,
    keys: keys.slice(4000, 8800),
    timeoutsMs: timeoutsMs.slice(1000, 2200),
  };
  assert.deepEqual(
    bytesOf(buildPackedElementMessages(ref, NFT_MSG_NEWSETELEM, NLM_F_CREATE, part)),
    bytesOf(buildPackedElementMessages(ref, NFT_MSG_NEWSETELEM, NLM_F_CREATE, alone)),
  );
});

test('IPv4 keys from uint32s are the addresses in network byte order', () => {
  const values = Uint32Array.of(0xc0000201, 0, 0xffffffff, 0x0a000001);
  assert.deepEqual([...ipv4Keys(values)], [192, 0, 2, 1, 0, 0, 0, 0, 255, 255, 255, 255, 10, 0, 0, 1]);
  assert.deepEqual([...values], [0xc0000201, 0, 0xffffffff, 0x0a000001], 'the input is left as it was');
});

test('one timeout for all packs the IPv4 addresses as they are, and names the first target of a bad timeout', () => {
  const v4 = Uint32Array.of(0xc0000201, 0xc0000202);
  const others = [targetOf('2001:db8::1'), targetOf('198.51.100.0/24')];
  const { singles, units } = packTargets(new TargetList(v4, others, [0, 2]), 60);
  const packed4 = singles.filter((s) => s.set === 'banned4' && s.packed.count > 0);
  assert.equal(packed4.length, 1);
  assert.deepEqual([...packed4[0].packed.keys], [192, 0, 2, 1, 192, 0, 2, 2]);
  assert.equal(packed4[0].packed.timeoutMs, 60_000);
  assert.equal(singles.find((s) => s.set === 'banned6')!.packed.count, 1);
  assert.deepEqual(
    units.map((u) => u.target),
    ['198.51.100.0/24'],
  );
  assert.throws(() => packTargets(new TargetList(v4, others, [0, 2]), 2 ** 40), /Ban timeout for 2001:db8::1 /);
  assert.throws(() => packTargets(new TargetList(v4, others, [1, 2]), -1), /Ban timeout for 192\.0\.2\.1 /);
});

/** The element nest built attribute by attribute with the helpers of attributes.ts, as nft lays it out. */
function elementByParts(e: SetElement, withTimeout: boolean): Buffer {
  const parts: Buffer[] = [];
  if (e.intervalEnd) parts.push(be32Attr(NFTA_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END));
  if (withTimeout && e.timeoutMs) parts.push(be64Attr(NFTA_SET_ELEM_TIMEOUT, BigInt(Math.round(e.timeoutMs))));
  parts.push(nested(NFTA_SET_ELEM_KEY, [attr(NFTA_DATA_VALUE, e.key)]));
  return nested(NFTA_LIST_ELEM, parts);
}

test('encodeElement writes the bytes of the element built attribute by attribute', () => {
  const rnd = prng(23);
  const timeouts = [undefined, 0, 1, 999, 3_600_000, 2 ** 32 * 1000, 2 ** 40 + 7];
  for (let n = 0; n < 5_000; n++) {
    const key = new Uint8Array(rnd() < 0.5 ? 4 : 16).map(() => Math.floor(rnd() * 256));
    const e: SetElement = { key, timeoutMs: timeouts[Math.floor(rnd() * timeouts.length)] };
    if (rnd() < 0.5) e.intervalEnd = true;
    for (const withTimeout of [true, false]) {
      assert.deepEqual(encodeElement(e, withTimeout), elementByParts(e, withTimeout), JSON.stringify(e));
    }
  }
});

test('prefixEnd for IPv4 agrees with the same sum in big integers, up to the top of the address space', () => {
  const rnd = prng(29);
  for (let n = 0; n < 20_000; n++) {
    const length = Math.floor(rnd() * 33);
    const start = Math.floor(rnd() * 2 ** 32);
    const masked = length === 0 ? 0 : Number(BigInt(start) & (((1n << BigInt(length)) - 1n) << BigInt(32 - length)));
    const bytes = Uint8Array.of(masked >>> 24, (masked >>> 16) & 255, (masked >>> 8) & 255, masked & 255);
    const next = BigInt(masked) + (1n << BigInt(32 - length));
    const expected =
      next >= 1n << 32n ? undefined : Uint8Array.of(...[24n, 16n, 8n, 0n].map((s) => Number((next >> s) & 255n)));
    assert.deepEqual(prefixEnd(bytes, length), expected, `${[...bytes].join('.')}/${length}`);
  }
  assert.equal(prefixEnd(Uint8Array.of(255, 255, 255, 0), 24), undefined);
  assert.equal(prefixEnd(Uint8Array.of(0, 0, 0, 0), 0), undefined);
});
