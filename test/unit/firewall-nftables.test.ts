// Error paths of the nftables BanSet, driven through the recording transport: a scripted kernel decides the
// errno of every message, and the bytes sent show what the backend did about it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingTransport } from '../helpers/nltest.js';
import { encodeErrorReply, encodeMessage, parseMessages, type NetlinkMessage } from '../../src/netlink/message.js';
import { addSetElements, decodeSetElements } from '../../src/netlink/nftables/setelem.js';
import { attributeMap } from '../../src/netlink/attributes.js';
import {
  NFNL_MSG_BATCH_BEGIN,
  NFT_MSG_DELSETELEM,
  NFT_MSG_DESTROYSETELEM,
  NFT_MSG_GETSETELEM,
  NFT_MSG_NEWSETELEM,
  NLMSG_DONE,
  NLM_F_ACK,
  NLM_F_MULTI,
  NFPROTO_INET,
  NFTA_SET_ELEM_LIST_SET,
} from '../../src/netlink/constants.js';
import { nfgenmsg, nftType, type NftMessage } from '../../src/netlink/nfnetlink.js';
import { EINVAL, ENOENT, EPERM, ERESTART } from '../../src/netlink/errors.js';
import { NftablesBanSet, toUnit } from '../../src/firewall/nftables/backend.js';
import { targetOf } from '../../src/firewall/targets.js';
import { buildSetupDocument } from '../../src/firewall/nftables/document.js';
import { checkNftDocument } from '../../src/firewall/nftables/nft.js';
import { EnvironmentError, OperationError } from '../../src/errors.js';
import { formatAddress } from '../../src/net/address.js';
import { TargetList } from '../../src/net/targets.js';

/** The texts as the packed list the ban commands build. */
const listOf = (...texts: string[]): TargetList => TargetList.from(texts.map((t) => targetOf(t)));

const keysOf = (m: NetlinkMessage): string[] =>
  decodeSetElements([{ ...m, type: nftType(NFT_MSG_NEWSETELEM) }]).map((e) =>
    formatAddress(e.key.length === 4 ? 4 : 6, e.key),
  );

/**
 * A scripted kernel: `verdict` gives the errno of each batched message, answered as the kernel does (a refusal
 * always, an ACK when asked for); GETSETELEM (non-dump) finds everything.
 */
function kernel(verdict: (m: NetlinkMessage) => number, beginErrno = 0, dumped: NftMessage[] = []) {
  return new RecordingTransport((sent) => {
    if (sent[0].type === NFNL_MSG_BATCH_BEGIN) {
      if (beginErrno) return [encodeErrorReply(beginErrno, sent[0])];
      const replies = sent
        .slice(1, -1)
        .map((m) => [m, verdict(m)] as const)
        .filter(([m, errno]) => errno !== 0 || m.flags & NLM_F_ACK)
        .map(([m, errno]) => encodeErrorReply(errno, m));
      return [Buffer.concat(replies)];
    }
    const m = sent[0];
    if (m.type === nftType(NFT_MSG_GETSETELEM) && m.flags & NLM_F_ACK) {
      const data = encodeMessage(nftType(NFT_MSG_NEWSETELEM), 0, m.seq, [m.payload]);
      return [Buffer.concat([data, encodeErrorReply(0, m)])];
    }
    const set = attributeMap(m.payload, 4).get(NFTA_SET_ELEM_LIST_SET)?.toString('utf8', 0, 10).replace(/\0.*/, '');
    const data = dumped
      .filter((d) => d.attrs.some((a) => a.includes(Buffer.from(`${set}\0`))))
      .map((d) => encodeMessage(d.type, NLM_F_MULTI, m.seq, [nfgenmsg(d.family), ...d.attrs]));
    return [Buffer.concat([...data, encodeMessage(NLMSG_DONE, NLM_F_MULTI, m.seq, [Buffer.alloc(4)])])];
  });
}

const batchesOf = (t: RecordingTransport) =>
  t.sent.map(parseMessages).filter((msgs) => msgs[0].type === NFNL_MSG_BATCH_BEGIN);

