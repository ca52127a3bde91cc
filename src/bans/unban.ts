// Lifting bans from the kernel and the journal together; names what was not banned at all.
import type { BanSetKind } from '../config/backends.js';
import { OperationError, PortsentinelError } from '../errors.js';
import { appendRecords } from '../state/journal.js';
import { unbanBatches, type Origin } from '../state/record.js';
import type { BanContext } from './context.js';
import { compactIfWorthIt, withSession } from './session.js';
import { listOther } from './other-backend.js';
import type { Target } from '../net/targets.js';

export interface UnbanOutcome {
  backend: BanSetKind;
  unbanned: string[];
  /** Requested targets that were neither in the kernel nor in the journal. */
  notBanned: string[];
  /**
   * True when the kernel objects were missing (never set up, deleted, flushed): the kernel held none of the bans,
   * and the unbans were recorded in the journal only, so that `setup --restore` does not bring them back.
   */
  kernelMissing?: boolean;
  /** Unbanned targets whose ban came from a CrowdSec Local API decision: it returns unless deleted there. */
  fromCrowdsec?: string[];
}

/** What `run` gets from the kernel, or `missing` when the ban sets are not there to ask. */
async function unlessMissing<T>(run: () => Promise<T>, missing: T): Promise<[T, boolean]> {
  try {
    return [await run(), false];
  } catch (err) {
    if (err instanceof PortsentinelError && err.code === 'E_NFT_NOT_SET_UP') return [missing, true];
    throw err;
  }
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
      let missing = false;
      const other = await s.other();
      if (targets === 'all') {
        const [kernel, gone] = await unlessMissing(() => s.banSet.list(), []);
        missing = gone;
        const all = new Set(kernel.map((k) => k.target));
        for (const k of await listOther(other)) all.add(k.target);
        for (const [t, i] of state.live) if (!state.isOver(i)) all.add(t);
        wanted = [...all];
      } else wanted = targets.map((t) => t.target);
      let removedList: string[] = [];
      if (wanted.length > 0 && !missing)
        [removedList, missing] = await unlessMissing(() => s.banSet.remove(wanted), []);
      const removed = new Set(removedList);
      // The other backend's leftovers are lifted too (a route left from when nf_tables was unusable).
      if (other && wanted.length > 0) for (const t of await other.remove(wanted).catch(() => [])) removed.add(t);
      const unbanned = wanted.filter((t) => removed.has(t) || state.isActive(t));
      const notBanned = wanted.filter((t) => !removed.has(t) && !state.isActive(t));
      const records = unbanBatches(unbanned, s.now, origin);
      try {
        if (!compactIfWorthIt(ctx.stateDir, s.journal(), records, s.now)) appendRecords(ctx.stateDir, records);
      } catch (err) {
        // The kernel has let go already (a full disk must not keep anyone banned): say so, and what is left undone.
        if (!(err instanceof PortsentinelError) || removed.size === 0) throw err;
        throw new OperationError(
          `unbanned ${removed.size} target(s) in the kernel (${s.banSet.kind}), but the journal could not record ` +
            `it: ${err.message}; setup --restore would bring them back: free space and run the same unban again`,
          'E_JOURNAL_UNRECORDED',
          err,
        );
      }
      const outcome: UnbanOutcome = { backend: s.banSet.kind, unbanned, notBanned };
      if (missing) outcome.kernelMissing = true;
      const remote = unbanned.filter((t) => state.recordOf(t)?.origin === 'crowdsec');
      if (remote.length > 0) outcome.fromCrowdsec = remote;
      return outcome;
    },
    now,
  );
}
