import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runShellCommand, describeShellResult } from '../../src/respond/shell.js';

test('runs through /bin/sh: pipes and redirections work, output and status are captured', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-sh-'));
  const out = join(dir, 'out');
  const r = await runShellCommand(`echo 192.0.2.66 | tr . - > ${out} && echo done; echo oops >&2; exit 3`, 5000);
  assert.equal(r.exitCode, 3);
  assert.equal(r.timedOut, false);
  assert.equal(r.notRun, false);
  assert.equal(r.stdout, 'done\n');
  assert.equal(r.stderr, 'oops\n');
  assert.equal(readFileSync(out, 'utf8'), '192-0-2-66\n');
  assert.match(describeShellResult(r), /status 3/);
  rmSync(dir, { recursive: true });
});

test('a missing program is reported as not run (status 127)', async () => {
  const r = await runShellCommand('/nonexistent/iptables -I INPUT', 5000);
  assert.equal(r.exitCode, 127);
  assert.equal(r.notRun, true);
  assert.match(r.stderr, /not found|No such file/);
});

test('a timeout kills the whole process group, grandchildren included', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-sh-'));
  const pidFile = join(dir, 'pid');
  const r = await runShellCommand(`sleep 30 & echo $! > ${pidFile}; wait`, 300);
  assert.equal(r.timedOut, true);
  assert.match(describeShellResult(r), /timed out/);
  const pid = Number(readFileSync(pidFile, 'utf8'));
  // SIGKILL follows SIGTERM after a grace period; wait for the reaper rather than for a fixed time.
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((res) => setTimeout(res, 20));
  assert.equal(processAlive(pid), false, `sleep ${pid} survived the timeout`);
  rmSync(dir, { recursive: true });
});

test('a command that backgrounds a child holding stdout does not stall the caller', async () => {
  const r = await runShellCommand('sleep 5 & echo started', 10_000);
  assert.equal(r.exitCode, 0);
  assert.equal(r.timedOut, false);
  assert.equal(r.stdout, 'started\n');
});

function processAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return !/\) Z /.test(stat);
}
