// A spoofed random-source SYN flood fills MAX_BANS_PER_MINUTE; a real nmap scanner probing 100 ports during it is
// still banned within seconds, is never reported blocked before the kernel holds it, and the bans standing from one
// window never exceed the cap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../helpers/netns.js';
import { inLab, kernelSet, nmap, startWatch, VICTIM4, waitFor, writeConfig } from '../e2e/watch-harness.js';
import { sleep, startFlood } from './attack-harness.js';

const CAP = 10;
const SCANNER = '192.0.2.66';

test(
  'during a random-source flood that fills the cap, a real scanner is in the kernel within 5 s',
  { skip: kernelSkipReason('nmap', 'hping3') },
  () =>
    inLab(async (lab) => {
      const config = writeConfig(lab.dir, { MAX_BANS_PER_MINUTE: String(CAP), KILL_HOSTS_DENY: '' });
      const watch = await startWatch(lab, config);
      let maxInKernel = 0;
      const claims: string[] = [];
      let seen = 0;
      /** Every event saying the scanner is blocked must find it in the kernel already. */
      const audit = () => {
        const set = kernelSet(lab.victim, 'banned4');
        maxInKernel = Math.max(maxInKernel, set.length);
        for (; seen < watch.events.length; seen++) {
          const e = watch.events[seen];
          if (e.address !== SCANNER) continue;
          const says =
            (e.event === 'alert' && (e.verdict === 'banned' || e.verdict === 'already-banned')) ||
            (e.event === 'response' && e.blocked === true);
          if (says && !set.includes(SCANNER)) claims.push(JSON.stringify(e));
        }
      };
      const flood = startFlood(lab, VICTIM4, { port: 23, intervalUs: 500, count: 40_000 });
      try {
        assert.ok(
          await waitFor(() => kernelSet(lab.victim, 'banned4').length >= CAP),
          `the flood did not fill the cap: ${watch.stderr()}`,
        );
        await sleep(2000);
        audit();
        const t0 = Date.now();
        const scan = nmap(lab, ['-sS', '-p', '1-100', '-e', 'a0', VICTIM4]);
        let bannedAt = 0;
        while (Date.now() - t0 < 8000) {
          audit();
          if (kernelSet(lab.victim, 'banned4').includes(SCANNER)) {
            bannedAt = Date.now();
            break;
          }
          await sleep(20);
        }
        await scan;
        assert.ok(bannedAt > 0, `scanner never banned during the flood:\n${watch.stderr().slice(-3000)}`);
        assert.ok(bannedAt - t0 <= 5000, `banned ${bannedAt - t0} ms after its first probe`);
        // The flood goes on; the scanner's ban must stand against one-probe sources.
        for (let i = 0; i < 20; i++) {
          audit();
          await sleep(100);
        }
        assert.ok(kernelSet(lab.victim, 'banned4').includes(SCANNER), 'a one-probe source displaced the scanner');
      } finally {
        await flood.stop();
        assert.equal(await watch.stop(), 0);
      }
      audit();
      assert.deepEqual(claims, [], 'reported blocked before the kernel held it');
      assert.ok(maxInKernel <= CAP, `${maxInKernel} bans in the kernel at once, cap ${CAP}`);
      // The whole run is within one 60 s window: bans made minus bans lifted never exceed the cap.
      const made = watch.events.filter((e) => e.event === 'response' && e.blocked === true).length;
      const lifted = watch.events.filter((e) => e.event === 'lifted').length;
      assert.ok(made - lifted <= CAP, `${made} bans, ${lifted} lifted, cap ${CAP}`);
      assert.ok(
        watch.events.some((e) => e.event === 'lifted' && e.for === SCANNER),
        'a one-probe ban was lifted for the scanner',
      );
      const log = watch.stderr().split('\n');
      const firstBlocked = log.findIndex((l) => l.includes(`Host ${SCANNER} has been blocked`));
      const firstAlready = log.findIndex((l) => l.includes(`${SCANNER}/${SCANNER} is already blocked`));
      assert.ok(firstAlready === -1 || firstAlready > firstBlocked, 'already blocked before blocked');
    }),
);
