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

test(
  'SIGHUP with new ports rebuilds the tcpdump filter: probes to a port watched only since the reload are caught',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  async () => {
    const lab = openLab();
    try {
      const config = writeConfig(lab.dir, { TCP_PORTS: '1' });
      const watch = await startWatch(lab, config, ['--capture', 'tcpdump', '--interface', 'v0', '--mode', 'stcp']);
      try {
        await nmap(lab, ['-sS', '-p', '2000-2010', VICTIM4]);
        // The old filter passes port 1 only: nothing reaches the detector.
        assert.equal(await waitFor(() => kernelSet(lab.victim, 'banned4').length > 0, 1500), false, watch.stderr());
        writeConfig(lab.dir, { TCP_PORTS: '1,2000,2001,2002,2003,2004,2005' });
        watch.child.kill('SIGHUP');
        assert.ok(await waitFor(() => watch.events.some((e) => e.event === 'reload' && e.ok === true)), watch.stderr());
        assert.ok(
          watch.events.some((e) => e.event === 'notice' && /capture filter rebuilt/.test(String(e.message))),
          watch.stderr(),
        );
        await nmap(lab, ['-sS', '-p', '2000-2010', VICTIM4]);
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')), watch.stderr());
      } finally {
        await watch.stop();
      }
    } finally {
      lab.close();
    }
  },
);
