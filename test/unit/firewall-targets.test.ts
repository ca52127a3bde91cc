// Prefix ↔ interval conversion used by the nftables backend.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { targetOf, prefixEnd, rangeToPrefixes } from '../../src/firewall/targets.js';
import { prefixOf } from '../../src/net/targets.js';
import { intervalBans } from '../../src/firewall/nftables/backend.js';
import { formatAddress } from '../../src/net/address.js';

describe('ban targets', () => {
  it('canonicalises and classifies', () => {
    assert.deepEqual(
      [targetOf('192.0.2.1/32'), targetOf('10.0.0.0/8'), targetOf('2001:DB8::1')].map((t) => [t.target, t.isPrefix]),
      [
        ['192.0.2.1', false],
        ['10.0.0.0/8', true],
        ['2001:db8::1', false],
      ],
    );
    assert.throws(() => targetOf('nope'), { name: 'InputError' });
    // The one parser refuses host bits rather than guessing which network was meant.
    assert.throws(() => targetOf('10.1.2.3/8'), {
      name: 'InputError',
      message: /host bits set; write the network, 10\.0\.0\.0\/8/,
    });
  });

  it('computes interval ends, open at the top of the space', () => {
    const t = prefixOf(targetOf('198.51.100.0/24'));
    assert.equal(formatAddress(4, prefixEnd(t.bytes, t.length)!), '198.51.101.0');
    assert.equal(prefixEnd(prefixOf(targetOf('255.255.255.0/24')).bytes, 24), undefined);
    const v6 = prefixOf(targetOf('2001:db8:1::/48'));
    assert.equal(formatAddress(6, prefixEnd(v6.bytes, 48)!), '2001:db8:2::');
  });

  it('turns ranges back into prefixes', () => {
    const a = prefixOf(targetOf('192.0.2.0')).bytes;
    const b = prefixOf(targetOf('192.0.2.3')).bytes;
    assert.deepEqual(rangeToPrefixes(4, a, b), ['192.0.2.0/31', '192.0.2.2']);
    assert.deepEqual(rangeToPrefixes(4, prefixOf(targetOf('255.255.255.0')).bytes, undefined), ['255.255.255.0/24']);
  });

  it('pairs interval elements, adjacent intervals and nft’s zero marker included', () => {
    const el = (t: string, end = false) => ({ key: Buffer.from(prefixOf(targetOf(t)).bytes), flags: end ? 1 : 0 });
    const bans = intervalBans(6, [
      el('::', true),
      el('2001:db8:2::', true),
      el('2001:db8:1::'),
      el('2001:db8:2::'),
      el('2001:db8:2:1::', true),
    ]);
    assert.deepEqual(
      bans.map((b) => b.target),
      ['2001:db8:1::/48', '2001:db8:2::/64'],
    );
  });
});
