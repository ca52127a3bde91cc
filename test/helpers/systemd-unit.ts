// A shipped systemd unit, read from packaging/systemd/ and checked with systemd-analyze verify, with the
// portsentinel binary path pointed at one that exists on the test host.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './cli.js';

/** The text of packaging/systemd/NAME. */
export function readUnit(name: string): string {
  return readFileSync(join(repoRoot, 'packaging', 'systemd', name), 'utf8');
}

/** Asserts that `systemd-analyze verify` accepts the unit NAME with this text, without a warning. */
export function assertUnitVerifies(name: string, unit: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'pst-unit-'));
  try {
    const file = join(dir, name);
    writeFileSync(file, unit.replaceAll('/usr/bin/portsentinel', '/bin/true'));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'no warnings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
