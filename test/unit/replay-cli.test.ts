// The replay command as a user runs it: human and JSON output, bad input, truncated captures, standard input.
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binRun, repoRoot, runCli } from '../helpers/cli.js';
import { validate } from '../../src/generated/replay-report.js';
import type { ReplayReport } from '../../src/replay/report-types.js';

const fixture = join(repoRoot, 'fixtures', 'captures', 'syn_scan');
const capture = join(fixture, 'capture.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'psn-replay-cli-'));
const config = join(tmp, 'portsentry.conf');
writeFileSync(
  config,
  readFileSync(join(fixture, 'portsentry.conf'), 'utf8')
    .replaceAll('@FIXTURE_DIR@', fixture)
    .replaceAll('@STATE_DIR@', tmp),
);

function replayJson(args: string[], input?: Buffer): ReplayReport {
  const r = runCli(['replay', ...args, '--config', config, '--json'], { input });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as ReplayReport;
  assert.ok(validate(report), JSON.stringify((validate as unknown as { errors: unknown }).errors));
  return report;
}

test('human output: summary, source table and the ban’s actions in PortSentry’s order', () => {
  const r = runCli(['replay', capture, '--config', config]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /2050 packets/);
  assert.match(r.stdout, /192\.0\.2\.10 \(inferred/);
  assert.match(r.stdout, /192\.0\.2\.66 +\S+ +53\/tcp +TCP SYN\/Normal scan +atcp +\d+ +\d+ +banned/);
  const deny = r.stdout.indexOf('append "ALL: 192.0.2.66 : DENY" to /etc/hosts.deny');
  const ban = r.stdout.indexOf('ban-set add 192.0.2.66 to inet portsentinel banned4');
  const run = r.stdout.indexOf(`run /bin/echo run 192.0.2.66 53 atcp >> ${tmp}/actions.log`);
  assert.ok(deny > 0 && ban > deny && run > ban, r.stdout);
  assert.ok(!r.stdout.includes('\u001b['), 'no colour when NO_COLOR is set');
  assert.doesNotMatch(r.stdout, /attackalert/, 'alert lines only with --log');
});

test('--log prints the attackalert lines', () => {
  const r = runCli(['replay', capture, '--config', config, '--log', '--backend', 'command']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /attackalert: TCP SYN\/Normal scan from host: 192\.0\.2\.66\/192\.0\.2\.66 to TCP port: 53/);
  assert.match(r.stdout, /attackalert: Host 192\.0\.2\.66 has been blocked via dropped route using command: /);
  assert.match(r.stdout, /attackalert: Host: 192\.0\.2\.66\/192\.0\.2\.66 is already blocked Ignoring/);
});

test('--json validates against the schema and names hosts, listeners and the ban', () => {
  const report = replayJson([capture]);
  assert.equal(report.capture.format, 'pcap');
  assert.equal(report.capture.packets, 2050);
  assert.deepEqual(report.hosts, [{ address: '192.0.2.10', family: 4, basis: 'answers' }]);
  assert.deepEqual(report.listening.tcp, [22, 80]);
  assert.equal(report.bans.length, 1);
  assert.deepEqual(
    report.bans[0].actions.map((a) => a.kind),
    ['hosts-deny', 'ban-set', 'run'],
  );
  assert.equal(report.sources[0].verdict, 'banned');
  assert.ok(report.alerts.length > 1);
  assert.ok(
    report.alerts.every((a) => a.log === undefined),
    'log lines only with --log',
  );
  const withLog = replayJson([capture, '--log']);
  assert.match(withLog.alerts[0].log?.[0] ?? '', /^attackalert: TCP SYN\/Normal scan from host: 192\.0\.2\.66/);
});

test('the same capture gives byte-identical JSON', () => {
  const a = runCli(['replay', capture, '--config', config, '--json']);
  const b = runCli(['replay', capture, '--config', config, '--json']);
  assert.equal(a.status, 0);
  assert.equal(a.stdout, b.stdout);
});

test('standard input (-) gives the same verdicts as the file', () => {
  const fromFile = replayJson([capture]);
  const fromStdin = replayJson(['-'], readFileSync(capture));
  assert.deepEqual(fromStdin.bans, fromFile.bans);
  assert.deepEqual(fromStdin.sources, fromFile.sources);
  assert.deepEqual(fromStdin.hosts, fromFile.hosts);
  assert.deepEqual(fromStdin.listening, fromFile.listening);
  assert.equal(fromStdin.capture.files[0].path, '-');
});

test('a text file is refused in one sentence, exit 1', () => {
  const text = join(tmp, 'notes.txt');
  writeFileSync(text, 'this is not a capture\n');
  const r = runCli(['replay', text, '--config', config]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /notes\.txt.*not a pcap or pcapng capture/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a truncated capture is judged up to the cut, with a warning naming the byte offset', () => {
  const bytes = readFileSync(capture);
  const cut = join(tmp, 'cut.pcap');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
  const r = runCli(['replay', cut, '--config', config, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*cut\.pcap.* ends inside a record at byte \d+/);
  const report = JSON.parse(r.stdout) as ReplayReport;
  assert.equal(report.capture.truncated, true);
  assert.equal(report.bans[0].address, '192.0.2.66');
});

test('--listening and --host replace inference', () => {
  const report = replayJson([capture, '--host', '192.0.2.10', '--listening', 'tcp:22,53,80', '--listening', 'udp:']);
  assert.deepEqual(report.hosts, [{ address: '192.0.2.10', family: 4, basis: 'flag' }]);
  assert.deepEqual(report.listening, { tcp: [22, 53, 80], udp: [], tcpBasis: 'flag', udpBasis: 'flag' });
  assert.notEqual(report.bans[0].port, 53, 'a listened port is no tripwire');
  assert.ok(!report.alerts.some((a) => a.port === 53));
});

test('--host naming another address judges nothing', () => {
  const report = replayJson([capture, '--host', '192.0.2.99']);
  assert.equal(report.bans.length, 0);
});

test('--mode stcp watches only TCP_PORTS', () => {
  const report = replayJson([capture, '--mode', 'stcp']);
  assert.equal(report.bans[0].mode, 'stcp');
  const listed = [1, 11, 15, 79, 111, 119, 143, 540, 635, 1080, 1524, 2000, 5742, 6667, 12345];
  assert.ok(report.alerts.every((a) => listed.includes(a.port) || a.port > 1024));
});

for (const [flag, value, pattern] of [
  ['--mode', 'atcp,bogus', /--mode "atcp,bogus": "bogus" is not a mode/],
  ['--host', '192.0.2.300', /--host "192\.0\.2\.300" is not an IPv4 or IPv6 address/],
  ['--listening', 'sctp:22', /--listening "sctp:22"/],
  ['--listening', 'tcp:99999', /--listening "tcp:99999": "99999" is not a port/],
] as const) {
  test(`bad ${flag} ${value} is refused with a sentence naming it`, () => {
    const r = runCli(['replay', capture, '--config', config, flag, value]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
}

test('repeatable flags before the captures do not swallow them; several captures are judged as one stream', () => {
  const fin = join(repoRoot, 'fixtures', 'captures', 'fin_scan', 'capture.pcap');
  const r = runCli([
    'replay',
    '--host',
    '192.0.2.10',
    capture,
    '--listening',
    'tcp:22,80',
    fin,
    '--config',
    config,
    '--json',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout) as ReplayReport;
  assert.deepEqual(
    report.capture.files.map((f) => f.path),
    [capture, fin],
  );
  assert.deepEqual(
    report.bans.map((b) => b.address),
    ['192.0.2.66', '192.0.2.67'],
  );
});

test('a reader that stops early ends the command quietly; an unwritable standard output is one sentence, exit 1', () => {
  const run = (redirect: string) =>
    spawnSync(
      'bash',
      [
        '-c',
        `"$0" "$1" replay "$2" --config "$3" --json --log 2>"$4" ${redirect}; echo "exit \${PIPESTATUS[0]}"`,
        process.execPath,
        binRun,
        capture,
        config,
        join(tmp, 'stderr.txt'),
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
  for (const fastPath of ['1', '0']) {
    process.env.PORTSENTINEL_FAST_PATH = fastPath;
    // 475 kB of JSON into a pipe whose reader leaves after 10 bytes
    const early = run('| head -c 10 >/dev/null');
    assert.match(early.stdout, /^exit 0$/m, `fast path ${fastPath}`);
    assert.equal(readFileSync(join(tmp, 'stderr.txt'), 'utf8'), '', `fast path ${fastPath}`);
  }
  for (const fastPath of ['1', '0']) {
    process.env.PORTSENTINEL_FAST_PATH = fastPath;
    const full = run('>/dev/full');
    assert.match(full.stdout, /^exit 1$/m, `fast path ${fastPath}`);
    assert.equal(
      readFileSync(join(tmp, 'stderr.txt'), 'utf8'),
      'portsentinel: cannot write to standard output: ENOSPC: no space left on device, write\n',
      `fast path ${fastPath}`,
    );
  }
  delete process.env.PORTSENTINEL_FAST_PATH;
});

test('--json through a pipe, to a slow reader, one that leaves early, or a full disk: the same bytes, or one sentence', () => {
  const run = (redirect: string) =>
    spawnSync(
      'bash',
      [
        '-c',
        `"$0" "$1" replay "$2" --config "$3" --json 2>"$4" ${redirect}; echo "exit \${PIPESTATUS[0]}"`,
        process.execPath,
        binRun,
        capture,
        config,
        join(tmp, 'stderr.txt'),
      ],
      { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
  const file = join(tmp, 'direct.json');
  const piped = join(tmp, 'piped.json');
  for (const fastPath of ['1', '0']) {
    process.env.PORTSENTINEL_FAST_PATH = fastPath;
    assert.match(run(`>"${file}"`).stdout, /^exit 0$/m);
    const report = JSON.parse(readFileSync(file, 'utf8')) as ReplayReport;
    // Several chunks of alerts (64 KiB each), so the pipe fills while its reader sleeps.
    assert.ok(report.alerts.length > 1000 && readFileSync(file).length > 200_000);
    assert.match(run(`| (sleep 0.3; cat) >"${piped}"`).stdout, /^exit 0$/m, `fast path ${fastPath}`);
    assert.ok(readFileSync(piped).equals(readFileSync(file)), `fast path ${fastPath}`);
    const early = run('| head -c 10 >/dev/null');
    assert.match(early.stdout, /^exit 0$/m, `fast path ${fastPath}`);
    assert.equal(readFileSync(join(tmp, 'stderr.txt'), 'utf8'), '', `fast path ${fastPath}`);
    const full = run('>/dev/full');
    assert.match(full.stdout, /^exit 1$/m, `fast path ${fastPath}`);
    assert.equal(
      readFileSync(join(tmp, 'stderr.txt'), 'utf8'),
      'portsentinel: cannot write to standard output: ENOSPC: no space left on device, write\n',
      `fast path ${fastPath}`,
    );
  }
  delete process.env.PORTSENTINEL_FAST_PATH;
});
