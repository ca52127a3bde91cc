// Every command fails the same way: one sentence on stderr, the documented exit code, no stack trace, and under
// --json a machine-readable error on stdout as well.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

const noStack = (text: string) => assert.doesNotMatch(text, /^\s+at /m, 'no stack trace');

test('bad input under --json: one line on stderr, {"error": ...} on stdout, exit 1', () => {
  const r = runCli(['replay', 'package.json', '--json', '--config', 'embedded']);
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^portsentinel: "package\.json" is not a pcap or pcapng capture/);
  const out = JSON.parse(r.stdout);
  assert.equal(out.error.code, 'E_CAPTURE_FORMAT');
  assert.equal(out.error.exitCode, 1);
  noStack(r.stderr);
});

test('an unknown flag is a usage error: exit 2, one line', () => {
  const r = runCli(['config', 'validate', '--no-such-flag']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--no-such-flag/);
  noStack(r.stderr);
});

test('a bad duration names the flag and the value', () => {
  const r = runCli(['ban', '192.0.2.66', '--timeout', 'soon', '--backend', 'file', '--state-dir', '/nonexistent/x']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--timeout "soon"/);
  noStack(r.stderr);
});
