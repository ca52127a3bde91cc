// Every failing command under --json prints {"error":{code,message,exitCode}} on stdout, as
// schemas/error.schema.json describes, with exitCode the process's exit status and the message also on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { validate } from '../../src/generated/error.js';

const dir = mkdtempSync(join(tmpdir(), 'psn-json-error-'));
const badConf = join(dir, 'bad.conf');
writeFileSync(badConf, 'BLOCK_TCP="7"\n');
const notCapture = join(dir, 'notes.txt');
writeFileSync(notCapture, 'not a capture\n');

const CASES: Array<{ args: string[]; exit: number }> = [
  { args: ['replay', '--json'], exit: 2 },
  { args: ['replay', notCapture, '--config', 'embedded', '--json'], exit: 1 },
  { args: ['replay', join(dir, 'missing.pcap'), '--config', 'embedded', '--json'], exit: 1 },
  { args: ['replay', notCapture, '--config', badConf, '--json'], exit: 1 },
  { args: ['replay', notCapture, '--no-such-flag', '--json'], exit: 2 },
  { args: ['config', 'show', '--config', join(dir, 'missing.conf'), '--json'], exit: 1 },
  { args: ['ban', '192.0.2.300', '--json'], exit: 1 },
  { args: ['ban', '192.0.2.1', '--timeout', 'soon', '--json'], exit: 1 },
  { args: ['unban', '--json'], exit: 2 },
  { args: ['bans', 'list', '--family', '5', '--json'], exit: 2 },
];

test.after(() => rmSync(dir, { recursive: true, force: true }));

for (const c of CASES) {
  test(`${c.args.join(' ')}: a schema-valid JSON error with exit ${c.exit}`, () => {
    const r = runCli(c.args, { env: { PORTSENTINEL_STATE_DIR: join(dir, 'state') } });
    assert.equal(r.status, c.exit, r.stderr);
    const out = JSON.parse(r.stdout) as { error: { code: string; message: string; exitCode: number } };
    assert.ok(validate(out), JSON.stringify((validate as unknown as { errors: unknown }).errors) + r.stdout);
    assert.equal(out.error.exitCode, r.status);
    // The error is stderr's one line, after the notice of which config was read when none was named.
    const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.includes('no --config given'));
    assert.deepEqual(lines, [`portsentinel: ${out.error.message}`]);
  });
}

test('a missing argument is named, and a flag out of range says its range', () => {
  const replay = runCli(['replay']);
  assert.equal(replay.status, 2);
  assert.match(replay.stderr, /^portsentinel: missing argument capture \(capture file \(pcap or pcapng\)/);
  const watch = runCli(['watch', '--nflog-group', '70000']);
  assert.equal(watch.status, 2);
  assert.match(watch.stderr, /^portsentinel: --nflog-group: .*65535.*70000/);
  assert.equal(watch.stderr.split('\n').length, 2, 'one line');
});
