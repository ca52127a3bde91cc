// A KILL_ROUTE that fails is a failure everywhere: the log, the JSON stream and the journal never count the host as
// blocked, and its later probes are not "already blocked".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { nmap, openLab, startWatch, VICTIM4, waitFor, writeConfig } from '../e2e/watch-harness.js';

test(
  'a failing KILL_ROUTE is a failure in the log, the JSON and the journal',
  { skip: kernelSkipReason('nmap') },
  async () => {
    const lab = openLab();
    try {
      const config = writeConfig(lab.dir, {
        BAN_BACKEND: 'command',
        KILL_ROUTE: '/bin/false $TARGET$',
        KILL_HOSTS_DENY: '',
      });
      const watch = await startWatch(lab, config, ['--backend', 'command']);
      try {
        await nmap(lab, ['-sS', '-p', '1-50', '-e', 'a0', VICTIM4]);
        assert.ok(await waitFor(() => watch.events.some((e) => e.event === 'response')), watch.stderr());
        // A second scan after the retry delay: tried again, failing again, never "already blocked".
        await new Promise((r) => setTimeout(r, 5500));
        await nmap(lab, ['-sS', '-p', '51-100', '-e', 'a0', VICTIM4]);
        assert.ok(await waitFor(() => watch.events.filter((e) => e.event === 'response').length >= 2), watch.stderr());
      } finally {
        assert.equal(await watch.stop(), 0);
      }
      const log = watch.stderr();
      assert.match(log, /ERROR: KILL_ROUTE for host 192\.0\.2\.66 failed: command exited with status 1/);
      assert.match(log, /Host 192\.0\.2\.66 is not blocked/);
      assert.doesNotMatch(log, /has been blocked/);
      assert.doesNotMatch(log, /already blocked/);
      const responses = watch.events.filter((e) => e.event === 'response');
      for (const r of responses) {
        assert.equal(r.blocked, false);
        const step = (r.actions as Array<{ kind: string; ok?: boolean }>).find((a) => a.kind === 'kill-route');
        assert.equal(step?.ok, false);
      }
      assert.ok(
        !watch.events.some((e) => e.event === 'alert' && (e.verdict === 'already-banned' || e.verdict === 'banned')),
        'an alert said banned',
      );
      const journal = join(lab.dir, 'state', 'journal.jsonl');
      assert.ok(!existsSync(journal) || !readFileSync(journal, 'utf8').includes('192.0.2.66'), 'journaled as banned');
      assert.equal(existsSync(join(lab.dir, 'portsentry.history')), false, 'history says blocked');
    } finally {
      lab.close();
    }
  },
);
