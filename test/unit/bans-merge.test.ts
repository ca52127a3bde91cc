// The kernel/journal merge behind `bans list` and `status`: rows, drift, and that it stays linear at 100k.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeBans, renderBansJson, REPAIR_COMMAND } from '../../src/bans/merge.js';
import { foldJournal } from '../../src/state/fold.js';
import type { KernelBan } from '../../src/firewall/banset.js';
import type { JournalRecord } from '../../src/state/record.js';

const now = Date.UTC(2026, 10, 25, 9, 0, 0);
const trigger = { port: 11, protocol: 'tcp' as const, mode: 'atcp' as const, scanType: 'TCP SYN/Normal scan' };
const journal: JournalRecord[] = [
  {
    op: 'ban',
    target: '192.0.2.66',
    family: 4,
    at: now - 60_000,
    until: now + 3_540_000,
    reason: 'scan',
    origin: 'watch',
    trigger,
  },
  { op: 'ban', target: '2001:db8::/64', family: 6, at: now - 1000, origin: 'manual', reason: 'net' },
  { op: 'ban', target: '192.0.2.70', family: 4, at: now - 1000, until: now + 600_000, origin: 'manual' },
  { op: 'ban', target: '192.0.2.71', family: 4, at: now - 9000, until: now - 1000, origin: 'manual' },
];
const kernel: KernelBan[] = [
  { target: '192.0.2.66', family: 4, expiresIn: 3540, timeout: 3600 },
  { target: '2001:db8::/64', family: 6 },
  { target: '203.0.113.9', family: 4, expiresIn: 10 },
];

test('kernel rows carry the journal story; drift both ways is flagged with the repair command', () => {
  const r = mergeBans(kernel, foldJournal(journal, now), now);
  assert.deepEqual(r.bans[0], {
    address: '192.0.2.66',
    family: 4,
    prefix: false,
    expiresIn: 3540,
    expiresAt: '2026-11-25T09:59:00.000Z',
    reason: 'scan',
    trigger,
    bannedAt: '2026-11-25T08:59:00.000Z',
    origin: 'watch',
    drift: null,
  });
  assert.equal(r.bans[1].expiresIn, null);
  assert.equal(r.bans[1].prefix, true);
  assert.equal(r.bans[2].drift, 'external');
  assert.equal(r.bans[2].origin, null);
  const missing = r.bans.find((b) => b.address === '192.0.2.70');
  assert.equal(missing?.drift, 'missing');
  assert.equal(missing?.expiresIn, 600);
  assert.deepEqual(r.drift, { external: ['203.0.113.9'], missing: ['192.0.2.70'], repair: REPAIR_COMMAND });
  assert.ok(!r.bans.some((b) => b.address === '192.0.2.71'), 'expired journal bans are not missing');
});

test('no drift → no repair command; family filter applies to both sides', () => {
  const r = mergeBans(kernel.slice(0, 2), foldJournal(journal.slice(0, 2), now), now);
  assert.deepEqual(r.drift, { external: [], missing: [], repair: null });
  const v6 = mergeBans(kernel, foldJournal(journal, now), now, 6);
  assert.deepEqual(
    v6.bans.map((b) => b.address),
    ['2001:db8::/64'],
  );
});

test('a kernel ban whose journal time just ran out still shows its journal story', () => {
  const r = mergeBans([{ target: '192.0.2.71', family: 4, expiresIn: 0 }], foldJournal(journal, now), now);
  assert.equal(r.bans[0].drift, null);
  assert.equal(r.bans[0].origin, 'manual');
});

test('100k rows merge in one pass', () => {
  const recs: JournalRecord[] = [];
  const kern: KernelBan[] = [];
  for (let i = 0; i < 100_000; i++) {
    const target = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    recs.push({ op: 'ban', target, family: 4, at: now, until: now + 3_600_000, origin: 'manual' });
    kern.push({ target, family: 4, expiresIn: 3599 });
  }
  const r = mergeBans(kern, foldJournal(recs, now), now);
  assert.equal(r.bans.length, 100_000);
  assert.equal(r.drift.external.length + r.drift.missing.length, 0);
});

const rendered = (...args: Parameters<typeof renderBansJson>) =>
  Buffer.concat(renderBansJson(...args)).toString('utf8');

test('the --json text is exactly the pretty-printed merge: story, drift both ways, family filter, empty', () => {
  const quoted: JournalRecord = {
    op: 'ban',
    targets: ['198.51.100.1', '198.51.100.0/24'],
    family: 4,
    at: now - 5000,
    until: now + 90_500,
    reason: 'a "quoted" réason\nwith newline',
    origin: 'manual',
  };
  const records = [...journal, quoted];
  const kern: KernelBan[] = [...kernel, { target: '198.51.100.1', family: 4, expiresIn: 90 }];
  const state = foldJournal(records, now);
  for (const family of [undefined, 4, 6] as const) {
    const expected = JSON.stringify({ backend: 'nftables', ...mergeBans(kern, state, now, family) }, null, 2);
    assert.equal(rendered('nftables', kern, state, now, family), `${expected}\n`);
  }
  const empty = foldJournal([], now);
  assert.equal(
    rendered('route', [], empty, now),
    `${JSON.stringify({ backend: 'route', ...mergeBans([], empty, now) }, null, 2)}\n`,
  );
  const allMissing = JSON.parse(rendered('file', [], state, now));
  assert.deepEqual(allMissing.drift.missing, [
    '192.0.2.66',
    '2001:db8::/64',
    '192.0.2.70',
    '198.51.100.1',
    '198.51.100.0/24',
  ]);
});

test('a --json document of many rows spans several buffers and still matches the pretty-printed merge', () => {
  const recs: JournalRecord[] = [
    { op: 'ban', targets: [], family: 4, at: now, until: now + 3_600_000, origin: 'manual', reason: 'list' },
  ];
  const kern: KernelBan[] = [];
  for (let i = 0; i < 20_000; i++) {
    const target = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
    (recs[0] as { targets: string[] }).targets.push(target);
    if (i % 1000 !== 0) kern.push({ target, family: 4, expiresIn: 3590 + (i % 7) });
  }
  kern.push({ target: '2001:db8::/48', family: 6 });
  const state = foldJournal(recs, now);
  const chunks = renderBansJson('nftables', kern, state, now);
  assert.ok(chunks.length > 1);
  const expected = JSON.stringify({ backend: 'nftables', ...mergeBans(kern, state, now) }, null, 2);
  assert.equal(Buffer.concat(chunks).toString('utf8'), `${expected}\n`);
});
