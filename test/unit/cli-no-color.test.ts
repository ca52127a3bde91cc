// Colour on a real terminal (script(1) gives the CLI a pseudo-terminal): on by default, off with NO_COLOR set to
// anything but the empty string (https://no-color.org).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { binRun, repoRoot } from '../helpers/cli.js';
import { toolSkipReason } from '../helpers/tools.js';

const CAPTURE = join(repoRoot, 'fixtures', 'captures', 'syn_scan', 'capture.pcap');
const SGR = /\x1b\[[0-9;]*m/; // eslint-disable-line no-control-regex

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal; what the terminal showed. */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): string {
  const cmd = [process.execPath, binRun, ...args].map(quote).join(' ');
  const clean = { ...process.env };
  delete clean.NO_COLOR;
  delete clean.FORCE_COLOR;
  // chalk turns colour off under CI=true unless it knows the CI vendor: the terminal here is real.
  delete clean.CI;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    encoding: 'utf8',
    env: { ...clean, TERM: 'xterm-256color', ...env },
    cwd: repoRoot,
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  return r.stdout;
}

const replay = ['replay', CAPTURE, '--config', 'embedded'];

test('replay on a terminal is coloured by default', { skip: toolSkipReason('script') }, () => {
  const out = onTerminal(replay, {});
  assert.match(out, /banned/);
  assert.match(out, SGR);
});

test('NO_COLOR=1 on a terminal: not one colour or bold sequence', { skip: toolSkipReason('script') }, () => {
  for (const value of ['1', 'yes']) {
    const out = onTerminal(replay, { NO_COLOR: value });
    assert.match(out, /192\.0\.2\.66 .* banned/);
    assert.doesNotMatch(out, SGR, `NO_COLOR=${value}`);
  }
});

test('NO_COLOR set but empty leaves colour on', { skip: toolSkipReason('script') }, () => {
  assert.match(onTerminal(replay, { NO_COLOR: '' }), SGR);
});
