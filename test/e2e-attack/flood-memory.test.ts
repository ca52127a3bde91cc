// 60 s of a 2,000 packets/s random-source flood, each packet to the next port (so the kernel's per-port share of
// the log rate lets the whole log rate through to the watch): the watch's memory stays flat (bounded per-source state) and its
// log is summarised instead of one line per spoofed packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelSkipReason } from '../helpers/netns.js';
import { openLab, startWatch, VICTIM4, writeConfig } from '../e2e/watch-harness.js';
import { rssKiB, sleep, startFlood } from './attack-harness.js';

test(
  'RSS after 60 s of a 2,000 pkt/s random-source flood is within 15 MiB of RSS after 5 s; under 10 log lines a second',
  { skip: kernelSkipReason('hping3') },
  async (t) => {
    const lab = openLab();
    try {
      const config = writeConfig(lab.dir, { MAX_BANS_PER_MINUTE: '10', KILL_HOSTS_DENY: '' });
      const watch = await startWatch(lab, config);
      const pid = watch.child.pid!;
      const linesBefore = watch.stderr().split('\n').length;
      const flood = startFlood(lab, VICTIM4, { port: 'sweep', intervalUs: 500, count: 130_000 });
      const t0 = Date.now();
      let rss5 = 0;
      let rss60 = 0;
      const samples: number[] = [];
      try {
        while (Date.now() - t0 < 60_000) {
          await sleep(1000);
          const rss = rssKiB(pid);
          samples.push(rss);
          if (rss5 === 0 && Date.now() - t0 >= 5000) rss5 = rss;
        }
        rss60 = rssKiB(pid);
      } finally {
        await flood.stop();
      }
      const seconds = (Date.now() - t0) / 1000;
      const lines = watch.stderr().split('\n').length - linesBefore;
      assert.equal(await watch.stop(), 0);
      t.diagnostic(`RSS 5 s ${rss5} KiB, 60 s ${rss60} KiB; ${lines} log lines in ${seconds.toFixed(1)} s`);
      t.diagnostic(`RSS each second (KiB): ${samples.join(' ')}`);
      assert.ok(rss60 - rss5 <= 15 * 1024, `RSS grew ${((rss60 - rss5) / 1024).toFixed(1)} MiB`);
      assert.ok(lines / seconds < 10, `${lines} lines in ${seconds} s`);
      const received = watch.events.filter((e) => e.event === 'summary').length;
      assert.ok(received > 0, 'the flood was summarised');
    } finally {
      lab.close();
    }
  },
);
