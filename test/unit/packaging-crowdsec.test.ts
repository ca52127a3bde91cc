// The bouncer's systemd unit passes systemd's own checker (with the binary path pointed at one that exists here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertUnitVerifies, readUnit } from '../helpers/systemd-unit.js';
import { toolSkipReason } from '../helpers/tools.js';

test(
  'packaging/systemd/portsentinel-crowdsec.service passes systemd-analyze verify',
  { skip: toolSkipReason('systemd-analyze') },
  () => {
    const unit = readUnit('portsentinel-crowdsec.service');
    assert.match(unit, /^ExecStart=\/usr\/bin\/portsentinel crowdsec pull$/m);
    assertUnitVerifies('portsentinel-crowdsec.service', unit);
  },
);
