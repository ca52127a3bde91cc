// Sends written from libuv's thread pool against the real kernel, beside sends on the main thread: the transport
// finds its socket's descriptor, the same batch commits the same elements, the same refusal names the same message,
// and the replies still arrive through the socket. The script runs inside a fresh namespace; `nft` is the witness.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Netns, kernelSkipReason } from '../helpers/netns.js';

const skip = kernelSkipReason();
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/** Three NEWSETELEM messages in one batch; the one at argv[2] names no set; argv[1] "pool" sends from the pool. */
const script = `
const { NetlinkConnection } = await import(${JSON.stringify(src('netlink/connection.js'))});
const { SocketTransport } = await import(${JSON.stringify(src('netlink/transport.js'))});
const { sendBatch, BatchError } = await import(${JSON.stringify(src('netlink/nfnetlink.js'))});
const { addSetElements } = await import(${JSON.stringify(src('netlink/nftables/setelem.js'))});
const [kind, badText] = process.argv.slice(1);
const bad = Number(badText);
const transport = new SocketTransport(12, { sendFromThreadPool: kind === 'pool' });
const conn = new NetlinkConnection(transport);
const many = (base, n) => Array.from({ length: n }, (_, i) => ({ key: Uint8Array.of(10, base, i >> 8, i & 255), timeoutMs: 60000 }));
const messages = [0, 1, 2].flatMap((i) =>
  addSetElements({ family: 1, table: 't', set: i === bad ? 'nope' : 's4' }, many(i, i === 1 ? 5000 : 3)));
let out;
try {
  await sendBatch(conn, messages);
  out = { ok: true, messages: messages.length };
} catch (e) {
  out = { ok: false, batch: e instanceof BatchError, errno: e.errno, index: e.index, messages: messages.length };
}
out.pool = transport.sendsFromThreadPool;
conn.close();
console.log(JSON.stringify(out));`;

interface Outcome {
  ok: boolean;
  batch?: boolean;
  errno?: number;
  index?: number;
  messages: number;
  pool: boolean;
  elements: number;
}

function run(ns: Netns, kind: string, bad: number): Outcome {
  ns.exec('nft', ['flush', 'ruleset']);
  ns.exec('nft', ['add', 'table', 'inet', 't']);
  ns.exec('nft', ['add', 'set', 'inet', 't', 's4', '{ type ipv4_addr; flags timeout; }']);
  const out = JSON.parse(ns.exec('node', ['--input-type=module', '-e', script, '--', kind, String(bad)])) as Record<
    string,
    unknown
  >;
  const set = JSON.parse(ns.exec('nft', ['-j', 'list', 'set', 'inet', 't', 's4'])) as {
    nftables: Array<{ set?: { elem?: unknown[] } }>;
  };
  return {
    ...(out as unknown as Omit<Outcome, 'elements'>),
    elements: set.nftables.find((o) => o.set)?.set?.elem?.length ?? 0,
  };
}

describe('netlink sends from the thread pool (kernel)', { skip }, () => {
  it('commits and refuses batches exactly as sends on the main thread do', () => {
    const ns = new Netns('pspool');
    try {
      for (const bad of [-1, 1, 2]) {
        const { pool: onMain, ...main } = run(ns, 'main', bad);
        const { pool, ...fromPool } = run(ns, 'pool', bad);
        assert.equal(onMain, false);
        assert.equal(pool, true, 'the socket descriptor was found');
        assert.deepEqual(fromPool, main, `bad message at ${bad}`);
        assert.equal(fromPool.elements, bad < 0 ? 5006 : 0);
        if (bad >= 0) assert.equal(fromPool.batch, true);
      }
    } finally {
      ns.delete();
    }
  });
});
