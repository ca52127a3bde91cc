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
import {
  entryCount,
  formatBanLines,
  formatRecord,
  recordTargets,
  type BanBatchRecord,
  type BanRecord,
  type JournalRecord,
} from '../../src/state/record.js';
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
    assert.deepEqual(read.records.flatMap(recordTargets), ['192.0.2.1', '192.0.2.3']);
    assert.equal(read.skipped, 1, 'the damaged line stays skipped, the new record is intact');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('garbage lines are skipped, never fatal', () => {
  const text = `${formatRecord(ban('192.0.2.1', 1))}not json\n{"op":"nope"}\n\n${formatRecord(ban('192.0.2.2', 1))}`;
  const read = parseJournal(text);
  assert.deepEqual(read.records.flatMap(recordTargets), ['192.0.2.1', '192.0.2.2']);
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
    assert.deepEqual(read.records.flatMap(recordTargets), ['192.0.2.9']);
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
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), '', 'released: the file names no holder');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock file naming a live pid, garbage or nothing never blocks; a held lock names its holder', async () => {
  const dir = tempDir();
  const src = pathToFileURL(join(import.meta.dirname, '../../src/state/lock.js')).href;
  try {
    for (const content of [`${process.ppid}\n`, '1\n', 'garbage', '']) {
      writeFileSync(join(dir, LOCK_FILE), content);
      const release = await acquireLock(dir, { timeoutMs: 100 });
      assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8').trim(), String(process.pid));
      release();
    }
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { acquireLock } = await import(${JSON.stringify(src)});
         await acquireLock(process.argv[1]); console.log('held'); setTimeout(() => {}, 60000);`,
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise((resolve) => holder.stdout!.once('data', resolve));
      const waits: string[] = [];
      await assert.rejects(
        acquireLock(dir, { timeoutMs: 1500, onWait: (m) => waits.push(m) }),
        new RegExp(`is locked by process ${holder.pid} \\(.*\\), still running`),
      );
      assert.match(waits.join(''), new RegExp(`held by process ${holder.pid}`));
      // Killed outright: the kernel lets go of its lock, and the next taker does not wait.
      holder.kill('SIGKILL');
      await new Promise((resolve) => holder.once('exit', resolve));
      const release = await acquireLock(dir, { timeoutMs: 100 });
      release();
    } finally {
      holder.kill('SIGKILL');
    }
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

const batch = (targets: string[], at: number, extra: Partial<BanBatchRecord> = {}): BanBatchRecord => ({
  op: 'ban',
  targets,
  family: targets[0].includes(':') ? 6 : 4,
  at,
  origin: 'manual',
  ...extra,
});

test('a batch is one line with the shared fields once; a batch of one is written as a single record', () => {
  const many = batch(['192.0.2.1', '192.0.2.2', '192.0.2.0/30'], 7, { until: 9, reason: 'list "x"' });
  const line = formatRecord(many);
  assert.equal(line.split('\n').length, 2);
  assert.equal(line.match(/"at"/g)?.length, 1);
  assert.deepEqual(JSON.parse(line), many);
  assert.deepEqual(JSON.parse(formatRecord(batch(['192.0.2.5'], 7))), ban('192.0.2.5', 7));
  assert.deepEqual(
    JSON.parse(formatRecord({ op: 'unban', targets: ['::1', '::2'], family: 6, at: 1, origin: 'watch' })),
    {
      op: 'unban',
      targets: ['::1', '::2'],
      family: 6,
      at: 1,
      origin: 'watch',
    },
  );
  // Mixed families: one record per family.
  const lines = formatBanLines(
    [
      { target: '192.0.2.1', family: 4 },
      { target: '2001:db8::1', family: 6 },
      { target: '192.0.2.2', family: 4 },
    ],
    { at: 5, origin: 'manual' },
  );
  assert.deepEqual(parseJournal(lines).records, [batch(['192.0.2.1', '192.0.2.2'], 5), ban('2001:db8::1', 5)]);
});

test('batches and old single records fold together: last record per target wins', () => {
  const dir = tempDir();
  try {
    appendRecords(dir, [
      ban('192.0.2.1', 1, { reason: 'old' }),
      batch(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4'], 2, { until: 100, reason: 'list' }),
      { op: 'unban', target: '192.0.2.2', family: 4, at: 3, origin: 'manual' },
      { op: 'unban', targets: ['192.0.2.3', '192.0.2.9'], family: 4, at: 3, origin: 'manual' },
      ban('192.0.2.4', 4, { until: 10 }),
      batch(['2001:db8::1', '2001:db8::2'], 5),
    ]);
    const read = readJournal(dir);
    assert.equal(read.skipped, 0);
    assert.equal(entryCount(read.records), 11);
    const s = foldJournal(read.records, 50);
    assert.deepEqual([...s.live.keys()], ['192.0.2.1', '192.0.2.4', '2001:db8::1', '2001:db8::2']);
    assert.equal(s.activeCount, 3);
    assert.equal(s.isActive('192.0.2.1'), true);
    assert.equal(s.isActive('192.0.2.4'), false, 'its last ban ended at 10');
    assert.equal(s.recordOf('192.0.2.1')?.reason, 'list');
    assert.deepEqual(s.active.get('192.0.2.1'), ban('192.0.2.1', 2, { until: 100, reason: 'list' }));
    assert.deepEqual(s.active.get('2001:db8::2'), ban('2001:db8::2', 5));
    assert.deepEqual([...s.expired.keys()], ['192.0.2.4']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a torn batch line is skipped whole; the next append starts on a line of its own', () => {
  const dir = tempDir();
  try {
    appendRecords(dir, [batch(['192.0.2.1', '192.0.2.2'], 1)]);
    const torn = formatRecord(batch(['10.0.0.1', '10.0.0.2', '10.0.0.3'], 2));
    appendFileSync(journalPath(dir), torn.slice(0, torn.indexOf('10.0.0.3')));
    let read = readJournal(dir);
    assert.deepEqual(read.records.flatMap(recordTargets), ['192.0.2.1', '192.0.2.2']);
    assert.equal(read.skipped, 1);
    appendRecords(dir, [batch(['192.0.2.7', '192.0.2.8'], 3)]);
    read = readJournal(dir);
    assert.deepEqual(read.records.flatMap(recordTargets), ['192.0.2.1', '192.0.2.2', '192.0.2.7', '192.0.2.8']);
    assert.equal(read.skipped, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compaction counts targets, not lines, and writes the survivors as batches', () => {
  const dir = tempDir();
  try {
    const targets = Array.from({ length: 3000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    appendRecords(dir, [
      batch(targets, 1, { until: 500, reason: 'list' }),
      ban('192.0.2.9', 1, { reason: 'single' }),
      { op: 'unban', targets: targets.slice(0, 2000), family: 4, at: 2, origin: 'manual' },
    ]);
    assert.equal(compactIfWorthIt(dir, readJournal(dir), [], 100), true, '5001 entries, 1001 live');
    const text = readFileSync(journalPath(dir), 'utf8');
    assert.equal(text.split('\n').length - 1, 2, 'one batch line and one single line');
    const read = readJournal(dir);
    assert.deepEqual(read.records, [
      batch(targets.slice(2000), 1, { until: 500, reason: 'list' }),
      ban('192.0.2.9', 1, { reason: 'single' }),
    ]);
    assert.equal(compactIfWorthIt(dir, read, [], 100), false, 'nothing dead left');
    // Ended bans go at the next compaction.
    const extra: JournalRecord[] = [{ op: 'unban', target: '192.0.2.9', family: 4, at: 3, origin: 'manual' }];
    assert.equal(compactIfWorthIt(dir, readJournal(dir), extra, 1000), true);
    assert.equal(readFileSync(journalPath(dir), 'utf8'), '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
