// Applying answers while they are read: kernel batches during the download, deletes before adds within an answer
// whichever list comes first, the longest of several decisions once, never-ban refusals, lifts at a startup's end,
// one journal append with origin crowdsec. The kernel is a recording stand-in; the journal is the real one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnswerApplier, KERNEL_BATCH, type ApplyResult } from '../../src/crowdsec/apply.js';
import { HeldDecisions } from '../../src/crowdsec/held.js';
import { StreamScanner } from '../../src/crowdsec/stream-scanner.js';
import type { BanSet } from '../../src/firewall/banset.js';
import type { NeverBanMatcher } from '../../src/firewall/never-ban.js';
import type { Session } from '../../src/bans/session.js';
import { appendRecords, readJournal } from '../../src/state/journal.js';
import { foldJournal } from '../../src/state/fold.js';
import type { TargetList } from '../../src/net/targets.js';

interface Call {
  removed: string[];
  added: Array<[string, number]>;
}

function recordingBanSet(calls: Call[]): BanSet {
  return {
    kind: 'nftables',
    async replace(targets: string[], list: TargetList, timeouts: number | Uint32Array) {
      const texts = list.texts();
      calls.push({
        removed: [...targets],
        added: texts.map((t, i) => [t, typeof timeouts === 'number' ? timeouts : timeouts[i]]),
      });
      return true;
    },
  } as unknown as BanSet;
}

const noRule: NeverBanMatcher = { refusal: () => undefined, refusal4: () => undefined } as unknown as NeverBanMatcher;

const decision = (id: number, value: string, duration = '1h', extra: Record<string, unknown> = {}) => ({
  duration,
  id,
  origin: 'lists',
  scenario: 'test/list',
  scope: value.includes('/') ? 'Range' : 'Ip',
  type: 'ban',
  value,
  ...extra,
});

/** A session over the real journal in `dir`, with `banSet` as the kernel. */
function sessionFor(dir: string, banSet: BanSet, now: number): Session {
  return {
    ctx: { stateDir: dir },
    banSet,
    now,
    journal: () => readJournal(dir),
    state: () => foldJournal(readJournal(dir).records, now),
    journalChanged: () => undefined,
  } as unknown as Session;
}

function lab() {
  const dir = mkdtempSync(join(tmpdir(), 'ps-cs-apply-'));
  const held = new HeldDecisions();
  const calls: Call[] = [];
  const banSet = recordingBanSet(calls);
  const now = 1_700_000_000_000;
  async function apply(
    body: unknown,
    opts: { startup?: boolean; matcher?: NeverBanMatcher; chunk?: number; breakAt?: number } = {},
  ): Promise<ApplyResult> {
    const applier = new AnswerApplier({
      session: sessionFor(dir, banSet, now),
      held,
      matcher: opts.matcher ?? noRule,
      startup: opts.startup ?? false,
    });
    const scanner = new StreamScanner((list, buf, from, to) => applier.take(list, buf, from, to));
    const text = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const size = opts.chunk ?? 4096;
    const stop = opts.breakAt ?? text.length;
    for (let at = 0; at < stop; at += size) {
      scanner.push(Buffer.from(text.subarray(at, Math.min(stop, at + size))));
      if (applier.due()) await applier.flush();
    }
    if (stop < text.length) return applier.finish(false);
    scanner.end();
    return applier.finish();
  }
  return { dir, held, calls, now, apply, close: () => rmSync(dir, { recursive: true, force: true }) };
}

const address = (i: number) => `100.${64 + (i >>> 16)}.${(i >>> 8) & 255}.${i & 255}`;

