// The netlink socket on a thread of its own against the real kernel, beside the socket on the main thread: the
// same batch commits the same elements and the same refusal names the same message; a socket the kernel refuses
// fails opening as it does on the main thread; and a process that closes it and exits at once exits cleanly (a
// thread torn down with its socket open would abort the process). The script runs inside a fresh namespace.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Netns, kernelSkipReason } from '../helpers/netns.js';

const skip = kernelSkipReason();
const src = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url));

/** Three NEWSETELEM messages in one batch over the transport named by argv[1]; the one at argv[2] names no set. */
const script = `
const { NetlinkConnection } = await import(${JSON.stringify(src('netlink/connection.js'))});
const { SocketTransport } = await import(${JSON.stringify(src('netlink/transport.js'))});
const { ThreadTransport } = await import(${JSON.stringify(src('netlink/thread-transport.js'))});
const { sendBatch, BatchError } = await import(${JSON.stringify(src('netlink/nfnetlink.js'))});
const { addSetElements } = await import(${JSON.stringify(src('netlink/nftables/setelem.js'))});
const [kind, badText] = process.argv.slice(1);
const bad = Number(badText);
const transport = kind === 'thread' ? await ThreadTransport.open(12) : new SocketTransport(12);
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
await conn.close();
console.log(JSON.stringify(out));
// At once, as the command line does once its output is out.
process.exit(0);`;

const openScript = `
const { SocketTransport } = await import(${JSON.stringify(src('netlink/transport.js'))});
const { ThreadTransport } = await import(${JSON.stringify(src('netlink/thread-transport.js'))});
const errnoOf = async (f) => { try { await f(); return 0; } catch (e) { return { name: e.name, errno: e.errno }; } };
// 31: a netlink protocol number no kernel family uses.
console.log(JSON.stringify({
  socket: await errnoOf(() => new SocketTransport(31)),
  thread: await errnoOf(() => ThreadTransport.open(31)),
}));`;

function run(ns: Netns, kind: string, bad: number) {
  ns.exec('nft', ['flush', 'ruleset']);
  ns.exec('nft', ['add', 'table', 'inet', 't']);
  ns.exec('nft', ['add', 'set', 'inet', 't', 's4', '{ type ipv4_addr; flags timeout; }']);
  const r = ns.run('node', ['--input-type=module', '-e', script, '--', kind, String(bad)]);
  assert.equal(r.status, 0, `the process ended with ${r.status}: ${r.stderr}`);
  const set = JSON.parse(ns.exec('nft', ['-j', 'list', 'set', 'inet', 't', 's4'])) as {
    nftables: Array<{ set?: { elem?: unknown[] } }>;
  };
  return { ...JSON.parse(r.stdout), elements: set.nftables.find((o) => o.set)?.set?.elem?.length ?? 0 };
}

describe('netlink socket on its own thread (kernel)', { skip }, () => {
  it('commits and refuses batches exactly as the socket on the main thread does', () => {
    const ns = new Netns('psthread');
    try {
      for (const bad of [-1, 1, 2]) {
        const main = run(ns, 'socket', bad);
        const thread = run(ns, 'thread', bad);
        assert.deepEqual(thread, main, `bad message at ${bad}`);
        assert.equal(thread.elements, bad < 0 ? 5006 : 0);
        if (bad >= 0) assert.equal(thread.batch, true);
      }
    } finally {
      ns.delete();
    }
  });

  it('exits cleanly when the process exits right after closing it, every time', () => {
    const ns = new Netns('psthread');
    try {
      for (let i = 0; i < 6; i++) assert.equal(run(ns, 'thread', -1).elements, 5006);
    } finally {
      ns.delete();
    }
  });

  it('fails opening with the errno of a socket the kernel refuses', () => {
    const ns = new Netns('psthread');
    try {
      const out = JSON.parse(ns.exec('node', ['--input-type=module', '-e', openScript])) as Record<
        string,
        { name: string; errno: number }
      >;
      assert.equal(out.socket.name, 'NetlinkError');
      assert.ok(out.socket.errno > 0);
      assert.deepEqual(out.thread, out.socket);
    } finally {
      ns.delete();
    }
  });
});
