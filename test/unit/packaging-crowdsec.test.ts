// The bouncer's systemd unit passes systemd's own checker (with the binary path pointed at one that exists here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { toolSkipReason } from '../helpers/tools.js';

test(
  'packaging/systemd/portsentinel-crowdsec.service passes systemd-analyze verify',
  { skip: toolSkipReason('systemd-analyze') },
  () => {
    const unit = readFileSync(join(repoRoot, 'packaging', 'systemd', 'portsentinel-crowdsec.service'), 'utf8');
    assert.match(unit, /^ExecStart=\/usr\/bin\/portsentinel crowdsec pull$/m);
    const dir = mkdtempSync(join(tmpdir(), 'pst-unit-'));
    try {
      const file = join(dir, 'portsentinel-crowdsec.service');
      writeFileSync(file, unit.replaceAll('/usr/bin/portsentinel', '/bin/true'));
      const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stderr.trim(), '', 'no warnings');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