test('a large startup answer reaches the kernel in batches while it is read, and is journaled once', async () => {
  const l = lab();
  try {
    const n = 3 * KERNEL_BATCH + 100;
    const body = { new: Array.from({ length: n }, (_, i) => decision(i + 1, address(i))), deleted: null };
    const r = await l.apply(body, { startup: true });
    assert.equal(r.added, n);
    assert.equal(r.added4, n);
    assert.ok(l.calls.length >= 4, `${l.calls.length} kernel batches`);
    assert.ok(l.calls.slice(0, -1).every((c) => c.added.length >= KERNEL_BATCH));
    assert.equal(new Set(l.calls.flatMap((c) => c.added.map(([t]) => t))).size, n);
    assert.ok(l.calls.every((c) => c.added.every(([, s]) => s === 3600)));
    const read = readJournal(l.dir);
    assert.equal(read.records.length, 1, 'one journal line for one end and reason');
    const state = foldJournal(read.records, l.now);
    assert.equal(state.activeCount, n);
    const rec = state.recordOf(address(77))!;
    assert.equal(rec.origin, 'crowdsec');
    assert.equal(rec.reason, 'lists: test/list');
    assert.equal(rec.until, l.now + 3_600_000);
  } finally {
    l.close();
  }
});

test('deletes count before adds in one answer, whichever list comes first', async () => {
  for (const newFirst of [true, false]) {
    const l = lab();
    try {
      await l.apply({ new: [decision(3, '192.0.2.1'), decision(4, '192.0.2.2')], deleted: null }, { startup: true });
      l.calls.length = 0;
      // A fresh decision on .1 and the old one deleted, in one answer: .1 stays banned. .2 loses its only one.
      const lists = [
        `"new":${JSON.stringify([decision(5, '192.0.2.1')])}`,
        `"deleted":${JSON.stringify([decision(3, '192.0.2.1', '-1s'), decision(4, '192.0.2.2', '-1s')])}`,
      ];
      if (!newFirst) lists.reverse();
      const r = await l.apply(`{${lists.join(',')}}`);
      assert.equal(r.removed, 1, `new first: ${newFirst}`);
      assert.deepEqual(
        l.calls.flatMap((c) => c.removed),
        ['192.0.2.2'],
      );
      assert.deepEqual(
        l.calls.flatMap((c) => c.added.map(([t]) => t)),
        ['192.0.2.1'],
      );
      const state = foldJournal(readJournal(l.dir).records, l.now);
      assert.equal(state.isActive('192.0.2.1'), true);
      assert.equal(state.isActive('192.0.2.2'), false);
      assert.equal(state.recordOf('192.0.2.2'), undefined);
    } finally {
      l.close();
    }
  }
});

test('several decisions on one address: the kernel gets it once, with the longest', async () => {
  const l = lab();
  try {
    const r = await l.apply(
      { new: [decision(1, '192.0.2.9', '1h'), decision(2, '192.0.2.9', '3h'), decision(3, '192.0.2.9', '2h')] },
      { startup: true },
    );
    assert.equal(r.added, 1);
    assert.deepEqual(
      l.calls.flatMap((c) => c.added),
      [['192.0.2.9', 3 * 3600]],
    );
    // A re-sent decision refreshes the timeout.
    l.calls.length = 0;
    await l.apply({ new: [decision(2, '192.0.2.9', '5h')] });
    assert.deepEqual(
      l.calls.flatMap((c) => c.added),
      [['192.0.2.9', 5 * 3600]],
    );
  } finally {
    l.close();
  }
});

test('never-ban rules refuse remote decisions; ranges and IPv6 go as they are', async () => {
  const l = lab();
  try {
    const matcher = {
      refusal: (_p: unknown, text?: string) => (text === '2001:db8::1' ? 'it is this host' : undefined),
      refusal4: (v4: number) => (v4 === 0xc0000201 ? 'it is the gateway' : undefined),
    } as unknown as NeverBanMatcher;
    const r = await l.apply(
      {
        new: [
          decision(1, '192.0.2.1'),
          decision(2, '2001:db8::1'),
          decision(3, '198.51.100.0/24'),
          decision(4, '2001:db8:1::/48'),
        ],
      },
      { startup: true, matcher },
    );
    assert.deepEqual(
      r.refused.map((f) => [f.target, f.rule]),
      [
        ['192.0.2.1', 'it is the gateway'],
        ['2001:db8::1', 'it is this host'],
      ],
    );
    assert.deepEqual(l.calls.flatMap((c) => c.added.map(([t]) => t)).sort(), ['198.51.100.0/24', '2001:db8:1::/48']);
    assert.equal(l.held.has('192.0.2.1'), false);
  } finally {
    l.close();
  }
});

