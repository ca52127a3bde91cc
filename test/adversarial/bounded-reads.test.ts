// Bounded reads: a config, ignore file, hosts.deny or ban list that is a device, a FIFO or too large is refused
// with one sentence and exit 1, at once; a `watch` whose config becomes /dev/zero keeps its running configuration
// on SIGHUP and still stops on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { renameSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { binRun, runCli } from '../helpers/cli.js';
import { makeLab, spawnCli } from './lab.js';

const skip = kernelSkipReason();

function refused(r: { status: number | null; stderr: string }, pattern: RegExp): void {
  assert.equal(r.status, 1, `exit ${r.status}: ${r.stderr}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one sentence: ${r.stderr}`);
}

test('devices, FIFOs and oversized files are refused at once', { skip, timeout: 120_000 }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const quick = { timeout: 20_000 };
  refused(runCli(['config', 'validate', '--config', '/dev/zero'], quick), /\/dev\/zero is a character device/);

  const zeroIgnore = join(lab.root, 'zero-ignore.conf');
  writeFileSync(zeroIgnore, 'TCP_PORTS="1"\nUDP_PORTS="1"\nIGNORE_FILE="/dev/zero"\n');
  for (const args of [
    ['config', 'show'],
    ['bans', 'list', '--state-dir', lab.stateDir],
  ]) {
    const r = runCli([...args, '--config', zeroIgnore], { netns: lab.ns.name, ...quick });
    refused(r, /IGNORE_FILE \/dev\/zero is a character device, not a regular file/);
  }

  const zeroDeny = join(lab.root, 'zero-deny.conf');
  writeFileSync(
    zeroDeny,
    'TCP_PORTS="1"\nUDP_PORTS="1"\nKILL_HOSTS_DENY="ALL: $TARGET$"\nHOSTS_DENY_FILE="/dev/zero"\n',
  );
  refused(
    runCli(['ban', '198.51.100.1', '--config', zeroDeny, '--state-dir', lab.stateDir], {
      netns: lab.ns.name,
      ...quick,
    }),
    /HOSTS_DENY_FILE \/dev\/zero is a character device/,
  );

  refused(lab.cli(['ban', '--file', '/dev/zero'], quick), /--file: \/dev\/zero is a character device/);
  const fifo = join(lab.root, 'fifo');
  execFileSync('mkfifo', [fifo]);
  refused(lab.cli(['ban', '--file', fifo], quick), /is a FIFO, not a regular file/);
  refused(lab.cli(['ban', '--file', lab.root], quick), /is a directory, not a regular file/);
  const big = join(lab.root, 'big');
  writeFileSync(big, '');
  truncateSync(big, 129 * 1024 * 1024);
  refused(lab.cli(['ban', '--file', big], quick), /is larger than \d+ bytes/);
  // Standard input is bounded too: an endless stream is cut off at the limit.
  const stdin = spawn(
    'sh',
    [
      '-c',
      `exec ip netns exec ${lab.ns.name} "$0" "$@" < /dev/zero`,
      process.execPath,
      binRun,
      'ban',
      '--file',
      '-',
      ...lab.flags,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  stdin.stderr.on('data', (d) => (err += d));
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('ban --file - < /dev/zero never ended')), 60_000);
    stdin.once('exit', (code) => {
      clearTimeout(timer);
      try {
        refused({ status: code, stderr: err }, /standard input is larger than \d+ bytes/);
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
});

test('watch keeps its configuration when a reload meets /dev/zero, and stops on SIGTERM', { skip }, async (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const child = spawnCli(lab, ['watch', '--no-syslog', '--capture', 'nflog', ...lab.flags]);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const until = async (what: string, re: RegExp, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!re.test(stderr)) {
      if (Date.now() > end) throw new Error(`never saw ${what}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  try {
    await until('ready', / ready\n/);
    renameSync(lab.config, `${lab.config}.real`);
    symlinkSync('/dev/zero', lab.config);
    child.kill('SIGHUP');
    await until('the refused reload', /reload failed, keeping the running configuration: .*character device/, 10_000);
    const start = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
    assert.equal(code, 0, `watch stopped on SIGTERM (${Date.now() - start} ms): ${stderr}`);
    assert.match(stderr, /stopped on SIGTERM/);
  } finally {
    child.kill('SIGKILL');
  }
});
