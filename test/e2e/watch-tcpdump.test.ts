// The fallback capture (a tcpdump child) passes the same SYN scan test as NFLOG.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../helpers/netns.js';
import {
  canConnect,
  kernelSet,
  listen,
  nmap,
  openLab,
  startWatch,
  VICTIM4,
  VICTIM6,
  waitFor,
  writeConfig,
} from './watch-harness.js';

test(
  'with --capture tcpdump a SYN scan (IPv4 and IPv6) is banned and cut off',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  async () => {
    const lab = openLab();
    const service = listen(lab, 2222);
    try {
      const watch = await startWatch(lab, writeConfig(lab.dir), ['--capture', 'tcpdump', '--interface', 'v0']);
      try {
        assert.equal(watch.events.find((e) => e.event === 'ready')?.capture, 'tcpdump');
        assert.ok(await waitFor(() => canConnect(lab, VICTIM4, 2222, '192.0.2.66'), 5000), 'baseline connect');
        await nmap(lab, ['-sS', '-p', '1-200', VICTIM4]);
        await nmap(lab, ['-6', '-sS', '-p', '1-200', VICTIM6]);
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')), watch.stderr());
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned6').includes('2001:db8::66')), watch.stderr());
        assert.equal(canConnect(lab, VICTIM4, 2222, '192.0.2.66'), false);
      } finally {
        await watch.stop();
      }
    } finally {
      service.kill();
      lab.close();
    }
  },
);
