// Batches against the real kernel, where only the last message asks for an ACK: a refused message anywhere in the
// batch is still reported (with its place), nothing of a refused batch is committed, and a good batch is proven
// by the one ACK; sent from libuv's thread pool (sendFromThreadPool, the socket's descriptor found), the same
// batches give exactly the same outcomes. The script runs inside a fresh namespace; `nft` there is the witness.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Netns, kernelSkipReason } from '../helpers/netns.js';

const skip = kernelSkipReason();
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/**
 * Sends three NEWSETELEM messages in one batch; the one at `bad` (if any) names a set that does not exist. With
 * "pool", from the thread pool.
 */
const script = `
const { NetlinkConnection } = await import(${JSON.stringify(src('netlink/connection.js'))});
const { SocketTransport } = await import(${JSON.stringify(src('netlink/transport.js'))});
const { sendBatch, BatchError } = await import(${JSON.stringify(src('netlink/nfnetlink.js'))});
const { addSetElements } = await import(${JSON.stringify(src('netlink/nftables/setelem.js'))});
const bad = Number(process.argv[1]);
const transport = new SocketTransport(12, { sendFromThreadPool: process.argv[2] === 'pool' });
const conn = new NetlinkConnection(transport);
const many = (base, n) => Array.from({ length: n }, (_, i) => ({ key: Uint8Array.of(10, base, i >> 8, i & 255), timeoutMs: 60000 }));
const messages = [0, 1, 2].flatMap((i) =>
  addSetElements({ family: 1, table: 't', set: i === bad ? 'nope' : 's4' }, many(i, i === 1 ? 5000 : 3)));
try {
  await sendBatch(conn, messages);
  console.log(JSON.stringify({ ok: true, messages: messages.length, pool: transport.sendsFromThreadPool }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, batch: e instanceof BatchError, errno: e.errno, index: e.index, messages: messages.length, pool: transport.sendsFromThreadPool }));
} finally {
  conn.close();
}`;

function run(
  bad: number,
  send: 'main' | 'pool' = 'main',
): {
  ok: boolean;
  errno?: number;
  index?: number;
  batch?: boolean;
  messages: number;
  pool: boolean;
  elements: number;
} {
  const ns = new Netns('psbatch');
  try {
    ns.exec('nft', ['add', 'table', 'inet', 't']);
    ns.exec('nft', ['add', 'set', 'inet', 't', 's4', '{ type ipv4_addr; flags timeout; }']);
    const out = JSON.parse(ns.exec('node', ['--input-type=module', '-e', script, '--', String(bad), send]));
    const set = JSON.parse(ns.exec('nft', ['-j', 'list', 'set', 'inet', 't', 's4'])) as {
      nftables: Array<{ set?: { elem?: unknown[] } }>;
    };
    return { ...out, elements: set.nftables.find((o) => o.set)?.set?.elem?.length ?? 0 };
  } finally {
    ns.delete();
  }
}

describe('nfnetlink batches with one ACK (kernel)', { skip }, () => {
  it('commits a good batch and proves it by the last ACK', () => {
    const r = run(-1);
    assert.equal(r.ok, true);
    assert.ok(r.messages >= 4, 'the middle part needs more than one message');
    assert.equal(r.elements, 5006);
  });

  for (const [bad, what] of [
    [0, 'the first message'],
    [1, 'a middle message'],
    [2, 'the last (acked) message'],
  ] as const) {
    it(`reports ${what} refused, with its place, and commits nothing`, () => {
      const r = run(bad);
      assert.equal(r.ok, false);
      assert.equal(r.batch, true);
      assert.equal(r.errno, 2, 'ENOENT: no such set');
      // The middle part spans several messages; the first refused one is named.
      assert.equal(r.index, bad === 0 ? 0 : bad === 1 ? 1 : r.messages - 1);
      assert.equal(r.elements, 0);
    });
  }

  it('gives the same outcome for each batch when it is sent from the thread pool', () => {
    for (const bad of [-1, 0, 1, 2]) {
      const { pool: onMain, ...main } = run(bad);
      const { pool, ...fromPool } = run(bad, 'pool');
      assert.equal(onMain, false);
      assert.equal(pool, true, 'the socket descriptor was found');
      assert.deepEqual(fromPool, main, `bad message at ${bad}`);
    }
  });
});
