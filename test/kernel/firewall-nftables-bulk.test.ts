// Bulk writes and reads of the nftables ban sets against the real kernel. A listing taken right after a large add
// meets the kernel resizing the set's hash table in the background: it must still name every ban once. And bulk
// adds split to the receive buffer leave room for the kernel's every answer: a refused one fails with the kernel's
// refusal (not a socket overrun), and a good one is proven batch by batch by the one ACK each asks for. Each
// script runs inside a fresh namespace, where `nft` is the witness.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Netns, kernelSkipReason } from '../helpers/netns.js';

const skip = kernelSkipReason();
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/**
 * A new set's hash table doubles once it holds more than 98,304 elements, rehashing them in the background: the
 * first add stops just there, the second crosses it, and the listing starts while the rehash runs.
 */
const FIRST = 98_304;
const SECOND = 1_000;
const ROUNDS = 3;

/**
 * Per round: the table made afresh, FIRST addresses added and given a second to settle, SECOND more added, then
 * everything listed at once. Prints what list() returned each round, and how many of it were distinct.
 */
const listScript = `
const { NftablesBanSet } = await import(${JSON.stringify(src('firewall/nftables/backend.js'))});
const { TargetList } = await import(${JSON.stringify(src('net/targets.js'))});
const [first, second, rounds] = process.argv.slice(1).map(Number);
const v4 = new Uint32Array(first + second);
for (let i = 0; i < v4.length; i++) v4[i] = ((10 << 24) >>> 0) + i;
const set = new NftablesBanSet();
const out = [];
for (let r = 0; r < rounds; r++) {
  await set.teardown();
  await set.setup();
  await set.add(new TargetList(v4.subarray(0, first)), 0);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await set.add(new TargetList(v4.subarray(first)), 0);
  const listed = (await set.list()).map((b) => b.target);
  out.push({ listed: listed.length, distinct: new Set(listed).size });
}
await set.close();
console.log(JSON.stringify(out));`;

/**
 * \`count\` NEWSETELEM messages of ~65 KB each for set \`set\`, in batches split to the connection's limit, on a socket
 * whose receive buffer is \`rcvbuf\` bytes. A refused message is echoed whole, so the limit must leave room for them.
 */
const batchScript = `
const { NetlinkConnection } = await import(${JSON.stringify(src('netlink/connection.js'))});
const { SocketTransport } = await import(${JSON.stringify(src('netlink/transport.js'))});
const { sendBatch, splitBatches } = await import(${JSON.stringify(src('netlink/nfnetlink.js'))});
const { addSetElements } = await import(${JSON.stringify(src('netlink/nftables/setelem.js'))});
const [set, count, rcvbuf] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const conn = new NetlinkConnection(new SocketTransport(12, { recvBufferSize: rcvbuf }), 10_000);
const elements = Array.from({ length: count * 4000 }, (_, i) => ({ key: Uint8Array.of(10, i >> 16, (i >> 8) & 255, i & 255) }));
const messages = addSetElements({ family: 1, table: 't', set }, elements);
const batches = splitBatches(messages, conn.maxSendBytes);
try {
  for (const batch of batches) await sendBatch(conn, batch);
  console.log(JSON.stringify({ ok: true, messages: messages.length, batches: batches.length }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, code: e.code, messages: messages.length, batches: batches.length }));
} finally {
  conn.close();
}`;

function inNamespace<T>(prefix: string, fn: (ns: Netns) => T): T {
  const ns = new Netns(prefix);
  try {
    return fn(ns);
  } finally {
    ns.delete();
  }
}

describe('nftables ban sets in bulk (kernel)', { skip }, () => {
  it('lists every ban once while the hash table grows under the listing', { timeout: 600_000 }, () => {
    const args = [FIRST, SECOND, ROUNDS].map(String);
    const rounds = inNamespace('psbulk', (ns) => {
      const out = ns.exec('node', ['--input-type=module', '-e', listScript, '--', ...args]);
      return JSON.parse(out) as Array<{ listed: number; distinct: number }>;
    });
    assert.equal(rounds.length, ROUNDS);
    const all = FIRST + SECOND;
    for (const [i, r] of rounds.entries()) {
      assert.deepEqual(r, { listed: all, distinct: all }, `round ${i + 1} of ${ROUNDS}`);
    }
  });

  const batch = (set: string) =>
    inNamespace('psbulk', (ns) => {
      ns.exec('nft', ['add', 'table', 'inet', 't']);
      ns.exec('nft', ['add', 'set', 'inet', 't', 's4', '{ type ipv4_addr; }']);
      // 40 messages (2.6 MB) against the kernel's default receive buffer limit (208 KiB, doubled).
      const out = JSON.parse(ns.exec('node', ['--input-type=module', '-e', batchScript, '--', set, '40', '212992']));
      const doc = JSON.parse(ns.exec('nft', ['-j', 'list', 'set', 'inet', 't', 's4'])) as {
        nftables: Array<{ set?: { elem?: unknown[] } }>;
      };
      const elements = doc.nftables.find((o) => o.set)?.set?.elem?.length ?? 0;
      return { ...(out as { ok: boolean; code?: string; messages: number; batches: number }), elements };
    });

  it("fails a refused bulk add with the kernel's refusal, its echoes never overrunning the receive buffer", () => {
    const r = batch('nope');
    assert.ok(r.batches > 1, `${r.batches} batches`);
    assert.deepEqual([r.ok, r.code, r.elements], [false, 'ENOENT', 0]);
  });

  it('commits a bulk add in batches under the same receive buffer, each proven by its one ACK', () => {
    const r = batch('s4');
    assert.ok(r.batches > 1, `${r.batches} batches`);
    assert.equal(r.ok, true);
    assert.equal(r.elements, 40 * 4000);
  });
});
