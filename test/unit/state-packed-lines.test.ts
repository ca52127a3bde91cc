// The journal lines of a packed ban (IPv4 addresses written digit by digit from uint32s) against the general
// formatter: byte for byte the same text, for any mix of addresses, prefixes, IPv6 and shared fields; and an
// appended Buffer lands like an appended string, torn tail included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatBanLines, formatPackedBanLines, type BanFields } from '../../src/state/record.js';
import { appendLines, journalPath, readJournal } from '../../src/state/journal.js';
import { parseTargetArgs } from '../../src/bans/targets.js';
import { TargetList } from '../../src/net/targets.js';
import { prng } from '../helpers/prng.js';

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const octet = (rand: Rand): number => pick(rand, [0, 1, 9, 10, 99, 100, 199, 255, Math.floor(rand() * 256)]);

const fieldSets: Array<Omit<BanFields, 'family'>> = [
  { at: 1795599431000, origin: 'manual' },
  { at: 1795599431000, until: 1795603031000, origin: 'manual', reason: 'ssh "brute" force, é\u2028\\' },
  {
    at: 5,
    until: undefined,
    reason: undefined,
    origin: 'watch',
    trigger: { port: 22, protocol: 'tcp', mode: 'tcp', scanType: 'SYN' },
  },
];

function check(args: string[], shared: Omit<BanFields, 'family'>): void {
  const targets = parseTargetArgs(args);
  const list = TargetList.from(targets);
  const want = formatBanLines(targets, shared);
  const got = formatPackedBanLines(list, shared);
  assert.ok(Buffer.isBuffer(got));
  assert.equal(got.toString('utf8'), want, JSON.stringify(args));
}

test('packed ban lines are the text formatBanLines writes for the same targets', () => {
  const rand = prng(0x10ad);
  const shapes = [
    () => `${octet(rand)}.${octet(rand)}.${octet(rand)}.${octet(rand)}`,
    () => pick(rand, ['192.0.2.0/24', '10.0.0.0/8', '0.0.0.0/0', '198.51.100.128/25']),
    () => pick(rand, ['2001:db8::1', '::1', '2001:db8::/64', 'fe80::1']),
  ];
  for (let i = 0; i < 2000; i++) {
    const args: string[] = [];
    for (let n = Math.floor(rand() * 12); n > 0; n--) {
      const r = rand();
      args.push(shapes[r < 0.7 ? 0 : r < 0.85 ? 1 : 2]());
    }
    check(args, pick(rand, fieldSets));
  }
  // The edges: nothing, one address, one prefix, only IPv6, the widest and narrowest addresses.
  for (const shared of fieldSets) {
    check([], shared);
    check(['192.0.2.1'], shared);
    check(['192.0.2.0/24'], shared);
    check(['2001:db8::1'], shared);
    check(['2001:db8::1', '192.0.2.1'], shared);
    check(['255.255.255.255', '0.0.0.0', '100.100.100.100', '9.9.9.9'], shared);
    check(['192.0.2.0/24', '192.0.2.1', '10.0.0.0/8'], shared);
  }
});

test('100k addresses make one line that parses back to the same targets', () => {
  const v4 = new Uint32Array(100_000);
  for (let i = 0; i < v4.length; i++) v4[i] = (0x0a000000 + i * 37) >>> 0;
  const list = new TargetList(v4);
  const shared = { at: 1, until: 2, origin: 'manual' as const };
  const got = formatPackedBanLines(list, shared);
  assert.equal(got.toString('utf8'), formatBanLines(list.toArray(), shared));
  const record = JSON.parse(got.toString('utf8')) as { targets: string[] };
  assert.deepEqual(record.targets, list.texts());
});

test('a Buffer appends as its text does, fencing off a torn last line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-packed-'));
  try {
    const shared = { at: 3, origin: 'manual' as const };
    appendLines(dir, formatPackedBanLines(TargetList.from(parseTargetArgs(['192.0.2.1', '192.0.2.2'])), shared));
    appendFileSync(journalPath(dir), '{"op":"ban","tar');
    appendLines(dir, formatPackedBanLines(TargetList.from(parseTargetArgs(['192.0.2.3'])), shared));
    const text = readFileSync(journalPath(dir), 'utf8');
    assert.equal(text.split('\n').length, 4);
    const read = readJournal(dir);
    assert.equal(read.skipped, 1);
    assert.deepEqual(
      read.records.map((r) => ('targets' in r ? r.targets : [r.target])),
      [['192.0.2.1', '192.0.2.2'], ['192.0.2.3']],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
