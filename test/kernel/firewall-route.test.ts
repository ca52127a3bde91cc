// The blackhole-route BanSet against the kernel, in a fresh namespace: only routes carrying our rtm_protocol are
// listed or removed; a blackhole route someone else added for the same kind of target is left alone.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Netns, kernelSkipReason } from '../helpers/netns.js';
import { BansetRpc } from '../helpers/banset-rpc.js';
import type { KernelBan } from '../../src/firewall/banset.js';

const skip = kernelSkipReason();

describe('route ban set (kernel)', { skip }, () => {
  it('adds, lists, finds and removes IPv4/IPv6 addresses and prefixes, touching only its own routes', async () => {
    const ns = new Netns('psrt');
    const rpc = new BansetRpc(ns.name);
    try {
      ns.ip('route', 'add', 'blackhole', '203.0.113.0/24');
      ns.ip('-6', 'route', 'add', 'blackhole', '2001:db8:ffff::/48');
      await rpc.call('open', 'route', {});
      await rpc.call('setup');
      await rpc.call('add', [
        { target: '192.0.2.1', family: 4, timeout: 60 },
        { target: '198.51.100.0/24', family: 4 },
        { target: '2001:db8::1', family: 6 },
        { target: '2001:db8:1::/48', family: 6 },
      ]);
      // Adding again is not an error.
      await rpc.call('add', [{ target: '192.0.2.1', family: 4 }]);
      const listed = (await rpc.call<KernelBan[]>('list')).map((b) => b.target).sort();
      assert.deepEqual(
        listed,
        ['192.0.2.1', '198.51.100.0/24', '2001:db8.1::/48'.replace('.', ':'), '2001:db8::1'].sort(),
      );
      assert.match(ns.ip('route', 'show', 'proto', '153'), /blackhole 192\.0\.2\.1 /);
      assert.equal(await rpc.call('has', '198.51.100.0/24'), true);
      assert.equal(await rpc.call('has', '203.0.113.0/24'), false);
      const removed = await rpc.call<string[]>('remove', [
        '192.0.2.1',
        '2001:db8:1::/48',
        '192.0.2.99',
        '203.0.113.0/24',
      ]);
      assert.deepEqual(removed.sort(), ['192.0.2.1', '2001:db8:1::/48']);
      await rpc.call('teardown');
      assert.deepEqual(await rpc.call('list'), []);
      assert.match(ns.ip('route', 'show'), /blackhole 203\.0\.113\.0\/24/);
      assert.match(ns.ip('-6', 'route', 'show'), /blackhole 2001:db8:ffff::\/48/);
    } finally {
      await rpc.close();
      ns.delete();
    }
  });

  it('refuses to call an address banned when a route that is not ours already covers it', async () => {
    const ns = new Netns('psrt');
    const rpc = new BansetRpc(ns.name);
    try {
      ns.ip('route', 'add', '192.0.2.77/32', 'dev', 'lo');
      await rpc.call('open', 'route', {});
      await assert.rejects(
        rpc.call('add', [{ target: '192.0.2.77', family: 4 }]),
        /192\.0\.2\.77 already exists and is not portsentinel's/,
      );
      assert.deepEqual(await rpc.call('list'), []);
    } finally {
      await rpc.close();
      ns.delete();
    }
  });
});
