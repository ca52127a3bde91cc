// At start: journal bans that are still running but missing from the kernel (reboot, `flush ruleset`) go back in,
// with the time they have left; then everything the kernel holds seeds the detector as "already blocked".
import type { BanEntry, BanSet, KernelBan } from '../firewall/banset.js';
import { withLock } from '../state/lock.js';
import { appendRecords, readJournal } from '../state/journal.js';
import { foldJournal } from '../state/fold.js';
import type { BanRecord } from '../state/record.js';

export interface RestoreResult {
  restored: string[];
  /** What the kernel holds after the restore. */
  kernel: KernelBan[];
}

export async function restoreMissingBans(stateDir: string, banSet: BanSet, now = Date.now()): Promise<RestoreResult> {
  return withLock(stateDir, async () => {
    const kernel = await banSet.list();
    const inKernel = new Set(kernel.map((k) => k.target));
    const entries: BanEntry[] = [];
    const records: BanRecord[] = [];
    for (const j of foldJournal(readJournal(stateDir).records, now).active.values()) {
      if (inKernel.has(j.target)) continue;
      // Round up: a ban must never end earlier than the journal says.
      const timeout = j.until === undefined ? undefined : Math.max(1, Math.ceil((j.until - now) / 1000));
      entries.push({ target: j.target, family: j.family, timeout });
      records.push({ ...j, at: now, origin: 'restore' });
    }
    if (entries.length === 0) return { restored: [], kernel };
    await banSet.add(entries);
    appendRecords(stateDir, records);
    return { restored: entries.map((e) => e.target), kernel: await banSet.list() };
  });
}