test('a startup answer lifts journaled remote bans it no longer names; a broken one lifts nothing', async () => {
  const l = lab();
  try {
    appendRecords(l.dir, [
      { op: 'ban', target: '192.0.2.50', family: 4, at: l.now - 1000, until: l.now + 60_000, origin: 'crowdsec' },
      { op: 'ban', target: '192.0.2.51', family: 4, at: l.now - 1000, until: l.now + 60_000, origin: 'manual' },
    ]);
    const body = { new: Array.from({ length: 50 }, (_, i) => decision(i + 1, address(i))) };
    const text = JSON.stringify(body);
    const broken = await l.apply(text, { startup: true, breakAt: Math.floor(text.length / 2), chunk: 64 });
    assert.ok(broken.added > 0 && broken.added < 50);
    assert.equal(broken.removed, 0);
    let state = foldJournal(readJournal(l.dir).records, l.now);
    assert.equal(state.isActive('192.0.2.50'), true);
    assert.equal(state.recordOf(address(0))?.origin, 'crowdsec', 'what reached the kernel is journaled');
    l.calls.length = 0;
    const r = await l.apply(body, { startup: true });
    assert.equal(r.removed, 1);
    assert.deepEqual(
      l.calls.flatMap((c) => c.removed),
      ['192.0.2.50'],
    );
    state = foldJournal(readJournal(l.dir).records, l.now);
    assert.equal(state.isActive('192.0.2.50'), false);
    assert.equal(state.isActive('192.0.2.51'), true, 'a local ban is not for the Local API to lift');
  } finally {
    l.close();
  }
});

/** A kernel that applies a batch only when the test says so, and records how many it held at once. */
function gatedBanSet() {
  const gates: Array<() => void> = [];
  let holding = 0;
  let most = 0;
  const batches: number[] = [];
  let refuse: Error | undefined;
  const banSet = {
    kind: 'nftables',
    replace(_targets: string[], list: TargetList) {
      holding++;
      most = Math.max(most, holding);
      return new Promise<boolean>((resolve, reject) =>
        gates.push(() => {
          holding--;
          if (refuse) reject(refuse);
          else {
            batches.push(list.texts().length);
            resolve(true);
          }
        }),
      );
    },
  } as unknown as BanSet;
  return {
    banSet,
    gates,
    batches,
    most: () => most,
    refuseWith(e: Error) {
      refuse = e;
    },
  };
}

function gatedApplier(dir: string, banSet: BanSet, startup = true) {
  const now = 1_700_000_000_000;
  const session = sessionFor(dir, banSet, now);
  const applier = new AnswerApplier({ session, held: new HeldDecisions(), matcher: noRule, startup });
  const scanner = new StreamScanner((list, buf, from, to) => applier.take(list, buf, from, to));
  return { applier, scanner, now };
}

const tick = () => new Promise((r) => setImmediate(r));

