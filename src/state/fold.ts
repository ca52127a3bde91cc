// The journal's meaning: for each target, its last ban unless an unban came after it. O(n) over the records.
import type { BanRecord, JournalRecord } from './record.js';

export interface JournalState {
  /** Bans still running at `now` (permanent or ending later), by target, in order of first ban. */
  active: Map<string, BanRecord>;
  /** Bans whose time is up and that no unban closed (route bans still to be removed from the kernel). */
  expired: Map<string, BanRecord>;
}

export function isExpired(r: BanRecord, now: number): boolean {
  return r.until !== undefined && r.until <= now;
}

export function foldJournal(records: readonly JournalRecord[], now: number): JournalState {
  // One map, expired entries moved out afterwards: a 100k-ban journal is folded with ~100k map writes, not 300k.
  const active = new Map<string, BanRecord>();
  for (const r of records) {
    if (r.op === 'ban') active.set(r.target, r);
    else active.delete(r.target);
  }
  const expired = new Map<string, BanRecord>();
  for (const [target, r] of active) if (isExpired(r, now)) expired.set(target, r);
  for (const target of expired.keys()) active.delete(target);
  return { active, expired };
}

/** Compaction pays off once most lines are dead (superseded, unbanned or expired). */
export function shouldCompact(recordCount: number, activeCount: number): boolean {
  return recordCount > 1000 && recordCount > 2 * activeCount;
}
