// The shipped systemd unit passes systemd's own checker (with the binary path pointed at one that exists here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertUnitVerifies, readUnit } from '../helpers/systemd-unit.js';
import { toolSkipReason } from '../helpers/tools.js';

test(
  'packaging/systemd/portsentinel.service passes systemd-analyze verify',
  { skip: toolSkipReason('systemd-analyze') },
  () => {
    const unit = readUnit('portsentinel.service');
    assert.match(unit, /^ExecStartPre=\/usr\/bin\/portsentinel setup --restore$/m);
    assert.match(unit, /^ExecStart=\/usr\/bin\/portsentinel watch$/m);
    assert.match(unit, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    assertUnitVerifies('portsentinel.service', unit);
  },
);
