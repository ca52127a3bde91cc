// `config validate` and `config show` run as a user would (bin/run.js; needs `npm run build` for the manifest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, repoRoot } from '../helpers/cli.js';
import { validate as validateValidateGenerated } from '../../src/generated/config-validate.js';
import { validate as validateShowGenerated } from '../../src/generated/config-show.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };
const validateValidateJson = validateValidateGenerated as Validator;
const validateShowJson = validateShowGenerated as Validator;

const good = join(repoRoot, 'fixtures', 'configs', 'good', 'portsentry-2x-example.conf');
const bad = join(repoRoot, 'fixtures', 'configs', 'bad', 'block-tcp-out-of-range.conf');
const binary = join(repoRoot, 'fixtures', 'configs', 'bad', 'binary.conf');
const LINE = /^(.+):(\d+):(\d+) (error|warning) (\S+) (.+)$/;

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at /);
}

test('validate: a good config exits 0 with problem lines and a summary', () => {
  const r = runCli(['config', 'validate', '--config', good]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  for (const line of lines.slice(0, -1)) assert.match(line, LINE);
  assert.match(lines.at(-1)!, /: valid \(PortSentry 2\.x dialect\), 0 errors, \d+ warnings?$/);
});

test('validate: a bad config exits 1 and names file, line, column and key', () => {
  const r = runCli(['config', 'validate', '--config', bad]);
  assert.equal(r.status, 1);
  const errors = r.stdout.split('\n').filter((l) => / error /.test(l) && LINE.test(l));
  assert.equal(errors.length, 1, r.stdout);
  const m = LINE.exec(errors[0])!;
  assert.deepEqual([m[1], m[2], m[3], m[5]], [bad, '12', '1', 'BLOCK_TCP']);
  assert.match(r.stdout, /invalid .* 1 error/);
  assertNoStack(r.stdout + r.stderr);
});

test('validate --json: schema-valid result, exit code still 1 when invalid', () => {
  const ok = runCli(['config', 'validate', '--config', good, '--json']);
  assert.equal(ok.status, 0);
  const okJson = JSON.parse(ok.stdout);
  assert.ok(validateValidateJson(okJson), JSON.stringify(validateValidateJson.errors));
  assert.equal(okJson.valid, true);

  const ko = runCli(['config', 'validate', '--config', bad, '--json']);
  assert.equal(ko.status, 1);
  const koJson = JSON.parse(ko.stdout);
  assert.ok(validateValidateJson(koJson), JSON.stringify(validateValidateJson.errors));
  assert.equal(koJson.valid, false);
  assert.deepEqual(
    koJson.errors.map((e: { line: number; key: string }) => [e.line, e.key]),
    [[12, 'BLOCK_TCP']],
  );
});

test('validate: a binary file is one clean error, exit 1', () => {
  const r = runCli(['config', 'validate', '--config', binary]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /binary file/);
  assertNoStack(r.stdout + r.stderr);
});

test('validate: a config path that does not exist is one sentence on stderr, exit 1', () => {
  const r = runCli(['config', 'validate', '--config', '/nonexistent/portsentry.conf']);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /"\/nonexistent\/portsentry\.conf" does not exist/);
});

test('show --json: effective config with defaults marked, schema-valid', () => {
  const r = runCli(['config', 'show', '--config', good, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout);
  assert.ok(validateShowJson(json), JSON.stringify(validateShowJson.errors));
  assert.equal(json.dialect, '2.x');
  assert.deepEqual(json.keys.TCP_MODE, { value: 'atcp', default: true });
  assert.equal(json.keys.TCP_PORTS.default, false);
  assert.match(json.keys.TCP_PORTS.value, /512-515/);
  assert.ok(json.config.tcpPorts.includes(513));
});

test('show: KEY="value" lines, defaults commented', () => {
  const r = runCli(['config', 'show', '--config', good]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^BAN_TIMEOUT="1h" {2}# default$/m);
  assert.match(r.stdout, /^IGNORE_FILE="\/etc\/portsentry\/portsentry\.ignore"$/m);
});

test('show: a config with errors is refused with the first error, exit 1', () => {
  const r = runCli(['config', 'show', '--config', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr.trim(), /:12:1: BLOCK_TCP value "3" must be one of 0, 1, 2$/);
  assertNoStack(r.stderr);
});
