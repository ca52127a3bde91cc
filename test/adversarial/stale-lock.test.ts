// A lock the kernel releases: journal.lock naming a live pid that is not ours (1), garbage or nothing, or left by
// a `ban` killed with SIGKILL while it held it, never blocks the next command; a live holder is waited for, and
// named while waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { kernelTargets, makeLab, ok, spawnCli } from './lab.js';

const skip = kernelSkipReason('flock');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a stale lock never blocks; a held one is waited for and named', { skip }, async (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const lock = join(lab.stateDir, 'journal.lock');
  ok(lab.cli(['setup']));
  let i = 1;
  const timed = (what: string) => {
    const start = process.hrtime.bigint();
    ok(lab.cli(['ban', `198.51.100.${i++}`]));
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    t.diagnostic(`ban with ${what}: ${ms.toFixed(0)} ms`);
    return ms;
  };
  timed('no lock file');
  for (const [what, content] of [
    ['a lock naming pid 1', '1\n'],
    ['a garbage lock', 'garbage\n'],
    ['an empty lock', ''],
  ]) {
    writeFileSync(lock, content, { mode: 0o600 });
    // Far below the 15 s a stale lock used to cost: the command does not wait at all.
    assert.ok(timed(what) < 5000, `${what} cost no wait`);
  }

  // Killed while holding the lock, in the middle of a big ban.
  const file = join(lab.root, 'many');
  let text = '';
  for (let n = 0; n < 200_000; n++) text += `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}\n`;
  writeFileSync(file, text);
  const child = spawnCli(lab, ['ban', '--file', file, ...lab.flags]);
  // Killed once it holds the lock (its pid is in the file), before it finishes.
  for (let n = 0; n < 200 && readFileSync(lock, 'utf8').trim() !== String(child.pid); n++) await sleep(25);
  assert.equal(readFileSync(lock, 'utf8').trim(), String(child.pid), 'the big ban took the lock');
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  await sleep(200);
  assert.ok(timed('the lock of a ban killed by SIGKILL') < 5000);

  // A live holder (flock(1) on the same file, for 3 s): waited for, and named.
  const holder = spawn('flock', [lock, 'sleep', '3'], { stdio: 'ignore' });
  await sleep(300);
  const start = Date.now();
  const r = lab.cli(['ban', '198.51.100.200']);
  const waited = Date.now() - start;
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /waiting for the lock on .*, held by/);
  assert.ok(waited >= 2000, `waited for the holder (${waited} ms)`);
  await new Promise((res) => (holder.exitCode === null ? holder.once('exit', res) : res(undefined)));
  assert.ok(kernelTargets(lab).has('198.51.100.200'));
});
