// The journal's meaning: for each target, its last ban unless an unban came after it. O(n) over the records.
import type { BanRecord, JournalRecord } from './record.js';

export interface JournalState {
  /** Bans still running at `now` (permanent or ending later), by target, in journal order. */
  active: Map<string, BanRecord>;
  /** Bans whose time is up and that no unban closed (route bans still to be removed from the kernel). */
  expired: Map<string, BanRecord>;
}

export function isExpired(r: BanRecord, now: number): boolean {
  return r.until !== undefined && r.until <= now;
}

export function foldJournal(records: readonly JournalRecord[], now: number): JournalState {
  const last = new Map<string, BanRecord>();
  for (const r of records) {
    if (r.op === 'ban') {
      last.delete(r.target); // keeps the map in order of each target's latest ban
      last.set(r.target, r);
    } else last.delete(r.target);
  }
  const active = new Map<string, BanRecord>();
  const expired = new Map<string, BanRecord>();
  for (const [target, r] of last) (isExpired(r, now) ? expired : active).set(target, r);
  return { active, expired };
}

/** Compaction pays off once most lines are dead (superseded, unbanned or expired). */
export function shouldCompact(recordCount: number, activeCount: number): boolean {
  return recordCount > 1000 && recordCount > 2 * activeCount;
}
