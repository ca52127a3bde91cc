// formatHistoryBatch writes a batch's HISTORY_FILE lines as bytes: the very text formatHistoryLine gives each
// target, in input order, whatever the mix of IPv4 addresses (as uint32s), IPv6 addresses and prefixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatHistoryBatch } from '../../src/state/history-batch.js';
import { formatHistoryLine } from '../../src/state/history.js';
import { parseTargetArgs } from '../../src/bans/targets.js';
import { TargetList } from '../../src/net/targets.js';
import { prng } from '../helpers/prng.js';

test('the batch is formatHistoryLine of every target, in input order', () => {
  const rand = prng(0x415);
  const at = new Date(Date.UTC(2026, 10, 25, 9, 37, 11));
  for (let round = 0; round < 200; round++) {
    const args: string[] = [];
    for (let n = Math.floor(rand() * 12); n > 0; n--) {
      const r = rand();
      if (r < 0.6) args.push([0, 0, 0, 0].map(() => Math.floor(rand() * 256)).join('.'));
      else if (r < 0.75) args.push(`2001:db8::${Math.floor(rand() * 0xffff).toString(16)}`);
      else if (r < 0.9) args.push(`198.51.${Math.floor(rand() * 256)}.0/24`);
      else args.push('2001:db8:1::/48');
    }
    const list = TargetList.from(parseTargetArgs(args));
    for (const [port, protocol] of [
      [0, 'manual'],
      [11, 'TCP'],
    ] as const) {
      const want = list
        .texts()
        .map((t) => formatHistoryLine(at, t, port, protocol))
        .join('');
      assert.equal(formatHistoryBatch(list, at, port, protocol).toString('utf8'), want, args.join(' '));
    }
  }
});

test('100,000 addresses: one line each', () => {
  const v4 = new Uint32Array(100_000).map((_, i) => 0x0a000000 + i);
  const text = formatHistoryBatch(new TargetList(v4), new Date(0), 0, 'manual').toString('latin1');
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 100_000);
  assert.match(lines[99_999], / Host: 10\.1\.134\.159\/10\.1\.134\.159 Port: 0 manual Blocked$/);
});
