// PortSentry's history line format, for detections and for manual bans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendHistory, formatHistoryLine, formatHistoryTime } from '../../src/state/history.js';

test('a detection line matches PortSentry byte for byte', () => {
  const at = new Date(2026, 10, 25, 9, 37, 11);
  const epoch = Math.floor(at.getTime() / 1000);
  assert.equal(
    formatHistoryLine(at, '10.99.0.2', 11, 'TCP'),
    `${epoch} - 11/25/2026 09:37:11 Host: 10.99.0.2/10.99.0.2 Port: 11 TCP Blocked\n`,
  );
});

test('a manual ban is Port: 0 manual', () => {
  const at = new Date(2026, 0, 2, 3, 4, 5);
  assert.match(
    formatHistoryLine(at, '2001:db8::66', 0, 'manual'),
    /^\d+ - 01\/02\/2026 03:04:05 Host: 2001:db8::66\/2001:db8::66 Port: 0 manual Blocked\n$/,
  );
  assert.equal(formatHistoryTime(at), '01/02/2026 03:04:05');
});

test('history lines are appended, never truncated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pst-history-'));
  try {
    const file = join(dir, 'portsentry.history');
    appendHistory(file, ['a\n']);
    appendHistory(file, ['b\n', 'c\n']);
    assert.equal(readFileSync(file, 'utf8'), 'a\nb\nc\n');
    assert.throws(() => appendHistory(join(dir, 'no/such/dir/h'), ['x\n']), /HISTORY_FILE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
