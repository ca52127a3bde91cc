// The ban journal: append-only JSON lines (a line may carry a batch of targets), one write and one fsync per
// command, read whole in O(n).
// Crash safety: a torn last line (power cut mid-append) is skipped on read and fenced off by a newline before the
// next append; compaction writes a temp file, fsyncs it and renames it over the journal. Writers hold the lock.
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { OperationError } from '../errors.js';
import { formatRecord, type JournalRecord } from './record.js';
import { isRecord } from './check-record.js';

export const JOURNAL_FILE = 'journal.jsonl';

// Links are never followed to the journal: a link planted in the state directory must not redirect root's writes.
const { O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_RDWR, O_WRONLY } = constants;

export interface JournalRead {
  records: JournalRecord[];
  /** Lines that could not be used (a torn tail, or a line damaged by a crash); never fatal. */
  skipped: number;
}

export function journalPath(dir: string): string {
  return join(dir, JOURNAL_FILE);
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function failure(what: string, path: string, err: unknown): OperationError {
  const code = (err as NodeJS.ErrnoException).code ?? String(err);
  return new OperationError(
    `cannot ${what} the journal ${path} (${code}); check the state directory`,
    'E_JOURNAL',
    err,
  );
}

/** Appends records in one write and one fsync. Call with the lock held. */
export function appendRecords(dir: string, records: JournalRecord[]): void {
  let text = '';
  for (const r of records) text += formatRecord(r);
  appendLines(dir, text);
}

/** Appends already formatted record lines (formatRecord / formatBanLines, text or UTF-8) in one write and one fsync. */
export function appendLines(dir: string, lines: string | Buffer): void {
  if (lines.length === 0) return;
  let buf = typeof lines === 'string' ? Buffer.from(lines, 'utf8') : lines;
  const path = journalPath(dir);
  let fd: number;
  try {
    fd = openSync(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW, 0o600);
  } catch (err) {
    throw failure('open', path, err);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > 0) {
      // A torn tail from a crash must not swallow the first new record.
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, size - 1);
      if (last[0] !== 0x0a) buf = Buffer.concat([Buffer.from('\n'), buf]);
    }
    let off = 0;
    try {
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } catch (err) {
      // Whole lines or nothing: a write cut short (a full disk) is taken back, so no torn line is left behind.
      if (off > 0) ftruncateSync(fd, size);
      throw err;
    }
    if (size === 0) fsyncDir(dir);
  } catch (err) {
    throw failure('write', path, err);
  } finally {
    closeSync(fd);
  }
}

/** Parses journal text; the unterminated last line and unreadable lines are counted, not thrown. */
export function parseJournal(text: string): JournalRead {
  const end = text.lastIndexOf('\n');
  const body = end >= 0 ? text.slice(0, end) : '';
  let skipped = end === text.length - 1 ? 0 : 1;
  if (body.length === 0) return { records: [], skipped };
  // Fast path: an undamaged journal is one JSON array away from parsed (a 100k batch is one string array in it).
  try {
    const all = JSON.parse(`[${body.replaceAll('\n', ',')}]`) as unknown[];
    if (all.every(isRecord)) return { records: all, skipped };
  } catch {
    // fall through to line by line
  }
  const records: JournalRecord[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const v: unknown = JSON.parse(line);
      if (isRecord(v)) {
        records.push(v);
        continue;
      }
    } catch {
      // counted below
    }
    skipped++;
  }
  return { records, skipped };
}

export function readJournal(dir: string): JournalRead {
  const path = journalPath(dir);
  let text: string;
  try {
    const fd = openSync(path, O_RDONLY | O_NOFOLLOW);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw failure('read', path, err);
  }
  return parseJournal(text);
}

/** Replaces the journal with `records` atomically (temp file, fsync, rename, fsync dir). Call with the lock held. */
export function rewriteJournal(dir: string, records: JournalRecord[]): void {
  const path = journalPath(dir);
  const temp = `${path}.tmp-${process.pid}`;
  let text = '';
  for (const r of records) text += formatRecord(r);
  try {
    try {
      unlinkSync(temp);
    } catch {
      // none left over
    }
    const fd = openSync(temp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    try {
      const buf = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
    fsyncDir(dir);
  } catch (err) {
    throw failure('compact', path, err);
  }
}