describe('nftables ban set error paths (recording transport)', () => {
  it('falls back from DESTROYSETELEM (EINVAL: old kernel) to DELSETELEM, bisecting past an expired element', async () => {
    const expired = '192.0.2.3';
    const t = kernel((m) => {
      if (m.type === nftType(NFT_MSG_DESTROYSETELEM)) return EINVAL;
      if (m.type === nftType(NFT_MSG_DELSETELEM) && keysOf(m).includes(expired)) return ENOENT;
      return 0;
    });
    const set = new NftablesBanSet({ transport: t });
    const targets = ['192.0.2.1', '192.0.2.2', expired, '192.0.2.4', '2001:db8::1'];
    const removed = await set.remove(targets);
    assert.deepEqual(removed.sort(), targets.filter((x) => x !== expired).sort());
    const deletes = batchesOf(t).filter((b) => b.some((m) => m.type === nftType(NFT_MSG_DELSETELEM)));
    assert.ok(deletes.length > 2, 'the failing batch was split and retried');
    // The single-element retry of the expired address was tried and dropped, never committed with others.
    const lastTry = deletes.map((b) => b.slice(1, -1).flatMap(keysOf)).filter((k) => k.includes(expired));
    assert.deepEqual(lastTry.at(-1), [expired]);
  });

  it('uses one DESTROYSETELEM batch when the kernel has it', async () => {
    const prefix = toUnit(targetOf('198.51.100.0/24'), 60).elements;
    const t = kernel(
      () => 0,
      0,
      addSetElements({ family: NFPROTO_INET, table: 'portsentinel', set: 'bannednet4' }, prefix),
    );
    const set = new NftablesBanSet({ transport: t, destroy: true });
    assert.deepEqual(await set.remove(['192.0.2.1', '198.51.100.0/24']), ['192.0.2.1', '198.51.100.0/24']);
    const destroys = batchesOf(t).filter((b) => b.some((m) => m.type === nftType(NFT_MSG_DESTROYSETELEM)));
    assert.equal(destroys.length, 1);
    // The prefix went as its start and end keys.
    assert.deepEqual(destroys[0].slice(1, -1).flatMap(keysOf).sort(), ['192.0.2.1', '198.51.100.0', '198.51.101.0']);
  });

  it('reports ERESTART on BATCH_BEGIN (generation moved) as a failed operation, carrying the errno', async () => {
    const set = new NftablesBanSet({ transport: kernel(() => 0, ERESTART), refreshByReplace: false });
    await assert.rejects(set.add(listOf('192.0.2.1'), 0), (e: unknown) => {
      assert.ok(e instanceof OperationError);
      assert.equal(e.code, 'E_NETLINK_ERESTART');
      assert.equal((e.cause as { errno: number; index: number }).errno, ERESTART);
      assert.equal((e.cause as { index: number }).index, -1);
      return true;
    });
  });

  it('maps EPERM to EnvironmentError (exit 3)', async () => {
    const set = new NftablesBanSet({ transport: kernel(() => 0, EPERM), refreshByReplace: false });
    await assert.rejects(set.add(listOf('2001:db8::1'), 0), (e: unknown) => {
      assert.ok(e instanceof EnvironmentError);
      assert.equal(e.exitCode, 3);
      assert.equal(e.code, 'E_NO_CAP_NET_ADMIN');
      return true;
    });
  });

  it('names a missing set (ENOENT on add) as "run setup"', async () => {
    const set = new NftablesBanSet({ transport: kernel(() => ENOENT), refreshByReplace: false });
    await assert.rejects(set.add(listOf('192.0.2.1'), 0), { code: 'E_NFT_NOT_SET_UP' });
  });

  it('splits by encoded size: every datagram fits the send buffer (no EMSGSIZE), every nest its u16 length', async () => {
    const t = kernel(() => 0, 0);
    Object.defineProperty(t, 'maxSendBytes', { value: 100_000 });
    const set = new NftablesBanSet({ transport: t, refreshByReplace: false });
    const list = listOf(...Array.from({ length: 20_000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`));
    await set.add(list, 60);
    const batches = batchesOf(t);
    assert.ok(batches.length > 1);
    for (const raw of t.sent) assert.ok(raw.length <= 100_000);
    const sentKeys = batches.flatMap((b) => b.slice(1, -1).flatMap(keysOf));
    assert.equal(sentKeys.length, 20_000);
    assert.equal(new Set(sentKeys).size, 20_000);
  });

  it('refuses a bad timeout, or a timeout count that is not one per target, before sending anything', async () => {
    const t = kernel(() => 0);
    const set = new NftablesBanSet({ transport: t, refreshByReplace: false });
    const list = listOf('192.0.2.1', '2001:db8::/64');
    await assert.rejects(set.add(list, -1), { name: 'InputError', message: /192\.0\.2\.1/ });
    await assert.rejects(set.add(list, 2 ** 33), { name: 'InputError' });
    await assert.rejects(set.add(list, Uint32Array.of(60)), RangeError);
    assert.equal(t.sent.length, 0);
  });

  it('refreshes timeouts by destroy-then-add in one batch on kernels before 6.12', async () => {
    const t = kernel(() => 0);
    const set = new NftablesBanSet({ transport: t, refreshByReplace: true, destroy: true });
    await set.add(listOf('192.0.2.1'), 60);
    const types = batchesOf(t)[0]
      .slice(1, -1)
      .map((m) => m.type);
    assert.deepEqual(types, [nftType(NFT_MSG_DESTROYSETELEM), nftType(NFT_MSG_NEWSETELEM)]);
  });

  it("keeps every refreshed element's destroy and add in the same batch when the bans span several batches", async () => {
    const t = kernel(() => 0);
    const set = new NftablesBanSet({ transport: t, refreshByReplace: true, destroy: true });
    const list = listOf(
      ...Array.from({ length: 20_000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`),
    );
    await set.add(list, 3600);
    const batches = batchesOf(t);
    assert.ok(batches.length > 1, 'the bans need several batches');
    const added = new Set<string>();
    for (const batch of batches) {
      const destroyed = new Set<string>();
      const inBatch = new Set<string>();
      for (const m of batch.slice(1, -1)) {
        for (const k of keysOf(m)) (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? destroyed : inBatch).add(k);
      }
      for (const k of destroyed) assert.ok(inBatch.has(k), `${k} is destroyed in a batch that does not add it back`);
      for (const k of inBatch) added.add(k);
    }
    assert.equal(added.size, list.length);
  });

  it('asks for an ACK on the last message of a batch only, and still names an earlier refused message', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => 0x0a000000 + i);
    const batch = new TargetList(Uint32Array.from(many(10_000)));
    const ok = kernel(() => 0);
    await new NftablesBanSet({ transport: ok, refreshByReplace: false }).add(batch, 60);
    const [sent] = batchesOf(ok);
    const inner = sent.slice(1, -1);
    assert.ok(inner.length > 2, 'several messages in the batch');
    assert.deepEqual(
      inner.map((m) => Boolean(m.flags & NLM_F_ACK)),
      inner.map((_, i) => i === inner.length - 1),
    );
    assert.equal(sent[0].flags & NLM_F_ACK, 0);
    assert.equal(sent.at(-1)!.flags & NLM_F_ACK, 0);
    // The kernel refuses the second message (unacked; 10.0.9.17 is its first address): that refusal is reported,
    // not the last message's ACK 0.
    for (const [errno, check] of [
      [EINVAL, (e: unknown) => (e as { cause?: { index?: number } }).cause?.index === 1],
      [ENOENT, (e: unknown) => (e as { code?: string }).code === 'E_NFT_NOT_SET_UP'],
    ] as const) {
      const t = kernel((m) => (m.type === nftType(NFT_MSG_NEWSETELEM) && keysOf(m).includes('10.0.9.17') ? errno : 0));
      await assert.rejects(new NftablesBanSet({ transport: t, refreshByReplace: false }).add(batch, 60), check);
    }
  });

  it('gives each target its own timeout, in list order, from the packed addresses and the others alike', async () => {
    const list = new TargetList(
      Uint32Array.of(0xc0000201, 0xc0000203, 0xc0000202),
      [targetOf('2001:db8::1'), targetOf('198.51.100.0/24')],
      [1, 3],
    );
    // List order: 192.0.2.1, 2001:db8::1, 192.0.2.3, 192.0.2.2, 198.51.100.0/24.
    assert.deepEqual(list.texts(), ['192.0.2.1', '2001:db8::1', '192.0.2.3', '192.0.2.2', '198.51.100.0/24']);
    const elementsOf = (t: RecordingTransport) =>
      batchesOf(t)
        .flatMap((b) => b.slice(1, -1))
        .flatMap((m) => {
          const set = attributeMap(m.payload, 4).get(NFTA_SET_ELEM_LIST_SET)!.toString('utf8').replace(/\0.*/, '');
          return decodeSetElements([m]).map((e) => `${set} ${e.key.toString('hex')} ${e.flags} ${e.timeoutMs}`);
        })
        .sort();
    const a = kernel(() => 0);
    await new NftablesBanSet({ transport: a, refreshByReplace: false }).add(list, Uint32Array.of(10, 20, 30, 40, 50));
    assert.deepEqual(elementsOf(a), [
      'banned4 c0000201 0 10000',
      'banned4 c0000202 0 40000',
      'banned4 c0000203 0 30000',
      'banned6 20010db8000000000000000000000001 0 20000',
      'bannednet4 c6336400 0 50000',
      // The interval's end key carries no timeout of its own.
      'bannednet4 c6336500 1 undefined',
    ]);
    // One timeout for all is the same as that timeout given per target.
    const b = kernel(() => 0);
    await new NftablesBanSet({ transport: b, refreshByReplace: false }).add(list, 90);
    const c = kernel(() => 0);
    await new NftablesBanSet({ transport: c, refreshByReplace: false }).add(list, new Uint32Array(5).fill(90));
    assert.deepEqual(elementsOf(b), elementsOf(c));
    assert.equal(elementsOf(b).length, 6, 'three addresses, one IPv6 address, a prefix as start and end');
  });

  it("keeps a batch's refreshed destroy and add together when it spans several batches", async () => {
    const t = kernel(() => 0);
    const set = new NftablesBanSet({ transport: t, refreshByReplace: true, destroy: true });
    const v4 = Uint32Array.from({ length: 20_000 }, (_, i) => 0x0a000000 + i);
    await set.add(new TargetList(v4, [targetOf('2001:db8::1')], [7]), 3600);
    const batches = batchesOf(t);
    assert.ok(batches.length > 1, 'the bans need several batches');
    const added = new Set<string>();
    for (const batch of batches) {
      const destroyed = new Set<string>();
      const inBatch = new Set<string>();
      for (const m of batch.slice(1, -1)) {
        for (const k of keysOf(m)) (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? destroyed : inBatch).add(k);
      }
      assert.deepEqual([...destroyed].sort(), [...inBatch].sort());
      for (const k of inBatch) added.add(k);
    }
    assert.equal(added.size, 20_001);
  });
});

