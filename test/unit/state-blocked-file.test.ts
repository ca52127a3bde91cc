// BLOCKED_FILE as PortSentry 1.2 keeps it: one file per mode (BLOCKED_FILE.atcp, .audp, ...), each ban a line in
// the format of 1.2's WriteBlocked ("%ld - %02d/%02d/%04d %02d:%02d:%02d Host: %s/%s Port: %d %s Blocked").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openContext } from '../../src/bans/context.js';
import { recordBan } from '../../src/watch/record-ban.js';
import { appendBlocked, blockedFileFor } from '../../src/state/blocked-file.js';
import { OperationError } from '../../src/errors.js';

const LINE =
  /^(\d+) - (\d\d)\/(\d\d)\/(\d{4}) (\d\d):(\d\d):(\d\d) Host: ([^/]+)\/([^ ]+) Port: (\d+) (TCP|UDP) Blocked$/;

test('a watch ban goes to the blocked file of its mode in PortSentry 1.2 format, beside the history line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'psn-blocked-'));
  try {
    const base = join(dir, 'portsentry.blocked');
    const history = join(dir, 'portsentry.history');
    const at = Date.UTC(2026, 10, 25, 9, 37, 11);
    for (const [address, port, protocol, mode] of [
      ['10.99.0.2', 11, 'tcp', 'atcp'],
      ['10.99.0.3', 161, 'udp', 'audp'],
      ['10.99.0.4', 12, 'tcp', 'atcp'],
    ] as const) {
      await recordBan({
        stateDir: dir,
        historyFile: history,
        blockedFile: base,
        detection: { address, family: 4, port, protocol, mode, scanType: 'TCP SYN/Normal scan' },
        timeout: 0,
        journal: false,
        at,
      });
    }
    const atcp = readFileSync(`${base}.atcp`, 'utf8').split('\n');
    assert.equal(atcp.pop(), '');
    assert.deepEqual(
      atcp.map((l) => LINE.exec(l)?.slice(8)),
      [
        ['10.99.0.2', '10.99.0.2', '11', 'TCP'],
        ['10.99.0.4', '10.99.0.4', '12', 'TCP'],
      ],
    );
    assert.equal(Number(LINE.exec(atcp[0])![1]), at / 1000);
    assert.match(
      readFileSync(`${base}.audp`, 'utf8'),
      /^\d+ - .* Host: 10\.99\.0\.3\/10\.99\.0\.3 Port: 161 UDP Blocked\n$/,
    );
    assert.equal(existsSync(base), false, 'PortSentry never writes the bare BLOCKED_FILE name');
    // The history file holds the same lines, in the order they were made.
    const all = readFileSync(history, 'utf8');
    assert.equal(all.split('\n').filter((l) => LINE.test(l)).length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BLOCKED_FILE is resolved like HISTORY_FILE: a relative one beside the config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'psn-blocked-'));
  try {
    const conf = join(dir, 'portsentry.conf');
    writeFileSync(conf, 'TCP_PORTS="1"\nBLOCKED_FILE="state/portsentry.blocked"\nBAN_BACKEND="command"\n');
    const ctx = await openContext({ config: conf, stateDir: join(dir, 'lib') });
    try {
      assert.equal(ctx.blockedFile, join(dir, 'state', 'portsentry.blocked'));
      assert.equal(blockedFileFor(ctx.blockedFile!, 'stcp'), join(dir, 'state', 'portsentry.blocked.stcp'));
    } finally {
      await ctx.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a blocked file that cannot be written is one OperationError naming the file and the key', () => {
  assert.throws(
    () => appendBlocked('/nonexistent-dir/portsentry.blocked', 'atcp', ['x\n']),
    (err: unknown) =>
      err instanceof OperationError &&
      err.code === 'E_BLOCKED_FILE' &&
      /\/nonexistent-dir\/portsentry\.blocked\.atcp \(ENOENT\); fix BLOCKED_FILE/.test(err.message),
  );
});
