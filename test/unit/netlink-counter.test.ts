// Element and set counters read from replies the kernel sent nft (fixtures/netlink/list-c*-reply.hex, recorded by
// capture.sh): one counter expression (NFTA_SET_EXPR, NFTA_SET_ELEM_EXPR), two (NFTA_SET_EXPRESSIONS,
// NFTA_SET_ELEM_EXPRESSIONS), and a set without any.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessages, type NetlinkMessage } from '../../src/netlink/message.js';
import { decodeSetElements, walkSetElements } from '../../src/netlink/nftables/setelem.js';
import { decodeSet } from '../../src/netlink/nftables/set.js';
import { nftType } from '../../src/netlink/nfnetlink.js';
import { NFT_MSG_NEWSET, NFT_SET_ELEM_INTERVAL_END } from '../../src/netlink/constants.js';
import { intervalBans } from '../../src/firewall/nftables/backend.js';

const dir = fileURLToPath(new URL('../../../fixtures/netlink/', import.meta.url));

function reply(name: string): { command: string; messages: NetlinkMessage[] } {
  const lines = readFileSync(dir + name + '.hex', 'utf8')
    .trim()
    .split('\n');
  const messages = lines.slice(1).flatMap((l) => parseMessages(Buffer.from(l, 'hex')));
  return { command: lines[0].replace(/^# /, ''), messages };
}

const setOf = (messages: NetlinkMessage[]) => {
  const msg = messages.find((m) => m.type === nftType(NFT_MSG_NEWSET));
  assert.ok(msg, 'the reply holds the set');
  return decodeSet(msg.payload);
};

/** Key (hex) → counter, through the per-element walk the hash-set listing uses. */
function walked(messages: NetlinkMessage[]): Map<string, unknown> {
  const out = new Map<string, unknown>();
  walkSetElements(messages, (buf, at, len, _t, _e, packets, bytes) => {
    out.set(buf.subarray(at, at + len).toString('hex'), packets < 0 ? undefined : { packets, bytes });
  });
  return out;
}

describe('counters in captured kernel replies', () => {
  const c4 = reply('list-c4-reply');
  it(`one expression per element: ${c4.command}`, () => {
    assert.equal(setOf(c4.messages).counter, true);
    const decoded = new Map(decodeSetElements(c4.messages).map((e) => [e.key.toString('hex'), e.counter]));
    const expected = new Map<string, unknown>([
      ['c0000209', { packets: 5, bytes: 300 }],
      ['c000020a', { packets: 0, bytes: 0 }],
    ]);
    assert.deepEqual(decoded, expected);
    assert.deepEqual(walked(c4.messages), expected);
  });

  const cn6 = reply('list-cn6-reply');
  it(`an interval's counter is on its start: ${cn6.command}`, () => {
    assert.equal(setOf(cn6.messages).counter, true);
    const elements = decodeSetElements(cn6.messages);
    for (const e of elements) {
      if (e.flags & NFT_SET_ELEM_INTERVAL_END) assert.equal(e.counter, undefined);
      else assert.deepEqual(e.counter, { packets: 7, bytes: 560 });
    }
    const bans = intervalBans(6, elements);
    assert.deepEqual(
      bans.map((b) => [b.target, b.packets, b.bytes]),
      [['2001:db8:1::/48', 7, 560]],
    );
  });

  const cq4 = reply('list-cq4-reply');
  it(`a counter among two expressions: ${cq4.command}`, () => {
    assert.equal(setOf(cq4.messages).counter, true);
    assert.deepEqual(walked(cq4.messages), new Map([['c000020b', { packets: 0, bytes: 0 }]]));
    assert.deepEqual(
      decodeSetElements(cq4.messages).map((e) => e.counter),
      [{ packets: 0, bytes: 0 }],
    );
  });

  const s4 = reply('list-s4-reply');
  it(`no counter, none read: ${s4.command}`, () => {
    assert.equal(setOf(s4.messages).counter, false);
    for (const e of decodeSetElements(s4.messages)) assert.equal(e.counter, undefined);
    for (const c of walked(s4.messages).values()) assert.equal(c, undefined);
  });
});