/**
 * A scripted kernel whose table inet portsentinel is gone: every request about it is refused with ENOENT, except
 * DESTROYSETELEM, answered with `destroyErrno` (ENOENT from kernels that have it, EINVAL from those before 6.3).
 */
function missingTable(destroyErrno: number) {
  return new RecordingTransport((sent) => {
    if (sent[0].type === NFNL_MSG_BATCH_BEGIN) {
      const inner = sent.slice(1, -1);
      const errnoOf = (m: NetlinkMessage) => (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? destroyErrno : ENOENT);
      return [Buffer.concat(inner.map((m) => encodeErrorReply(errnoOf(m), m)))];
    }
    return [encodeErrorReply(ENOENT, sent[0])];
  });
}

const notSetUp = (e: unknown): boolean => {
  assert.ok(e instanceof OperationError, String(e));
  assert.equal(e.code, 'E_NFT_NOT_SET_UP');
  assert.equal(e.exitCode, 1);
  return true;
};

const typesOf = (batch: NetlinkMessage[]) => batch.slice(1, -1).map((m) => m.type);

describe('nftables ban set: a missing table, and learning DESTROYSETELEM support (recording transport)', () => {
  const many = Array.from({ length: 70 }, (_, i) => `10.0.0.${i + 1}`);
  for (const [kernelName, destroyErrno] of [
    ['with DESTROYSETELEM (ENOENT)', ENOENT],
    ['without DESTROYSETELEM (EINVAL)', EINVAL],
  ] as const) {
    for (const refreshByReplace of [true, false]) {
      it(`is "not set up" for add, remove and list: kernel ${kernelName}, refresh by replace ${refreshByReplace}`, async () => {
        const set = () => new NftablesBanSet({ transport: missingTable(destroyErrno), refreshByReplace });
        await assert.rejects(set().add(listOf('192.0.2.1'), 60), notSetUp);
        await assert.rejects(set().add(new TargetList(Uint32Array.of(0xc0000201)), Uint32Array.of(60)), notSetUp);
        await assert.rejects(set().remove(['192.0.2.1']), notSetUp);
        await assert.rejects(set().remove(['198.51.100.0/24']), notSetUp);
        await assert.rejects(set().remove(many), notSetUp);
        await assert.rejects(set().list(), notSetUp);
      });
    }
  }

  it('is "not set up" when the table goes between the presence check and the delete', async () => {
    for (const destroy of [undefined, true]) {
      const t = kernel((m) => (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? ENOENT : 0));
      await assert.rejects(new NftablesBanSet({ transport: t, destroy }).remove(['192.0.2.1']), notSetUp);
    }
  });

  it('learns DESTROYSETELEM support from the first batch that uses it, with no probe of its own', async () => {
    const t = kernel(() => 0);
    const set = new NftablesBanSet({ transport: t, refreshByReplace: true });
    await set.add(listOf('192.0.2.1'), 60);
    await set.remove(['192.0.2.1']);
    assert.deepEqual(batchesOf(t).map(typesOf), [
      [nftType(NFT_MSG_DESTROYSETELEM), nftType(NFT_MSG_NEWSETELEM)],
      [nftType(NFT_MSG_DESTROYSETELEM)],
    ]);
  });

  it('redoes a batch refused for DESTROYSETELEM (kernel before 6.3) without it, and leaves it out from then on', async () => {
    const t = kernel((m) => (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? EINVAL : 0));
    const set = new NftablesBanSet({ transport: t, refreshByReplace: true });
    await set.add(listOf('192.0.2.1'), 60);
    await set.add(listOf('192.0.2.2'), 60);
    assert.deepEqual(await set.remove(['192.0.2.1']), ['192.0.2.1']);
    assert.deepEqual(batchesOf(t).map(typesOf), [
      [nftType(NFT_MSG_DESTROYSETELEM), nftType(NFT_MSG_NEWSETELEM)],
      [nftType(NFT_MSG_NEWSETELEM)],
      [nftType(NFT_MSG_NEWSETELEM)],
      [nftType(NFT_MSG_DELSETELEM)],
    ]);
    // Removal learns it the same way on a fresh instance: one refused DESTROYSETELEM batch, then DELSETELEM.
    const u = kernel((m) => (m.type === nftType(NFT_MSG_DESTROYSETELEM) ? EINVAL : 0));
    assert.deepEqual(await new NftablesBanSet({ transport: u }).remove(['192.0.2.1']), ['192.0.2.1']);
    assert.deepEqual(batchesOf(u).map(typesOf), [[nftType(NFT_MSG_DESTROYSETELEM)], [nftType(NFT_MSG_DELSETELEM)]]);
  });
});

