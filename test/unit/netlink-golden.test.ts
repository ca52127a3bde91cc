// Our encoder against the bytes nft itself sends (fixtures/netlink/*.hex, recorded by capture.sh with strace).
// Compared message by message with seq numbers zeroed and NLM_F_ACK cleared (we ask for ACKs, nft does not).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeBatch, type NftMessage } from '../../src/netlink/nfnetlink.js';
import { parseMessages } from '../../src/netlink/message.js';
import {
  addSetElements,
  deleteSetElements,
  decodeSetElements,
  type SetRef,
} from '../../src/netlink/nftables/setelem.js';
import { NFPROTO_INET, NLM_F_ACK } from '../../src/netlink/constants.js';
import { toUnit } from '../../src/firewall/nftables/backend.js';
import { targetOf } from '../../src/firewall/targets.js';
import { prefixOf } from '../../src/net/targets.js';

const dir = fileURLToPath(new URL('../../../fixtures/netlink/', import.meta.url));

export function loadFixture(name: string): { command: string; datagrams: Buffer[] } {
  const lines = readFileSync(dir + name + '.hex', 'utf8')
    .trim()
    .split('\n');
  return { command: lines[0].replace(/^# /, ''), datagrams: lines.slice(1).map((l) => Buffer.from(l, 'hex')) };
}

/** Header-normalised copy: seq and portid zeroed, NLM_F_ACK cleared. */
function normalise(datagram: Buffer): string[] {
  return parseMessages(datagram).map((m) => {
    const b = Buffer.alloc(16 + m.payload.length);
    b.writeUInt32LE(b.length, 0);
    b.writeUInt16LE(m.type, 4);
    b.writeUInt16LE(m.flags & ~NLM_F_ACK, 6);
    m.payload.copy(b, 16);
    return b.toString('hex');
  });
}

function ours(messages: NftMessage[]): Buffer {
  return Buffer.concat(encodeBatch(messages).map((m) => m.buf));
}

const ref = (set: string, setId?: number): SetRef => ({ family: NFPROTO_INET, table: 't', set, setId });
const v4 = (...b: number[]) => Uint8Array.from(b);
const v6 = (text: string) => prefixOf(targetOf(text)).bytes;
const HOUR = 3_600_000;

describe('set element encoder matches nft byte for byte', () => {
  const cases: Array<[string, NftMessage[]]> = [
    ['add-timeout-v4', addSetElements(ref('s4', 1), [{ key: v4(192, 0, 2, 1), timeoutMs: HOUR }])],
    ['add-permanent-v4', addSetElements(ref('s4', 1), [{ key: v4(192, 0, 2, 2) }])],
    ['add-timeout-v6', addSetElements(ref('s6', 2), [{ key: v6('2001:db8::1'), timeoutMs: HOUR }])],
    ['delete-v4', deleteSetElements(ref('s4'), [{ key: v4(192, 0, 2, 1) }])],
    [
      'add-prefix-v4-empty',
      addSetElements(ref('n4', 3), [
        { key: v4(0, 0, 0, 0), intervalEnd: true },
        { key: v4(198, 51, 100, 0), timeoutMs: HOUR },
        { key: v4(198, 51, 101, 0), intervalEnd: true },
      ]),
    ],
    ['add-prefix-v4-nonempty', addSetElements(ref('n4', 3), toUnit(targetOf('203.0.113.0/24'), 3600).elements)],
    [
      'add-prefix-v6-empty',
      addSetElements(ref('n6', 4), [
        { key: new Uint8Array(16), intervalEnd: true },
        ...toUnit(targetOf('2001:db8:1::/48'), 3600).elements,
      ]),
    ],
  ];
  for (const [name, messages] of cases) {
    it(`${name}: ${loadFixture(name).command}`, () => {
      const golden = loadFixture(name).datagrams;
      assert.equal(golden.length, 1);
      assert.deepEqual(normalise(ours(messages)), normalise(golden[0]));
    });
  }
});

describe('set element decoder reads captured kernel replies', () => {
  it('decodes the dump nft received for `list set inet t s6`', () => {
    const { datagrams } = loadFixture('list-s6-reply');
    const elements = decodeSetElements(datagrams.flatMap((d) => parseMessages(d)));
    const seen = elements
      .map((e) => ({ key: e.key.toString('hex'), timeoutMs: e.timeoutMs, hasExpiry: e.expirationMs !== undefined }))
      .sort((a, b) => a.key.localeCompare(b.key));
    assert.deepEqual(seen, [
      { key: '20010db8000000000000000000000001', timeoutMs: HOUR, hasExpiry: true },
      { key: '20010db8000000000000000000000002', timeoutMs: undefined, hasExpiry: false },
      { key: '20010db8000000000000000000000003', timeoutMs: 2 * HOUR, hasExpiry: true },
    ]);
    for (const e of elements) if (e.expirationMs !== undefined) assert.ok(e.expirationMs <= (e.timeoutMs ?? 0));
  });

  it('decodes the IPv4 dump', () => {
    const { datagrams } = loadFixture('list-s4-reply');
    const keys = decodeSetElements(datagrams.flatMap((d) => parseMessages(d))).map((e) => e.key.toString('hex'));
    assert.ok(keys.includes('c0000202'));
  });
});
