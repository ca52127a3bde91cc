// `setup --restore`: every unexpired journal ban back into the kernel in one batch, with the time it has left,
// after a reboot or a `flush ruleset`. Journaled with origin "restore"; reason and trigger are carried over.
import type { BanEntry } from '../firewall/banset.js';
import { appendRecords } from '../state/journal.js';
import { banRecordFor } from '../state/fold.js';
import type { JournalRecord } from '../state/record.js';
import { compactIfWorthIt, type Session } from './session.js';

export interface RestoreOutcome {
  restored: number;
}

export async function restoreFromJournal(s: Session): Promise<RestoreOutcome> {
  const entries: BanEntry[] = [];
  const records: JournalRecord[] = [];
  // One record per journal record restored from: its targets share everything but the new time and origin.
  for (const { record: j, targets } of s.state().activeGroups()) {
    // Round up: a ban must never end earlier than the journal says.
    const timeout = j.until === undefined ? undefined : Math.max(1, Math.ceil((j.until - s.now) / 1000));
    for (const target of targets) entries.push({ target, family: j.family, timeout });
    records.push(banRecordFor({ ...j, at: s.now, origin: 'restore' }, targets));
  }
  if (entries.length === 0) return { restored: 0 };
  await s.banSet.add(entries);
  if (!compactIfWorthIt(s.ctx.stateDir, s.journal(), records, s.now)) appendRecords(s.ctx.stateDir, records);
  return { restored: entries.length };
}