describe('setup document', () => {
  it('is accepted by the schema, with and without log rules and forward chain', () => {
    checkNftDocument(buildSetupDocument());
    checkNftDocument(buildSetupDocument({ hooks: ['input', 'forward'], priority: 0, logGroup: 3, logRate: 10 }));
  });

  it('puts the log rules after the drop rules, only in the input chain', () => {
    const doc = buildSetupDocument({ hooks: ['forward'], logGroup: 3 });
    const rules = doc.nftables
      .map((c) => (c.add as { rule?: { chain: string; expr: unknown[] } } | undefined)?.rule)
      .filter((r) => r !== undefined);
    const inputRules = rules.filter((r) => r.chain === 'input').map((r) => JSON.stringify(r.expr));
    assert.equal(inputRules.length, 6);
    assert.ok(inputRules.slice(0, 4).every((r) => r.includes('"drop"')));
    assert.ok(inputRules.slice(4).every((r) => r.includes('"log":{"group":3}')));
    assert.ok(rules.filter((r) => r.chain === 'forward').every((r) => !JSON.stringify(r.expr).includes('"log"')));
  });

  it('rejects anything outside the supported subset', () => {
    assert.throws(() => checkNftDocument({ nftables: [{ flush: { ruleset: null } }] }), { code: 'E_NFT_DOCUMENT' });
  });
});
