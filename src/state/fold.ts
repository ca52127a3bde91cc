// The journal's meaning: for each target, its last ban unless an unban came after it. O(n) over the targets, with
// one map entry per live target pointing at the record that holds it: a batch of 100k bans is folded without a
// per-target object. Per-target records (`active`, `expired`) are built only when asked for.
import type { AnyBanRecord, BanFields, BanRecord, JournalRecord } from './record.js';

export function isExpired(r: { until?: number }, now: number): boolean {
  return r.until !== undefined && r.until <= now;
}

/** The single-target form of one target of a ban record. */
export function banOf(r: AnyBanRecord, target: string): BanRecord {
  if (!('targets' in r)) return r;
  const out = { op: 'ban', target, family: r.family, at: r.at } as BanRecord;
  if (r.until !== undefined) out.until = r.until;
  if (r.reason !== undefined) out.reason = r.reason;
  out.origin = r.origin;
  if (r.trigger !== undefined) out.trigger = r.trigger;
  return out;
}

/** Ban records with `fields` for `targets` (single form for one target), as compaction and restores write them. */
export function banRecordFor(fields: BanFields, targets: string[]): AnyBanRecord {
  const out = (
    targets.length === 1
      ? { op: 'ban', target: targets[0], family: fields.family, at: fields.at }
      : { op: 'ban', targets, family: fields.family, at: fields.at }
  ) as AnyBanRecord;
  if (fields.until !== undefined) out.until = fields.until;
  if (fields.reason !== undefined) out.reason = fields.reason;
  out.origin = fields.origin;
  if (fields.trigger !== undefined) out.trigger = fields.trigger;
  return out;
}

export class JournalState {
  /** Every target whose last record is a ban (running or ended), in order of first ban → index into `records`. */
  readonly live: Map<string, number>;
  /** Live targets whose ban is still running at `now`. */
  readonly activeCount: number;
  readonly records: readonly JournalRecord[];
  readonly now: number;
  /** Per record: 1 when it is a ban whose time is up at `now`. */
  private readonly over: Uint8Array;
  private activeMap?: Map<string, BanRecord>;
  private expiredMap?: Map<string, BanRecord>;

  constructor(records: readonly JournalRecord[], now: number) {
    this.records = records;
    this.now = now;
    const live = new Map<string, number>();
    const over = new Uint8Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      if (r.op === 'ban') {
        if (isExpired(r, now)) over[i] = 1;
        if ('targets' in r) for (const t of r.targets) live.set(t, i);
        else live.set(r.target, i);
      } else if ('targets' in r) for (const t of r.targets) live.delete(t);
      else live.delete(r.target);
    }
    let active = 0;
    for (const i of live.values()) active += 1 - over[i];
    this.live = live;
    this.over = over;
    this.activeCount = active;
  }

  /** The ban record of a live target (its ban may have ended), or undefined. */
  recordOf(target: string): AnyBanRecord | undefined {
    const i = this.live.get(target);
    return i === undefined ? undefined : (this.records[i] as AnyBanRecord);
  }

  isOver(index: number): boolean {
    return this.over[index] === 1;
  }

  isActive(target: string): boolean {
    const i = this.live.get(target);
    return i !== undefined && this.over[i] === 0;
  }

  /** Running bans grouped by the record that holds them (in order of first ban): what a restore re-applies. */
  activeGroups(): Array<{ record: AnyBanRecord; targets: string[] }> {
    const groups = new Map<number, string[]>();
    for (const [t, i] of this.live) {
      if (this.over[i]) continue;
      const g = groups.get(i);
      if (g) g.push(t);
      else groups.set(i, [t]);
    }
    return [...groups].map(([i, targets]) => ({ record: this.records[i] as AnyBanRecord, targets }));
  }

  /** Bans still running at `now` (permanent or ending later), by target, in order of first ban. */
  get active(): Map<string, BanRecord> {
    if (!this.activeMap) this.split();
    return this.activeMap!;
  }

  /** Bans whose time is up and that no unban closed (route bans still to be removed from the kernel). */
  get expired(): Map<string, BanRecord> {
    if (!this.expiredMap) this.split();
    return this.expiredMap!;
  }

  private split(): void {
    const active = new Map<string, BanRecord>();
    const expired = new Map<string, BanRecord>();
    for (const [t, i] of this.live) {
      (this.over[i] ? expired : active).set(t, banOf(this.records[i] as AnyBanRecord, t));
    }
    this.activeMap = active;
    this.expiredMap = expired;
  }
}

export function foldJournal(records: readonly JournalRecord[], now: number): JournalState {
  return new JournalState(records, now);
}

/** Compaction pays off once most entries (one per target of each record) are dead. */
export function shouldCompact(entryCount: number, activeCount: number): boolean {
  return entryCount > 1000 && entryCount > 2 * activeCount;
}
