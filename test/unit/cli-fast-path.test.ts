// The fast path must parse exactly as oclif does, or step aside: every argument list it accepts is checked against
// oclif's own parser on the real command classes, over a fixed corpus and thousands of random lists. And the two
// entry paths must print the same thing for the same command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Config, type Command } from '@oclif/core';
import { parseFastArgv, type FastCommandSpec } from '../../src/cli/fast-argv.js';
import { FAST_COMMAND_IDS, FAST_SPECS_URL } from '../../src/cli/fast-path.js';
import { runCli, repoRoot } from '../helpers/cli.js';
import { prng } from '../helpers/prng.js';

const specs = JSON.parse(readFileSync(FAST_SPECS_URL, 'utf8')) as Record<string, FastCommandSpec>;
const config = await Config.load(repoRoot);

type Parsed = { flags: Record<string, unknown>; args: Record<string, unknown>; argv: unknown[] };

async function oclifParse(id: string, argv: string[]): Promise<Parsed | Error> {
  const Cmd = (await config.findCommand(id)!.load()) as unknown as new (argv: string[], config: Config) => Command;
  const cmd = new Cmd(argv, config) as unknown as { parse(c: unknown): Promise<Parsed> };
  try {
    const { flags, args, argv: rest } = await cmd.parse(Cmd);
    return { flags: { ...flags }, args: { ...args }, argv: rest };
  } catch (err) {
    return err as Error;
  }
}

async function assertSameAsOclif(id: string, argv: string[]): Promise<boolean> {
  const fast = parseFastArgv(specs[id], argv);
  if (fast === undefined) return false;
  const ref = await oclifParse(id, argv);
  const label = `${id} ${JSON.stringify(argv)}`;
  assert.ok(!(ref instanceof Error), `${label}: the fast path accepted what oclif rejects (${String(ref)})`);
  assert.deepEqual(fast, ref, label);
  return true;
}

test('every fast command has a spec built from its class', () => {
  assert.deepEqual(Object.keys(specs).sort(), [...FAST_COMMAND_IDS].sort());
});

test('the usual argument lists take the fast path and parse exactly as oclif parses them', async () => {
  const handled: Array<[string, string[]]> = [
    ['replay', ['scan.pcap']],
    ['replay', ['scan.pcap', '--config', 'embedded', '--json']],
    ['replay', ['-', '-c', 'x.conf', '-m', 'atcp,audp', '--log']],
    ['replay', ['a.pcap', 'b.pcap', '--host', '192.0.2.10', '--host=2001:db8::10', '--listening', 'tcp:22']],
    ['replay', ['--backend=route', 'a.pcap', '--mode=stcp']],
    ['ban', ['192.0.2.66']],
    ['ban', ['192.0.2.66', '198.51.100.0/24', '--timeout', '1h', '--reason', 'ssh brute force', '--force']],
    ['ban', ['--file', '-', '--timeout=permanent', '--backend', 'nftables', '--state-dir', '/tmp/s']],
    ['ban', ['--file', 'list.txt', '--json', '--config', 'embedded']],
    ['unban', ['192.0.2.66']],
    ['unban', ['--all', '--json']],
    ['unban', ['--file', 'list.txt', '--backend=route']],
    ['bans:list', []],
    ['bans:list', ['--json', '--family', '6', '--state-dir', '/tmp/s']],
  ];
  for (const [id, argv] of handled) {
    assert.ok(await assertSameAsOclif(id, argv), `${id} ${JSON.stringify(argv)} should take the fast path`);
  }
});

test('help, unknown flags, bad option values and odd forms are left to oclif', () => {
  const refused: Array<[string, string[]]> = [
    ['replay', []],
    ['replay', ['--help']],
    ['replay', ['scan.pcap', '-h']],
    ['replay', ['scan.pcap', '--backend', 'iptables']],
    ['replay', ['scan.pcap', '--config']],
    ['replay', ['scan.pcap', '--config', 'a', '--config', 'b']],
    ['replay', ['scan.pcap', '--log=true']],
    ['replay', ['scan.pcap', '--', '--log']],
    ['ban', ['192.0.2.66', '--reason', '--force']],
    ['ban', ['--no-force', '192.0.2.66']],
    ['ban', ['192.0.2.66', '-cx']],
    ['bans:list', ['extra']],
    ['bans:list', ['--family', '5']],
  ];
  for (const [id, argv] of refused) {
    assert.equal(parseFastArgv(specs[id], argv), undefined, `${id} ${JSON.stringify(argv)}`);
  }
});

test('random argument lists: whatever the fast path accepts, oclif parses identically', async () => {
  const pool = [
    '--config',
    '-c',
    '--mode',
    '-m',
    '--host',
    '--listening',
    '--backend',
    '--log',
    '--json',
    '--timeout',
    '--reason',
    '--file',
    '--force',
    '--all',
    '--family',
    '--state-dir',
    '--help',
    '-h',
    '--nope',
    '--',
    '-',
    'x',
    'scan.pcap',
    '192.0.2.66',
    '2001:db8::/64',
    'nftables',
    'route',
    'file',
    '4',
    '6',
    '1h',
    '',
    '--config=a',
    '--host=192.0.2.1',
    '--backend=route',
    '--family=6',
    '--log=',
    '-x',
    '-cx',
    'a=b',
  ];
  const rnd = prng(20261125);
  let accepted = 0;
  for (const id of FAST_COMMAND_IDS) {
    for (let n = 0; n < 600; n++) {
      const len = Math.floor(rnd() * 7);
      const argv = Array.from({ length: len }, () => pool[Math.floor(rnd() * pool.length)]);
      if (await assertSameAsOclif(id, argv)) accepted++;
    }
  }
  // The corpus must exercise the accepting side too, or this test proves nothing.
  assert.ok(accepted > 200, `only ${accepted} random lists took the fast path`);
});

test('both entry paths print the same report, and fail the same way', () => {
  const cases = [
    ['replay', 'fixtures/captures/syn_scan/capture.pcap', '--config', 'embedded'],
    ['replay', 'fixtures/captures/syn_scan/capture.pcap', '--config', 'embedded', '--json', '--log'],
    ['replay', 'package.json', '--config', 'embedded', '--json'],
    ['replay', 'no-such.pcap', '--config', 'embedded'],
    ['ban', '192.0.2.66', '--timeout', 'soon', '--backend', 'file', '--state-dir', '/nonexistent/x'],
  ];
  for (const args of cases) {
    const fast = runCli(args);
    const slow = runCli(args, { env: { PORTSENTINEL_FAST_PATH: '0' } });
    assert.deepEqual(fast, slow, args.join(' '));
  }
});
