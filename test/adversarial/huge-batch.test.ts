// Batches of any size: `ban --file` of 1,000,000 addresses, then of 1,000,000 prefixes, each in one command into
// the kernel (no native abort, even when the table has to be created first), with a progress bar on a terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { binRun } from '../helpers/cli.js';
import { makeLab, type Lab } from './lab.js';

const skip = kernelSkipReason('script');
const COUNT = 1_000_000;

const address = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
/** /24s from 20.0.0.0 on: none holds the lab's addresses, gateway or nameservers (10.x, 192.0.2.x). */
const prefix = (n: number) => `${20 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}.0/24`;

function writeTargets(lab: Lab, name: string, make: (n: number) => string): string {
  const file = join(lab.root, name);
  const lines = new Array<string>(COUNT);
  for (let n = 0; n < COUNT; n++) lines[n] = make(n);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** Runs `ban --file` under script(1), so stderr is a terminal; returns the exit status, output and time. */
function banOnTerminal(lab: Lab, file: string): { status: number | null; out: string; ms: number } {
  const cmd = ['ip', 'netns', 'exec', lab.ns.name, process.execPath, binRun, 'ban', '--file', file, ...lab.flags]
    .map((a) => `'${a}'`)
    .join(' ');
  const start = Date.now();
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 26 });
  return { status: r.status, out: r.stdout + r.stderr, ms: Date.now() - start };
}

/** Whether the kernel holds each of `targets` in `set` (nft get element: one lookup, no million-element listing). */
function holds(lab: Lab, set: string, targets: string[]): boolean {
  return lab.ns.run('nft', ['get', 'element', 'inet', 'portsentinel', set, `{ ${targets.join(', ')} }`]).status === 0;
}

function sample(make: (n: number) => string): string[] {
  const out = [make(0), make(COUNT - 1)];
  for (let k = 1; k < 10; k++) out.push(make(Math.floor((k * COUNT) / 10) + k));
  return out;
}

test(`ban --file of ${COUNT} addresses and of ${COUNT} prefixes`, { skip, timeout: 900_000 }, async (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());

  // No table yet: the first batch is refused whole, and the refusal (every message echoed) must not overrun.
  const addresses = writeTargets(lab, 'addresses', address);
  const a = banOnTerminal(lab, addresses);
  t.diagnostic(`${COUNT} addresses: exit ${a.status} in ${a.ms} ms`);
  assert.equal(a.status, 0, a.out.slice(-2000));
  assert.match(a.out, new RegExp(`banned ${COUNT} targets`));
  assert.match(a.out, /\[#+ *\] \d+% \d+\/1000000 banned/, 'a progress bar on the terminal');
  assert.ok(holds(lab, 'banned4', sample(address)), 'first, last and a spread of addresses are in banned4');

  const prefixes = writeTargets(lab, 'prefixes', prefix);
  const p = banOnTerminal(lab, prefixes);
  t.diagnostic(`${COUNT} prefixes: exit ${p.status} in ${p.ms} ms`);
  assert.equal(p.status, 0, p.out.slice(-2000));
  assert.match(p.out, new RegExp(`banned ${COUNT} targets`));
  // An address inside each sampled prefix (nft looks up interval sets by address).
  const inside = sample(prefix).map((x) => x.replace('.0/24', '.5'));
  assert.ok(holds(lab, 'bannednet4', inside), 'first, last and a spread of prefixes are in bannednet4');
});

test('an element the kernel refuses is named and the rest of the batch goes in', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const file = join(lab.root, 'overlapping');
  const lines: string[] = [];
  for (let n = 0; n < 20_000; n++) lines.push(prefix(n));
  // Two prefixes that overlap: the interval set takes one of them, never both.
  lines.splice(7_000, 0, '172.16.0.0/12');
  lines.splice(13_000, 0, '172.17.0.0/16');
  writeFileSync(file, lines.join('\n') + '\n');
  const r = lab.cli(['ban', '--file', file, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.warnings.length, 1, r.stderr);
  assert.match(out.warnings[0], /the kernel refused 172\.1[67]\.0\.0\/1[26]: it overlaps a prefix banned already/);
  assert.equal(out.banned.length, 20_001);
  assert.ok(holds(lab, 'bannednet4', ['20.0.0.5', '20.78.31.5', '172.17.3.3']));
  const listed = JSON.parse(lab.cli(['bans', 'list', '--json']).stdout);
  assert.equal(listed.drift.missing.length, 0, 'the refused one is not left in the journal');
});
