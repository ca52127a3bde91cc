// hosts.deny never holds up the kernel ban: with a 100 MB file the scanner's leak window is as short as with an
// empty one; and an IPv6 scanner's line is one tcpd really denies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, fsyncSync, openSync, readFileSync, writeFileSync, writeSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { startCapture } from '../helpers/tcpdump.js';
import {
  inLab,
  kernelSet,
  nmap,
  startWatch,
  VICTIM4,
  VICTIM6,
  waitFor,
  whileWatching,
  writeConfig,
  type Lab,
} from '../e2e/watch-harness.js';
import { synSweep } from '../../bench/lab.js';
import { measureLeak } from '../../bench/latency/leak.js';
import { sleep } from './attack-harness.js';

/** One hping3 SYN scan (ports 1, 2, 3... every 200 µs, as bench/latency does); returns its leak window in ms. */
async function leakOnce(lab: Lab, hostsDenySize: number): Promise<number> {
  const file = join(lab.dir, 'hosts.deny');
  // Other hosts' lines, as years of bans leave them.
  const chunk = Buffer.from('ALL: 198.51.100.1 : DENY\n'.repeat(40_000));
  const fd = openSync(file, 'w');
  for (let n = 0; n < hostsDenySize; n += chunk.length) writeSync(fd, chunk);
  // On disk before the scan: the kernel writing 100 MB back during it would slow everything, not just us.
  fsyncSync(fd);
  closeSync(fd);
  const watch = await startWatch(lab, writeConfig(lab.dir));
  const pcap = join(lab.dir, `scan-${hostsDenySize}.pcap`);
  try {
    const td = await startCapture(lab.victim, pcap, { snaplen: 128, filter: 'not arp' });
    synSweep(lab.attacker, VICTIM4);
    await sleep(300);
    td.kill('SIGINT');
    await new Promise((r) => td.once('close', r));
    assert.ok(kernelSet(lab.victim, 'banned4').includes('192.0.2.66'), watch.stderr());
    assert.ok(await waitFor(() => readFileSync(file).subarray(-200).toString().includes('ALL: 192.0.2.66 : DENY\n')));
  } finally {
    await watch.stop();
    lab.victim.run('nft', ['delete', 'table', 'inet', 'portsentinel']);
    rmSync(join(lab.dir, 'state'), { recursive: true, force: true });
  }
  assert.ok(statSync(file).size >= hostsDenySize);
  rmSync(file, { force: true });
  const leak = measureLeak(pcap, '192.0.2.66', VICTIM4);
  rmSync(pcap, { force: true });
  return leak.leakMs;
}

test(
  'the kernel ban arrives within the normal leak window with a 100 MB hosts.deny',
  { skip: kernelSkipReason('hping3', 'tcpdump') },
  (t) =>
    inLab(async (lab) => {
      const small = await leakOnce(lab, 0);
      const huge = await leakOnce(lab, 100 << 20);
      t.diagnostic(`leak window: empty hosts.deny ${small.toFixed(2)} ms, 100 MB hosts.deny ${huge.toFixed(2)} ms`);
      // A whole-file read on the ban path costs about a second at this size; the normal window is milliseconds.
      assert.ok(huge < Math.max(50, small * 5), `leak ${huge} ms with 100 MB, ${small} ms with an empty file`);
    }),
);

test(
  'an IPv6 scanner is written to hosts.deny in the form tcpd denies',
  { skip: kernelSkipReason('nmap', 'tcpdmatch') },
  () =>
    inLab(async (lab) => {
      writeFileSync(join(lab.dir, 'hosts.allow'), '');
      await whileWatching(lab, writeConfig(lab.dir), [], async (watch) => {
        await nmap(lab, ['-6', '-sS', '-p', '1-50', '-e', 'a0', VICTIM6]);
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned6').includes('2001:db8::66')), watch.stderr());
        assert.ok(await waitFor(() => readFileSync(join(lab.dir, 'hosts.deny'), 'utf8').includes('2001:db8::66')));
      });
      assert.match(readFileSync(join(lab.dir, 'hosts.deny'), 'utf8'), /^ALL: \[2001:db8::66\] : DENY$/m);
      const r = spawnSync('tcpdmatch', ['-d', 'sshd', '2001:db8::66'], { cwd: lab.dir, encoding: 'utf8' });
      assert.match(r.stdout, /access:\s+denied/, r.stdout + r.stderr);
    }),
);
