// `nft flush ruleset` (a firewall service's reload) and `nft delete table inet portsentinel` while watch runs: its
// table, sets, drop and NFLOG rules and every running journal ban are back within a second, and a new scan is
// banned.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { inLab, kernelSet, nmap, VICTIM4, waitFor, whileWatching, writeConfig } from '../e2e/watch-harness.js';
import { chainComplete, sleep } from './attack-harness.js';

const wipes: Array<[string, string[]]> = [
  ['nft flush ruleset', ['flush', 'ruleset']],
  ['nft delete table inet portsentinel', ['delete', 'table', 'inet', 'portsentinel']],
];

for (const [name, args] of wipes) {
  test(`after \`${name}\` the objects and running bans are back within 1 s`, { skip: kernelSkipReason('nmap') }, () =>
    inLab(
      async (lab) => {
        const { code } = await whileWatching(lab, writeConfig(lab.dir), [], async (watch) => {
          await nmap(lab, ['-sS', '-p', '1-50', '-e', 'a0', VICTIM4]);
          assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')), watch.stderr());
          // Its journal line is written right after the kernel ban.
          const journal = join(lab.dir, 'state', 'journal.jsonl');
          assert.ok(await waitFor(() => readFileSync(journal, 'utf8').includes('"target":"192.0.2.66"')));
          await sleep(300);

          const wiped = lab.victim.run('nft', args);
          assert.equal(wiped.status, 0, wiped.stderr);
          const t0 = Date.now();
          assert.equal(kernelSet(lab.victim, 'banned4').length, 0, 'the wipe took the set');
          const back = await waitFor(
            () => chainComplete(lab) && kernelSet(lab.victim, 'banned4').includes('192.0.2.66'),
            5000,
          );
          const ms = Date.now() - t0;
          assert.ok(back, `objects not back: ${watch.stderr()}`);
          assert.ok(ms <= 1000, `back after ${ms} ms`);
          const line = /kernel objects were removed .* re-created them and re-applied 1 running ban/;
          assert.ok(await waitFor(() => line.test(watch.stderr())), watch.stderr());

          // Still watching: a new scanner is banned.
          await nmap(lab, ['-sS', '-p', '1-50', '-S', '192.0.2.67', '-e', 'a0', VICTIM4]);
          assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.67')), watch.stderr());
        });
        assert.equal(code, 0);
      },
      ['192.0.2.67'],
    ),
  );
}

test(
  'route backend: a blackhole route deleted behind its back is put back',
  { skip: kernelSkipReason('nmap', 'tcpdump') },
  () =>
    inLab(async (lab) => {
      const config = writeConfig(lab.dir, { KILL_HOSTS_DENY: '' });
      const routed = () => /blackhole 192\.0\.2\.66/.test(lab.victim.ip('route', 'show', 'proto', '153'));
      const { code } = await whileWatching(lab, config, ['--backend', 'route'], async (watch) => {
        await nmap(lab, ['-sS', '-p', '1-50', '-e', 'a0', VICTIM4]);
        assert.ok(await waitFor(routed), watch.stderr());
        const journal = join(lab.dir, 'state', 'journal.jsonl');
        assert.ok(await waitFor(() => readFileSync(journal, 'utf8').includes('"target":"192.0.2.66"')));
        lab.victim.ip('route', 'del', 'blackhole', '192.0.2.66');
        assert.ok(!routed());
        assert.ok(await waitFor(routed, 5000), `route not put back: ${watch.stderr()}`);
        assert.ok(await waitFor(() => /re-applied 1 running ban/.test(watch.stderr())), watch.stderr());
      });
      assert.equal(code, 0);
    }),
);
