// Hash set listings read again when a key comes back twice (the kernel walked the set across a resize of its hash
// table, so as many other keys are missing), driven through the recording transport: a scripted kernel answers
// each dump of a set with the next of the listings it was given.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingTransport } from '../helpers/nltest.js';
import { encodeMessage } from '../../src/netlink/message.js';
import { addSetElements } from '../../src/netlink/nftables/setelem.js';
import { DUMP_ATTEMPTS } from '../../src/netlink/nftables/set-dump.js';
import { attributeMap } from '../../src/netlink/attributes.js';
import {
  NFPROTO_INET,
  NFTA_SET_ELEM_LIST_SET,
  NFT_MSG_GETSETELEM,
  NLMSG_DONE,
  NLM_F_MULTI,
} from '../../src/netlink/constants.js';
import { nfgenmsg, nftType } from '../../src/netlink/nfnetlink.js';
import { NftablesBanSet } from '../../src/firewall/nftables/backend.js';
import { OperationError } from '../../src/errors.js';

const key = (text: string) => Uint8Array.from(text.split('.').map(Number));

/** A kernel whose dumps of banned4 answer with `listings` in turn (the last one again once they run out). */
function kernel(listings: string[][]) {
  const dumps: string[] = [];
  const transport = new RecordingTransport((sent) => {
    const m = sent[0];
    if (m.type !== nftType(NFT_MSG_GETSETELEM)) throw new Error(`unexpected message type ${m.type}`);
    const set = attributeMap(m.payload, 4).get(NFTA_SET_ELEM_LIST_SET)?.toString('utf8').replace(/\0.*/s, '') ?? '';
    dumps.push(set);
    const keys = set === 'banned4' ? (listings[dumps.filter((d) => d === set).length - 1] ?? listings.at(-1)!) : [];
    const ref = { family: NFPROTO_INET, table: 'portsentinel', set };
    const data = keys.length
      ? addSetElements(
          ref,
          keys.map((k) => ({ key: key(k) })),
        ).map((d) => encodeMessage(d.type, NLM_F_MULTI, m.seq, [nfgenmsg(d.family), ...d.attrs]))
      : [];
    return [Buffer.concat([...data, encodeMessage(NLMSG_DONE, NLM_F_MULTI, m.seq, [Buffer.alloc(4)])])];
  });
  return { transport, dumps };
}

describe('hash set listings (recording transport)', () => {
  it('reads a listing that names a key twice again, and returns the one that names each once', async () => {
    const { transport, dumps } = kernel([
      ['192.0.2.1', '192.0.2.2', '192.0.2.2'],
      ['192.0.2.1', '192.0.2.2', '192.0.2.3'],
    ]);
    const set = new NftablesBanSet({ transport });
    const listed = (await set.list()).map((b) => b.target);
    assert.deepEqual(listed.sort(), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
    assert.equal(dumps.filter((d) => d === 'banned4').length, 2);
    // The other sets, read clean the first time, were dumped once each.
    assert.deepEqual(
      dumps.filter((d) => d !== 'banned4'),
      ['banned6', 'bannednet4', 'bannednet6'],
    );
  });

  it('fails, naming the kernel answer, when every read names a key twice: never a list with bans missing', async () => {
    const { transport, dumps } = kernel([['192.0.2.1', '192.0.2.1']]);
    const set = new NftablesBanSet({ transport });
    await assert.rejects(set.list(), (e: unknown) => {
      assert.ok(e instanceof OperationError);
      assert.equal(e.code, 'E_NETLINK_EAGAIN');
      assert.match(e.message, /Listing the nftables ban sets failed/);
      return true;
    });
    assert.equal(dumps.filter((d) => d === 'banned4').length, DUMP_ATTEMPTS);
  });
});
