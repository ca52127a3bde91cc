// The journal: append and read, a torn last line, compaction, and concurrent writers in separate processes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appendRecords, journalPath, parseJournal, readJournal, rewriteJournal } from '../../src/state/journal.js';
import { foldJournal, shouldCompact } from '../../src/state/fold.js';
import { acquireLock, LOCK_FILE, withLock } from '../../src/state/lock.js';
import { formatRecord, type BanRecord, type JournalRecord } from '../../src/state/record.js';
import { compactIfWorthIt } from '../../src/bans/session.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pst-journal-'));

const ban = (target: string, at: number, extra: Partial<BanRecord> = {}): BanRecord => ({
  op: 'ban',
  target,
  family: target.includes(':') ? 6 : 4,
  at,
  origin: 'manual',
  ...extra,
});

test('records round-trip through append and read, with reason and trigger', () => {
  const dir = tempDir();
  try {
    const records: JournalRecord[] = [
      ban('192.0.2.66', 1000, { until: 5000, reason: 'a "quoted" reason\nwith newline' }),
      ban('2001:db8::/64', 1000, {
        origin: 'watch',
        trigger: { port: 11, protocol: 'tcp', mode: 'atcp', scanType: 'TCP SYN/Normal scan' },
      }),
      { op: 'unban', target: '192.0.2.66', family: 4, at: 2000, origin: 'manual' },
    ];
    appendRecords(dir, records.slice(0, 2));
    appendRecords(dir, records.slice(2));
    const read = readJournal(dir);
    assert.equal(read.skipped, 0);
    assert.deepEqual(read.records, records);
    for (const r of records) assert.deepEqual(JSON.parse(formatRecord(r)), r);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing journal reads as empty', () => {
  assert.deepEqual(readJournal('/nonexistent/portsentinel-test'), { records: [], skipped: 0 });
});

test('a torn last line is ignored on read and fenced off on the next append', () => {
  const dir = tempDir();
  try {
    appendRecords(dir, [ban('192.0.2.1', 1)]);
    appendFileSync(journalPath(dir), '{"op":"ban","target":"192.0.2.2","fam');
    let read = readJournal(dir);
    assert.equal(read.records.length, 1);
    assert.equal(read.skipped, 1);
    appendRecords(dir, [ban('192.0.2.3', 2)]);
    read = readJournal(dir);
    assert.deepEqual(
      read.records.map((r) => r.target),
      ['192.0.2.1', '192.0.2.3'],
    );
    assert.equal(read.skipped, 1, 'the damaged line stays skipped, the new record is intact');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('garbage lines are skipped, never fatal', () => {
  const text = `${formatRecord(ban('192.0.2.1', 1))}not json\n{"op":"nope"}\n\n${formatRecord(ban('192.0.2.2', 1))}`;
  const read = parseJournal(text);
  assert.deepEqual(
    read.records.map((r) => r.target),
    ['192.0.2.1', '192.0.2.2'],
  );
  assert.equal(read.skipped, 2);
});

test('fold: last ban wins, unban closes, expiry splits active from expired', () => {
  const s = foldJournal(
    [
      ban('192.0.2.1', 1, { until: 100 }),
      ban('192.0.2.2', 1, { until: 100 }),
      ban('192.0.2.1', 50, { until: 500 }),
      { op: 'unban', target: '192.0.2.3', family: 4, at: 2, origin: 'manual' },
      ban('192.0.2.3', 1),
      { op: 'unban', target: '192.0.2.3', family: 4, at: 3, origin: 'manual' },
      ban('192.0.2.4', 1),
    ],
    200,
  );
  assert.deepEqual([...s.active.keys()], ['192.0.2.1', '192.0.2.4']);
  assert.equal(s.active.get('192.0.2.1')?.until, 500);
  assert.deepEqual([...s.expired.keys()], ['192.0.2.2']);
});

test('compaction keeps exactly the live bans and is atomic (no temp file left)', () => {
  const dir = tempDir();
  try {
    const records: JournalRecord[] = [];
    for (let i = 0; i < 1500; i++) records.push(ban(`10.0.${i >> 8}.${i & 255}`, 1, { until: 10 }));
    records.push(ban('192.0.2.9', 1));
    appendRecords(dir, records);
    assert.ok(shouldCompact(records.length, 1));
    const done = compactIfWorthIt(dir, readJournal(dir), [], 100);
    assert.equal(done, true);
    const read = readJournal(dir);
    assert.deepEqual(
      read.records.map((r) => r.target),
      ['192.0.2.9'],
    );
    assert.ok(!existsSync(`${journalPath(dir)}.tmp-${process.pid}`));
    rewriteJournal(dir, []);
    assert.equal(readFileSync(journalPath(dir), 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the lock is exclusive within a process and released on error', async () => {
  const dir = tempDir();
  try {
    const order: string[] = [];
    const slow = withLock(dir, async () => {
      order.push('a-in');
      await new Promise((r) => setTimeout(r, 30));
      order.push('a-out');
    });
    await new Promise((r) => setTimeout(r, 5));
    const second = withLock(dir, () => {
      order.push('b');
    });
    await Promise.all([slow, second]);
    assert.deepEqual(order, ['a-in', 'a-out', 'b']);
    await assert.rejects(
      withLock(dir, () => {
        throw new Error('boom');
      }),
    );
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a stale lock (dead pid) is broken; a live one times out with a clear message', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, LOCK_FILE), '999999999\n');
    const release = await acquireLock(dir, { timeoutMs: 2000 });
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
    release();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    await assert.rejects(acquireLock(dir, { timeoutMs: 100 }), /is locked by process \d+; wait for it to finish/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('concurrent writers in separate processes leave a whole, parseable journal', async () => {
  const dir = tempDir();
  const src = (p: string) => pathToFileURL(join(import.meta.dirname, '../../src/state', p)).href;
  const worker = `
    const { withLock } = await import(${JSON.stringify(src('lock.js'))});
    const { appendRecords, readJournal } = await import(${JSON.stringify(src('journal.js'))});
    const [dir, id] = process.argv.slice(1);
    for (let i = 0; i < 20; i++) {
      await withLock(dir, () => {
        const before = readJournal(dir).records.length;
        const recs = [];
        for (let j = 0; j < 50; j++) recs.push({ op: 'ban', target: '10.' + id + '.' + i + '.' + j, family: 4, at: before, origin: 'manual' });
        appendRecords(dir, recs);
      });
    }`;
  try {
    const workers = Array.from(
      { length: 8 },
      (_, id) =>
        new Promise<number | null>((resolve) => {
          const p = spawn(process.execPath, ['--input-type=module', '-e', worker, dir, String(id)], {
            stdio: 'inherit',
          });
          p.on('exit', resolve);
        }),
    );
    assert.deepEqual(await Promise.all(workers), Array(8).fill(0));
    const read = readJournal(dir);
    assert.equal(read.skipped, 0);
    assert.equal(read.records.length, 8 * 20 * 50);
    // Under the lock each batch saw exactly the records before it: "at" (the count read) is a multiple of 50.
    const counts = new Set(read.records.map((r) => r.at));
    assert.equal(counts.size, 8 * 20);
    for (const c of counts) assert.equal(c % 50, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
