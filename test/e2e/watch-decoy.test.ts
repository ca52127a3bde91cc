// A decoy scan (nmap -D) naming the default gateway must not ban the gateway: the victim would cut itself off.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../helpers/netns.js';
import { kernelSet, nmap, openLab, startWatch, VICTIM4, waitFor, writeConfig } from './watch-harness.js';

test('decoys are banned, the gateway among them is not', { skip: kernelSkipReason('nmap', 'tcpdump') }, async () => {
  const lab = openLab();
  try {
    lab.victim.ip('route', 'add', 'default', 'via', '192.0.2.1');
    const watch = await startWatch(lab, writeConfig(lab.dir));
    try {
      await nmap(lab, ['-sS', '-p', '1-100', '-D', '192.0.2.1,192.0.2.77,ME', '-e', 'a0', VICTIM4]);
      assert.ok(
        await waitFor(() => ['192.0.2.66', '192.0.2.77'].every((a) => kernelSet(lab.victim, 'banned4').includes(a))),
        watch.stderr(),
      );
      assert.ok(!kernelSet(lab.victim, 'banned4').includes('192.0.2.1'), 'the gateway was banned');
    } finally {
      await watch.stop();
    }
    const gw = watch.events.find((e) => e.event === 'alert' && e.address === '192.0.2.1');
    assert.equal(gw?.verdict, 'never-ban');
    assert.match(String(gw?.reason), /default gateway/);
  } finally {
    lab.close();
  }
});
