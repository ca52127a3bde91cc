// Which configuration a command reads is said when --config was not given, and only then.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const expected = existsSync('/etc/portsentry/portsentry.conf')
  ? /^portsentinel: no --config given: using \/etc\/portsentry\/portsentry\.conf/m
  : /^portsentinel: no --config given: using the built-in configuration/m;

test('commands that read a config name the one they picked when --config is absent', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-notice-'));
  try {
    for (const args of [
      ['config', 'show', '--json'],
      ['bans', 'list', '--backend', 'file', '--state-dir', dir],
      ['status', '--backend', 'file', '--state-dir', dir],
    ]) {
      const r = runCli(args);
      assert.match(r.stderr, expected, `${args.join(' ')}: ${r.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an explicit --config (a file or embedded) is not announced', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-notice-'));
  try {
    const conf = join(dir, 'portsentry.conf');
    writeFileSync(conf, 'TCP_PORTS="1,11"\nUDP_PORTS="1"\n', { mode: 0o600 });
    for (const config of [conf, 'embedded']) {
      const r = runCli(['bans', 'list', '-c', config, '--backend', 'file', '--state-dir', dir]);
      assert.doesNotMatch(r.stderr, /no --config given/, r.stderr);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
