// Every recorded scan under fixtures/captures/*/expected.json, replayed through the CLI with its own config and
// ignore file: the bans must be exactly what PortSentry 1.2 banned live (or the fixture's expected_banned).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';
import { validate } from '../../src/generated/replay-report.js';
import type { ReplayReport } from '../../src/replay/report-types.js';

interface Expected {
  scenario: string;
  modes?: string[];
  portsentry_1_2_banned: string[] | null;
  expected_banned?: string[];
  /** Pieces of text the report's warnings must hold, one warning each. */
  expected_warnings?: string[];
  replay_args?: string[];
}

// The directory the lab ran PortSentry's commands in; the recorded logs name it.
const LAB_STATE_DIR = '/var/lib/lab';
const capturesDir = join(repoRoot, 'fixtures', 'captures');

function listFixtures(): string[] {
  return readdirSync(capturesDir)
    .filter((name) => existsSync(join(capturesDir, name, 'expected.json')))
    .sort();
}

function captureFile(dir: string): string {
  for (const name of ['capture.pcap', 'capture.pcapng']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new Error(`${dir} holds no capture.pcap or capture.pcapng`);
}

function writeConfig(dir: string, tmp: string): string {
  const text = readFileSync(join(dir, 'portsentry.conf'), 'utf8')
    .replaceAll('@FIXTURE_DIR@', dir)
    .replaceAll('@STATE_DIR@', LAB_STATE_DIR);
  const file = join(tmp, 'portsentry.conf');
  writeFileSync(file, text);
  return file;
}

function replayArgs(dir: string, exp: Expected, tmp: string, extra: string[]): string[] {
  const args = ['replay', captureFile(dir), '--config', writeConfig(dir, tmp), ...(exp.replay_args ?? []), ...extra];
  // The modes PortSentry ran with, unless the fixture picks its own.
  if (exp.modes && !args.includes('--mode')) args.push('--mode', exp.modes.join(','));
  return args;
}

function countLines(lines: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l, (m.get(l) ?? 0) + 1);
  return m;
}

const fixtures = listFixtures();

test('there are recorded fixtures to replay', () => {
  assert.ok(fixtures.length >= 8, `found ${fixtures.length}`);
});

for (const name of fixtures) {
  const dir = join(capturesDir, name);
  const exp = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
  const want = exp.expected_banned ?? exp.portsentry_1_2_banned ?? [];

  test(`fixture ${name}: replay bans exactly ${JSON.stringify(want)}`, () => {
    const tmp = mkdtempSync(join(tmpdir(), 'psn-replay-'));
    const r = runCli(replayArgs(dir, exp, tmp, ['--json']));
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ReplayReport;
    assert.ok(validate(report), JSON.stringify((validate as unknown as { errors: unknown }).errors));
    const banned = report.bans.map((b) => b.address);
    assert.deepEqual([...banned].sort(), [...want].sort());
    assert.equal(new Set(banned).size, banned.length, 'each address is banned once');
    for (const piece of exp.expected_warnings ?? []) {
      assert.ok(
        report.warnings.some((w) => w.includes(piece)),
        `no warning holds ${piece}: ${JSON.stringify(report.warnings)}`,
      );
    }
  });

  const logFile = join(dir, 'attackalert.log');
  const sameAsPortSentry = exp.portsentry_1_2_banned !== null && exp.expected_banned === undefined;
  if (sameAsPortSentry && existsSync(logFile) && readFileSync(logFile, 'utf8').trim() !== '') {
    test(`fixture ${name}: every line PortSentry 1.2 logged is one replay --log would print`, () => {
      const tmp = mkdtempSync(join(tmpdir(), 'psn-replay-'));
      const r = runCli(replayArgs(dir, exp, tmp, ['--json', '--log', '--backend', 'command']));
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as ReplayReport;
      const ours = countLines(report.alerts.flatMap((a) => a.log ?? []));
      const theirs = readFileSync(logFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('attackalert:'))
        .map((l) => l.slice(l.indexOf('attackalert:')));
      // PortSentry's raw socket may miss packets under load, so replay can log more, never less.
      for (const [line, n] of countLines(theirs)) {
        assert.ok((ours.get(line) ?? 0) >= n, `missing ${n}x: ${line}`);
      }
    });
  }
}
