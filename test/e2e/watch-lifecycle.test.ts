// Bans outlive watch (SIGTERM leaves them in the kernel); a restart re-applies journal bans the kernel lost, and
// SIGHUP picks up a new ignore file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { kernelSet, nmap, openLab, startWatch, VICTIM4, waitFor, writeConfig } from './watch-harness.js';

test(
  'SIGTERM leaves the bans; a restart restores those the kernel lost',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  async () => {
    const lab = openLab();
    try {
      const config = writeConfig(lab.dir);
      const first = await startWatch(lab, config);
      await nmap(lab, ['-sS', '-p', '1-50', VICTIM4]);
      assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')), first.stderr());
      assert.equal(await first.stop(), 0);
      assert.match(first.stderr(), /bans stay in the kernel/);
      assert.deepEqual(kernelSet(lab.victim, 'banned4'), ['192.0.2.66']);

      lab.victim.exec('nft', ['flush', 'set', 'inet', 'portsentinel', 'banned4']);
      assert.deepEqual(kernelSet(lab.victim, 'banned4'), []);
      const second = await startWatch(lab, config);
      try {
        const ready = second.events.find((e) => e.event === 'ready');
        assert.deepEqual(ready?.restored, ['192.0.2.66']);
        assert.deepEqual(kernelSet(lab.victim, 'banned4'), ['192.0.2.66']);
      } finally {
        await second.stop();
      }
    } finally {
      lab.close();
    }
  },
);

test(
  'SIGHUP reloads the ignore file: a newly ignored scanner is not banned',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  async () => {
    const lab = openLab(['192.0.2.67']);
    try {
      const watch = await startWatch(lab, writeConfig(lab.dir));
      try {
        writeFileSync(join(lab.dir, 'portsentry.ignore'), '127.0.0.1/32\n192.0.2.67\n');
        watch.child.kill('SIGHUP');
        assert.ok(await waitFor(() => watch.events.some((e) => e.event === 'reload' && e.ok === true)), watch.stderr());
        await nmap(lab, ['-sS', '-p', '1-50', '-S', '192.0.2.67', '-e', 'a0', VICTIM4]);
        await nmap(lab, ['-sS', '-p', '1-50', VICTIM4]);
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')));
        assert.ok(!kernelSet(lab.victim, 'banned4').includes('192.0.2.67'));
      } finally {
        await watch.stop();
      }
    } finally {
      lab.close();
    }
  },
);

test(
  'a SIGHUP while a stopping watch waits for a running KILL_RUN_CMD does not kill it',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  async () => {
    const lab = openLab();
    try {
      const marker = join(lab.dir, 'command-done');
      const watch = await startWatch(lab, writeConfig(lab.dir, { KILL_RUN_CMD: `sleep 2; touch ${marker}` }));
      await nmap(lab, ['-sS', '-p', '1-50', VICTIM4]);
      assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')), watch.stderr());
      const stopped = watch.stop();
      await new Promise((resolve) => setTimeout(resolve, 300));
      watch.child.kill('SIGHUP');
      assert.equal(await stopped, 0, watch.stderr());
      assert.ok(
        watch.events.some((e) => e.event === 'stopped'),
        watch.stderr(),
      );
      assert.ok(existsSync(marker));
    } finally {
      lab.close();
    }
  },
);
