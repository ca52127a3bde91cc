// The shipped systemd unit passes systemd's own checker (with the binary path pointed at one that exists here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { toolSkipReason } from '../helpers/tools.js';

test(
  'packaging/systemd/portsentinel.service passes systemd-analyze verify',
  { skip: toolSkipReason('systemd-analyze') },
  () => {
    const unit = readFileSync(join(repoRoot, 'packaging', 'systemd', 'portsentinel.service'), 'utf8');
    assert.match(unit, /^ExecStartPre=\/usr\/bin\/portsentinel setup --restore$/m);
    assert.match(unit, /^ExecStart=\/usr\/bin\/portsentinel watch$/m);
    assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    const dir = mkdtempSync(join(tmpdir(), 'pst-unit-'));
    try {
      const file = join(dir, 'portsentinel.service');
      writeFileSync(file, unit.replaceAll('/usr/bin/portsentinel', '/bin/true'));
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
