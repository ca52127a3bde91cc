// Lifting bans from the kernel and the journal together; names what was not banned at all.
import type { BackendKind } from '../firewall/banset.js';
import { appendRecords } from '../state/journal.js';
import type { Origin, UnbanRecord } from '../state/record.js';
import type { BanContext } from './context.js';
import { compactIfWorthIt, withSession } from './session.js';
import type { Target } from './targets.js';

export interface UnbanOutcome {
  backend: BackendKind;
  unbanned: string[];
  /** Requested targets that were neither in the kernel nor in the journal. */
  notBanned: string[];
}

export async function unbanTargets(
  ctx: BanContext,
  targets: Target[] | 'all',
  origin: Origin = 'manual',
  now?: number,
): Promise<UnbanOutcome> {
  return withSession(
    ctx,
    async (s) => {
      const { active } = s.state();
      let wanted: string[];
      if (targets === 'all') {
        const kernel = await s.banSet.list();
        wanted = [...new Set([...kernel.map((k) => k.target), ...active.keys()])];
      } else wanted = targets.map((t) => t.target);
      const removed = new Set(wanted.length > 0 ? await s.banSet.remove(wanted) : []);
      const unbanned = wanted.filter((t) => removed.has(t) || active.has(t));
      const notBanned = wanted.filter((t) => !removed.has(t) && !active.has(t));
      const family = (t: string) => (t.includes(':') ? 6 : 4) as 4 | 6;
      const records: UnbanRecord[] = unbanned.map((t) => ({
        op: 'unban',
        target: t,
        family: family(t),
        at: s.now,
        origin,
      }));
      if (!compactIfWorthIt(ctx.stateDir, s.journal(), records, s.now)) appendRecords(ctx.stateDir, records);
      return { backend: s.banSet.kind, unbanned, notBanned };
    },
    now,
  );
}
