// KILL_RUN_CMD runs before the kernel ban with KILL_RUN_CMD_FIRST="1" and after it with "0": the command itself
// asks the kernel whether the scanner is in the set at the moment it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { kernelSet, nmap, openLab, startWatch, VICTIM4, waitFor, writeConfig } from './watch-harness.js';

const skip = kernelSkipReason('nmap', 'tcpdump');

for (const first of ['1', '0'] as const) {
  test(
    `KILL_RUN_CMD_FIRST="${first}": the command sees the scanner ${first === '1' ? 'not yet' : 'already'} banned`,
    { skip },
    async () => {
      const lab = openLab();
      try {
        const seen = join(lab.dir, 'seen.txt');
        const config = writeConfig(lab.dir, {
          KILL_RUN_CMD_FIRST: first,
          // No double quotes: the config value itself is double-quoted.
          KILL_RUN_CMD: `nft get element inet portsentinel banned4 '{ $TARGET$ }' >/dev/null 2>&1 && echo in-set $TARGET$ $PORT$ $MODE$ > ${seen} || echo not-in-set $TARGET$ $PORT$ $MODE$ > ${seen}`,
        });
        const watch = await startWatch(lab, config);
        try {
          await nmap(lab, ['-sS', '-p', '1-50', VICTIM4]);
          assert.ok(await waitFor(() => existsSync(seen) && readFileSync(seen, 'utf8').includes('\n')), watch.stderr());
          assert.ok(await waitFor(() => kernelSet(lab.victim, 'banned4').includes('192.0.2.66')));
        } finally {
          await watch.stop();
        }
        const line = readFileSync(seen, 'utf8').trim();
        assert.match(line, /^(in-set|not-in-set) 192\.0\.2\.66 \d+ atcp$/);
        assert.equal(line.split(' ')[0], first === '1' ? 'not-in-set' : 'in-set');
      } finally {
        lab.close();
      }
    },
  );
}
