// The one restore (`setup --restore`, and `watch` at start): running journal bans missing from the kernel (a
// reboot, a `flush ruleset`) go back in with the time they have left. The journal is data on disk, so every entry
// passes the same never-ban rules as a manual `ban` (loopback, this host's addresses, gateways, nameservers, the
// ignore file, and prefixes holding any of them): a refused entry is counted and named, never applied.
import type { KernelBan } from '../firewall/banset.js';
import type { NeverBanMatcher } from '../firewall/never-ban.js';
import type { AnyBanRecord } from '../state/record.js';
import { banRecordFor } from '../state/fold.js';
import { applyBans } from './apply.js';
import { matcherFor, screenTargets, type Refusal } from './ban.js';
import { compactIfWorthIt, type Session } from './session.js';
import { parseTarget, TargetList, type Target } from '../net/targets.js';

export interface RestoreOutcome {
  /** Targets put back in the kernel. */
  restored: string[];
  /** Journal bans the never-ban rules refused: left out of the kernel. */
  refused: Refusal[];
  /** What the kernel holds after the restore. */
  kernel: KernelBan[];
}

interface Group {
  record: AnyBanRecord;
  targets: Target[];
}

/** Restores under the session's lock; `matcher` defaults to the never-ban lists gathered now. */
export async function restoreJournalBans(s: Session, matcher?: NeverBanMatcher): Promise<RestoreOutcome> {
  const before = await s.banSet.list();
  const inKernel = new Set(before.map((k) => k.target));
  const groups: Group[] = [];
  const all: Target[] = [];
  for (const { record, targets } of s.state().activeGroups()) {
    const wanted: Target[] = [];
    for (const text of targets) {
      if (inKernel.has(text)) continue;
      const t = parseTarget(text, 'journal');
      if (typeof t !== 'string') wanted.push(t);
    }
    if (wanted.length === 0) continue;
    groups.push({ record, targets: wanted });
    for (const t of wanted) all.push(t);
  }
  if (groups.length === 0) return { restored: [], refused: [], kernel: before };
  const judge = matcher ?? matcherFor(s.ctx, TargetList.from(all));
  const restored: string[] = [];
  const refused: Refusal[] = [];
  for (const { record, targets } of groups) {
    const screened = screenTargets(TargetList.from(targets), judge);
    for (const r of screened.refused) refused.push(r);
    if (screened.allowed.length === 0) continue;
    // Round up: a ban must never end earlier than the journal says.
    const timeout = record.until === undefined ? undefined : Math.max(1, Math.ceil((record.until - s.now) / 1000));
    const texts = screened.allowed.texts();
    const journal = banRecordFor({ ...record, at: s.now, origin: 'restore' }, texts);
    const applied = await applyBans(s, screened.allowed, timeout, [journal], 'restore');
    const gone = new Set(applied.kernelRefused.map((r) => r.address));
    for (const x of texts) if (!gone.has(x)) restored.push(x);
  }
  compactIfWorthIt(s.ctx.stateDir, s.journal(), [], s.now);
  return { restored, refused, kernel: restored.length > 0 ? await s.banSet.list() : before };
}
