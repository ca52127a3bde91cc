// Where watch would otherwise be silently blind or misleading: classic TCP mode, and a second watch on a bound
// NFLOG group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { runCli } from '../helpers/cli.js';
import { inLab, whileWatching, writeConfig } from '../e2e/watch-harness.js';

test('classic TCP_MODE="tcp" is warned about by config validate and by watch', { skip: kernelSkipReason() }, () =>
  inLab(async (lab) => {
    const config = writeConfig(lab.dir, { TCP_MODE: 'tcp', UDP_MODE: 'sudp' });
    const validate = runCli(['config', 'validate', '--config', config]);
    assert.match(validate.stdout + validate.stderr, /TCP_MODE.*"tcp" \(classic\) is not watched live/);
    await whileWatching(lab, config, [], async (watch) => {
      assert.match(watch.stderr(), /warning: TCP_MODE\/--mode "tcp" \(classic\) is not watched live/);
      const notice = watch.events.find((e) => e.event === 'notice' && /classic/.test(String(e.message)));
      assert.ok(notice, 'a JSON notice too');
    });
  }),
);

test(
  'a second watch on the same NFLOG group says the group is bound, not that it needs CAP_NET_ADMIN',
  { skip: kernelSkipReason() },
  () =>
    inLab(async (lab) => {
      const config = writeConfig(lab.dir);
      await whileWatching(lab, config, [], async () => {
        const second = runCli(['watch', '--config', config, '--state-dir', join(lab.dir, 'state2'), '--no-syslog'], {
          netns: lab.victim.name,
          timeout: 30_000,
        });
        assert.notEqual(second.status, 0);
        assert.match(second.stderr, /NFLOG group 4711 is already bound \(another watch running\?\)/);
        assert.doesNotMatch(second.stderr, /CAP_NET_ADMIN/);
      });
    }),
);
