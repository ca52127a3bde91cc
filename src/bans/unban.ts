// Lifting bans from the kernel and the journal together; names what was not banned at all.
import type { BackendKind } from '../firewall/banset.js';
import { appendRecords } from '../state/journal.js';
import { unbanBatches, type Origin } from '../state/record.js';
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
      const state = s.state();
      let wanted: string[];
      if (targets === 'all') {
        const kernel = await s.banSet.list();
        const all = new Set(kernel.map((k) => k.target));
        for (const [t, i] of state.live) if (!state.isOver(i)) all.add(t);
        wanted = [...all];
      } else wanted = targets.map((t) => t.target);
      const removed = new Set(wanted.length > 0 ? await s.banSet.remove(wanted) : []);
      const unbanned = wanted.filter((t) => removed.has(t) || state.isActive(t));
      const notBanned = wanted.filter((t) => !removed.has(t) && !state.isActive(t));
      const records = unbanBatches(unbanned, s.now, origin);
      if (!compactIfWorthIt(ctx.stateDir, s.journal(), records, s.now)) appendRecords(ctx.stateDir, records);
      return { backend: s.banSet.kind, unbanned, notBanned };
    },
    now,
  );
}
