import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { appendHostsDenyLine } from '../../src/respond/hosts-deny.js';
import { kernelSkipReason } from '../helpers/netns.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ps-hd-'));

test('appends the line once and reports it present the second time', async () => {
  const dir = tmp();
  const f = join(dir, 'hosts.deny');
  writeFileSync(f, '# existing\nALL: 198.51.100.1 : DENY\n');
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.66 : DENY'), 'appended');
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.66 : DENY'), 'present');
  assert.equal(await appendHostsDenyLine(f, 'ALL: 198.51.100.1 : DENY'), 'present');
  assert.equal(readFileSync(f, 'utf8'), '# existing\nALL: 198.51.100.1 : DENY\nALL: 192.0.2.66 : DENY\n');
  rmSync(dir, { recursive: true });
});

test('concurrent appends of the same line write it exactly once', async () => {
  const dir = tmp();
  const f = join(dir, 'hosts.deny');
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) => appendHostsDenyLine(f, `ALL: 192.0.2.${i % 4} : DENY`)),
  );
  assert.equal(results.filter((r) => r === 'appended').length, 4);
  const got = readFileSync(f, 'utf8').trim().split('\n').sort();
  assert.deepEqual(got, [
    'ALL: 192.0.2.0 : DENY',
    'ALL: 192.0.2.1 : DENY',
    'ALL: 192.0.2.2 : DENY',
    'ALL: 192.0.2.3 : DENY',
  ]);
  rmSync(dir, { recursive: true });
});

test('a last line without newline is not glued to ours, and the file is created when missing', async () => {
  const dir = tmp();
  const f = join(dir, 'hosts.deny');
  writeFileSync(f, 'sshd: 10.0.0.1');
  await appendHostsDenyLine(f, 'ALL: 2001:db8::66 : DENY');
  assert.equal(readFileSync(f, 'utf8'), 'sshd: 10.0.0.1\nALL: 2001:db8::66 : DENY\n');
  const g = join(dir, 'new.deny');
  await appendHostsDenyLine(g, 'ALL: 192.0.2.66 : DENY');
  assert.equal(readFileSync(g, 'utf8'), 'ALL: 192.0.2.66 : DENY\n');
  rmSync(dir, { recursive: true });
});

test('a stale lock file left by a crashed writer does not block appends', async () => {
  const dir = tmp();
  const f = join(dir, 'hosts.deny');
  const lock = join(dir, '.hosts.deny.portsentinel.lock');
  writeFileSync(lock, '999999');
  const old = new Date(Date.now() - 60_000);
  spawnSync('touch', ['-d', old.toISOString(), lock]);
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.66 : DENY'), 'appended');
  assert.throws(() => statSync(lock), /ENOENT/);
  rmSync(dir, { recursive: true });
});

test('writes through a bind-mounted hosts.deny (the mount keeps its inode)', { skip: kernelSkipReason() }, () => {
  const dir = tmp();
  const real = join(dir, 'real.deny');
  const mounted = join(dir, 'etc-hosts.deny');
  writeFileSync(real, 'ALL: 198.51.100.1 : DENY\n');
  writeFileSync(mounted, '');
  const mod = fileURLToPath(new URL('../../src/respond/hosts-deny.js', import.meta.url));
  const script =
    `const m = await import(${JSON.stringify(mod)});` +
    `const a = await m.appendHostsDenyLine(${JSON.stringify(mounted)}, 'ALL: 192.0.2.66 : DENY');` +
    `const b = await m.appendHostsDenyLine(${JSON.stringify(mounted)}, 'ALL: 192.0.2.66 : DENY');` +
    `console.log(a, b);`;
  // A private mount namespace: the bind mount never shows on the host and vanishes with the process.
  const r = spawnSync(
    'unshare',
    [
      '-m',
      'sh',
      '-c',
      `mount --make-rprivate / && mount --bind "$1" "$2" && exec "$3" --input-type=module -e "$4"`,
      'sh',
      real,
      mounted,
      process.execPath,
      script,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'appended present');
  assert.equal(readFileSync(real, 'utf8'), 'ALL: 198.51.100.1 : DENY\nALL: 192.0.2.66 : DENY\n');
  assert.equal(readFileSync(mounted, 'utf8'), '', 'the write went to the mounted file, not the mount point');
  rmSync(dir, { recursive: true });
});

test('a huge hosts.deny is not read whole: only its end is checked for the line', async () => {
  const dir = tmp();
  const f = join(dir, 'hosts.deny');
  // 8 MB of other hosts, one of our lines near the end; reading only the tail must still find it.
  const filler = 'ALL: 198.51.100.1 : DENY\n'.repeat(320_000);
  writeFileSync(f, `${filler}ALL: 192.0.2.66 : DENY\nsshd: 10.0.0.1\n`);
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.66 : DENY'), 'present');
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.67 : DENY'), 'appended');
  assert.equal(await appendHostsDenyLine(f, 'ALL: 192.0.2.67 : DENY'), 'present');
  assert.ok(readFileSync(f, 'utf8').endsWith('sshd: 10.0.0.1\nALL: 192.0.2.67 : DENY\n'));
  rmSync(dir, { recursive: true });
});
