// loadConfig / loadConfigOrThrow: the embedded default, file reading, ignore file, missing-path warnings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CONFIG_PATH, loadConfig, loadConfigOrThrow, type ConfigIo } from '../../src/config/load.js';
import { DEFAULT_CONFIG_TEXT } from '../../src/config/default-config.js';
import { parseConfigText } from '../../src/config/parse.js';
import { formatProblem } from '../../src/config/problem.js';
import { InputError } from '../../src/errors.js';

/** An in-memory file system: path → contents; directories are implied by the files in them. */
function memoryIo(files: Record<string, string | Uint8Array>, dirs: string[] = []): ConfigIo {
  return {
    async readFile(p) {
      const f = files[p];
      if (f === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
      return typeof f === 'string' ? Buffer.from(f) : f;
    },
    exists: (p) => p in files || dirs.includes(p) || Object.keys(files).some((f) => f.startsWith(p + '/')),
  };
}

test('the embedded default is valid and picks atcp/audp', () => {
  const r = parseConfigText(DEFAULT_CONFIG_TEXT, 'default');
  assert.deepEqual(r.problems, []);
  assert.equal(r.config.tcpMode, 'atcp');
  assert.equal(r.config.udpMode, 'audp');
  assert.deepEqual(r.config.advancedExcludeUdp, [67, 137, 138, 520]);
});

test('without a path: /etc/portsentry/portsentry.conf when it exists, else the embedded default', async () => {
  const none = await loadConfig(undefined, memoryIo({}));
  assert.equal(none.embedded, true);
  assert.equal(none.file, '<embedded default>');
  const etc = await loadConfig(undefined, memoryIo({ [DEFAULT_CONFIG_PATH]: 'SCAN_TRIGGER="4"\n' }));
  assert.equal(etc.embedded, false);
  assert.equal(etc.file, DEFAULT_CONFIG_PATH);
  assert.equal(etc.config.scanTrigger, 4);
});

test('--config embedded picks the built-in defaults even where /etc/portsentry/portsentry.conf exists', async () => {
  const r = await loadConfig('embedded', memoryIo({ [DEFAULT_CONFIG_PATH]: 'SCAN_TRIGGER="4"\n' }));
  assert.equal(r.embedded, true);
  assert.equal(r.config.scanTrigger, parseConfigText(DEFAULT_CONFIG_TEXT, 'default').config.scanTrigger);
});

test('a missing config file is an InputError naming the path and the fix', async () => {
  await assert.rejects(loadConfig('/nowhere/ps.conf', memoryIo({})), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.match(err.message, /^config file "\/nowhere\/ps\.conf" does not exist; pass an existing/);
    return true;
  });
});

test('the ignore file is read, relative to the config directory, and its bad lines reported in it', async () => {
  const io = memoryIo({
    '/cfg/ps.conf': 'IGNORE_FILE="ps.ignore"\n',
    '/cfg/ps.ignore': '192.0.2.0/24\nnot-an-address\n',
  });
  const r = await loadConfig('/cfg/ps.conf', io);
  assert.equal(r.ignore.length, 1);
  assert.deepEqual(
    r.problems.map((p) => [p.file, p.line, p.severity]),
    [['/cfg/ps.ignore', 2, 'error']],
  );
});

test('missing paths the config names are warnings at their key', async () => {
  const io = memoryIo(
    {
      '/cfg/ps.conf': [
        'IGNORE_FILE="/etc/portsentry/portsentry.ignore"',
        'HISTORY_FILE="/var/lib/portsentry/portsentry.history"',
        'BLOCKED_FILE="/var/lib/portsentry/portsentry.blocked"',
        'KILL_HOSTS_DENY="ALL: $TARGET$"',
        'KILL_RUN_CMD="/usr/local/bin/page-admin $TARGET$"',
        'BLOCK_TCP="1"',
      ].join('\n'),
    },
    ['/'],
  );
  const r = await loadConfig('/cfg/ps.conf', io);
  assert.deepEqual(
    r.problems.map((p) => [p.severity, p.line, p.key]),
    [
      ['warning', 1, 'IGNORE_FILE'],
      ['warning', 2, 'HISTORY_FILE'],
      ['warning', 3, 'BLOCKED_FILE'],
      ['warning', 4, 'HOSTS_DENY_FILE'],
      ['warning', 5, 'KILL_RUN_CMD'],
    ],
  );
});

test('loadConfigOrThrow: the first error formatted, and how many more', async () => {
  const io = memoryIo({ '/c.conf': 'BLOCK_TPC="1"\nSCAN_TRIGGER="x"\nBLOCK_UDP="9"\n' });
  await assert.rejects(loadConfigOrThrow('/c.conf', io), (err: unknown) => {
    assert.ok(err instanceof InputError);
    assert.equal(
      err.message,
      '/c.conf:1:1: BLOCK_TPC is not a known key; did you mean BLOCK_TCP? (2 more errors; run "portsentinel config validate")',
    );
    return true;
  });
  const ok = await loadConfigOrThrow('/c.conf', memoryIo({ '/c.conf': 'SCAN_TRIGGER="2"\n' }));
  assert.equal(ok.config.scanTrigger, 2);
});

test('formatProblem: file:line:col severity KEY message', () => {
  assert.equal(
    formatProblem({ severity: 'error', file: 'a.conf', line: 3, column: 1, key: 'BLOCK_TCP', message: 'm' }),
    'a.conf:3:1 error BLOCK_TCP m',
  );
  assert.equal(
    formatProblem({ severity: 'warning', file: 'i', line: 1, column: 2, key: null, message: 'm' }),
    'i:1:2 warning - m',
  );
});

test('a config that is not UTF-8 is reported, not thrown', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-load-'));
  const path = join(dir, 'latin1.conf');
  writeFileSync(path, Buffer.from('PORT_BANNER="caf\xe9"\n', 'latin1'));
  const r = await loadConfig(path);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0].message, /not UTF-8/);
});