test(
  'the next batch is read while the kernel applies the last one, and batches reach it one at a time',
  { timeout: 20_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-cs-apply-'));
    try {
      const k = gatedBanSet();
      const { applier, scanner, now } = gatedApplier(dir, k.banSet);
      const n = 2 * KERNEL_BATCH + 10;
      const items = Array.from({ length: n }, (_, i) => JSON.stringify(decision(i + 1, address(i))));
      const half = (from: number, to: number) => Buffer.from(items.slice(from, to).join(',') + (to < n ? ',' : ''));
      scanner.push(Buffer.from('{"deleted":null,"new":['));
      scanner.push(half(0, KERNEL_BATCH));
      assert.equal(applier.due(), true);
      // The first batch is handed over; flush() returns while the kernel still holds it.
      await applier.flush();
      assert.equal(k.gates.length, 1);
      scanner.push(half(KERNEL_BATCH, 2 * KERNEL_BATCH));
      assert.equal(applier.due(), true, 'the second batch was read meanwhile');
      // The second waits for the first.
      let second = false;
      const flushing = applier.flush().then(() => (second = true));
      await tick();
      assert.equal(second, false);
      assert.equal(k.gates.length, 1);
      k.gates.shift()!();
      await flushing;
      assert.equal(k.gates.length, 1, 'the second batch is in the kernel');
      scanner.push(half(2 * KERNEL_BATCH, n));
      scanner.push(Buffer.from(']}'));
      scanner.end();
      let done = false;
      const finishing = applier.finish().then((r) => ((done = true), r));
      // finish() waits for every batch before the journal.
      while (!done) {
        await tick();
        k.gates.shift()?.();
      }
      const r = await finishing;
      assert.equal(k.most(), 1, 'never two batches in the kernel at once');
      assert.deepEqual(k.batches, [KERNEL_BATCH, KERNEL_BATCH, 10]);
      assert.equal(r.added, n);
      assert.equal(foldJournal(readJournal(dir).records, now).activeCount, n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a batch the kernel refuses is thrown by the next step, never lost as an unhandled rejection',
  { timeout: 20_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ps-cs-apply-'));
    try {
      const k = gatedBanSet();
      const { applier, scanner } = gatedApplier(dir, k.banSet);
      const gone = Object.assign(new Error('the ban sets are missing'), { code: 'E_NFT_NOT_SET_UP' });
      k.refuseWith(gone);
      const items = Array.from({ length: KERNEL_BATCH }, (_, i) => JSON.stringify(decision(i + 1, address(i))));
      scanner.push(Buffer.from(`{"deleted":null,"new":[${items.join(',')}]}`));
      scanner.end();
      await applier.flush();
      // Refused while nothing awaits it.
      k.gates.shift()!();
      await tick();
      await assert.rejects(applier.finish(), (e: Error & { code?: string }) => e.code === 'E_NFT_NOT_SET_UP');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('a batch the kernel refuses is retried ban by ban: the refused one is reported, the rest enforced and journaled', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-cs-apply-'));
  try {
    const bad = '198.51.100.0/24';
    const added: string[] = [];
    const banSet = {
      kind: 'nftables',
      async replace(_targets: string[], list: TargetList) {
        if (list.texts().includes(bad)) throw Object.assign(new Error('refused'), { errno: 17 });
        return true;
      },
      async remove() {
        return [];
      },
      async add(list: TargetList) {
        const texts = list.texts();
        if (texts.includes(bad)) throw Object.assign(new Error('refused'), { errno: 17 });
        added.push(...texts);
      },
    } as unknown as BanSet;
    const { applier, scanner, now } = gatedApplier(dir, banSet);
    const body = {
      new: [decision(1, '192.0.2.1'), decision(2, bad), decision(3, '2001:db8::7'), decision(4, '192.0.2.2', '2h')],
      deleted: null,
    };
    scanner.push(Buffer.from(JSON.stringify(body)));
    scanner.end();
    const r = await applier.finish();
    assert.deepEqual(r.failed, [bad]);
    assert.equal(r.added, 3);
    assert.equal(r.added4, 2);
    assert.deepEqual(added.sort(), ['192.0.2.1', '192.0.2.2', '2001:db8::7']);
    const state = foldJournal(readJournal(dir).records, now);
    assert.equal(state.isActive('192.0.2.1'), true);
    assert.equal(state.isActive('2001:db8::7'), true);
    assert.equal(state.isActive(bad), false);
    assert.equal(state.recordOf('192.0.2.2')!.until, now + 2 * 3_600_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
