// Removal without DESTROYSETELEM (`destroy: false`, as on kernels before 6.3) against the real kernel: bans that
// expire after remove() saw them but before its DELSETELEM batch arrives make the kernel refuse the whole batch
// with ENOENT, and the bisect must still delete every other ban. The BanSet runs inside a fresh namespace (see
// firewall-nftables.test.ts); its transport holds the first delete until the kernel has expired the short bans.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { Netns, kernelSkipReason } from '../helpers/netns.js';
import { BansetRpc } from '../helpers/banset-rpc.js';
import type { DeleteRecord } from '../helpers/pausing-transport.js';
import type { KernelBan } from '../../src/firewall/banset.js';

const skip = kernelSkipReason();

const setElems = (ns: Netns, set: string): unknown[] => {
  const doc = JSON.parse(ns.exec('nft', ['-j', 'list', 'set', 'inet', 'portsentinel', set])) as {
    nftables: Array<{ set?: { elem?: unknown[] } }>;
  };
  return doc.nftables.find((o) => o.set)?.set?.elem ?? [];
};

describe('nftables removal with DELSETELEM and bisect (kernel)', { skip }, () => {
  it('deletes every ban still present when some expire between the presence check and the delete', async () => {
    const ns = new Netns('psbis');
    const rpc = new BansetRpc(ns.name);
    try {
      const v4 = Array.from({ length: 15 }, (_, i) => `192.0.2.${i + 1}`);
      const v6 = Array.from({ length: 4 }, (_, i) => `2001:db8::${i + 1}`);
      const all = [...v4, ...v6, '198.51.100.0/24'];
      // One in each half of the first bisect, in two different sets.
      const expiring = ['192.0.2.7', '2001:db8::3'];
      const lasting = all.filter((t) => !expiring.includes(t));
      await rpc.call('openPausingDeletes', { destroy: false }, expiring, 20);
      await rpc.call('setup');
      await rpc.call(
        'add',
        all.map((target) => ({
          target,
          family: target.includes(':') ? 6 : 4,
          timeout: expiring.includes(target) ? 1 : 3600,
        })),
      );

      const removed = await rpc.call<string[]>('remove', all);

      // Exactly the bans that were still there were removed, and the kernel holds none of them any more.
      assert.deepEqual([...removed].sort(), [...lasting].sort());
      for (const set of ['banned4', 'banned6', 'bannednet4', 'bannednet6'])
        assert.deepEqual(setElems(ns, set), [], set);
      assert.deepEqual(await rpc.call<KernelBan[]>('list'), []);
      // And the race really happened: the first delete still named the short bans, and the kernel refused it.
      const record = await rpc.call<DeleteRecord>('deleteRecord');
      for (const t of expiring) assert.ok(record.batches[0].includes(t), `${t} was present when remove() looked`);
      assert.ok(record.refusals.length > 0, 'the kernel refused a DELSETELEM batch');
      assert.deepEqual(new Set(record.refusals), new Set([constants.errno.ENOENT]));
    } finally {
      await rpc.close();
      ns.delete();
    }
  });
});
