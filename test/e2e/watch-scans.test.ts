// Real nmap scans from the attacker namespace against `portsentinel watch` in the victim namespace: the scanner
// lands in the kernel set, its later connections go unanswered, and the journal and hosts.deny record it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const skip = kernelSkipReason('nmap', 'tcpdump');

test(
  'SYN, FIN, UDP and IPv6 SYN scans are banned in the kernel set; later probes go unanswered',
  { skip },
  async () => {
    const lab = openLab(['192.0.2.67', '192.0.2.68']);
    const service = listen(lab, 2222);
    try {
      const watch = await startWatch(lab, writeConfig(lab.dir));
      try {
        assert.ok(await waitFor(() => canConnect(lab, VICTIM4, 2222, '192.0.2.66'), 5000), 'baseline connect');
        assert.ok(canConnect(lab, VICTIM6, 2222, '2001:db8::66'), 'baseline IPv6 connect');

        await nmap(lab, ['-sS', '-p', '1-200', VICTIM4]);
        await nmap(lab, ['-sF', '-p', '1-200', '-S', '192.0.2.67', '-e', 'a0', VICTIM4]);
        await nmap(lab, ['-sU', '-p', '1-100', '-S', '192.0.2.68', '-e', 'a0', VICTIM4]);
        await nmap(lab, ['-6', '-sS', '-p', '1-200', VICTIM6]);

        const want4 = ['192.0.2.66', '192.0.2.67', '192.0.2.68'];
        assert.ok(
          await waitFor(() => want4.every((a) => kernelSet(lab.victim, 'banned4').includes(a))),
          `banned4 = ${kernelSet(lab.victim, 'banned4').join(',')}; ${watch.stderr()}`,
        );
        assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned6').includes('2001:db8::66')));

        assert.equal(canConnect(lab, VICTIM4, 2222, '192.0.2.66'), false, 'the banned scanner still connects');
        assert.equal(canConnect(lab, VICTIM6, 2222, '2001:db8::66'), false, 'the banned IPv6 scanner still connects');
      } finally {
        assert.equal(await watch.stop(), 0);
      }
      const alerts = watch.events.filter((e) => e.event === 'alert' && e.verdict === 'banned');
      const byAddr = new Map(alerts.map((e) => [e.address, e.scanType]));
      assert.equal(byAddr.get('192.0.2.66'), 'TCP SYN/Normal scan');
      assert.equal(byAddr.get('192.0.2.67'), 'TCP FIN scan');
      assert.equal(byAddr.get('192.0.2.68'), 'UDP scan');
      assert.equal(byAddr.get('2001:db8::66'), 'TCP SYN/Normal scan');
      const journal = readFileSync(join(lab.dir, 'state', 'journal.jsonl'), 'utf8');
      for (const a of ['192.0.2.66', '192.0.2.67', '192.0.2.68', '2001:db8::66']) {
        assert.match(journal, new RegExp(`"target":"${a}".*"origin":"watch"`));
      }
      const deny = readFileSync(join(lab.dir, 'hosts.deny'), 'utf8').trim().split('\n').sort();
      assert.deepEqual(deny, [
        'ALL: 192.0.2.66 : DENY',
        'ALL: 192.0.2.67 : DENY',
        'ALL: 192.0.2.68 : DENY',
        'ALL: [2001:db8::66] : DENY',
      ]);
      assert.match(
        readFileSync(join(lab.dir, 'portsentry.history'), 'utf8'),
        /Host: 192\.0\.2\.66\/192\.0\.2\.66 Port: \d+ TCP Blocked/,
      );
    } finally {
      service.kill();
      lab.close();
    }
  },
);
