// The shape of every kernel-touching operation: take the state lock, open the ban set, lift route bans whose
// journal time is up (routes have no kernel timeouts), then do the work. One place, so no command forgets expiry.
import type { BanSet } from '../firewall/banset.js';
import { withLock } from '../state/lock.js';
import { readJournal, rewriteJournal, type JournalRead } from '../state/journal.js';
import { banRecordFor, foldJournal, shouldCompact, type JournalState } from '../state/fold.js';
import { entryCount, type JournalRecord } from '../state/record.js';
import type { BanContext } from './context.js';
import { openOtherBanSet } from './other-backend.js';

export interface Session {
  ctx: BanContext;
  banSet: BanSet;
  now: number;
  /** The journal as read under the lock (read lazily: a plain `ban` never needs it). */
  journal(): JournalRead;
  state(): JournalState;
  /** Called after appending to the journal: the next journal() or state() reads it again. */
  journalChanged(): void;
  /** The backend not in use (routes while nftables is active, and the reverse), opened on first use; see other-backend.ts. */
  other(): Promise<BanSet | undefined>;
}

/** Removes from the kernel the route bans the journal says have ended. Returns the targets removed. */
export async function expireRouteBans(banSet: BanSet, state: JournalState): Promise<string[]> {
  if (banSet.kind !== 'route' || state.live.size === state.activeCount) return [];
  const inKernel = await banSet.list();
  const due = inKernel
    .filter((k) => {
      const i = state.live.get(k.target);
      return i !== undefined && state.isOver(i);
    })
    .map((k) => k.target);
  return due.length > 0 ? banSet.remove(due) : [];
}

/**
 * Rewrites the journal down to its running bans when most of it is dead, one record per surviving record (a batch
 * stays a batch). Call with the lock held.
 */
export function compactIfWorthIt(dir: string, read: JournalRead, extra: JournalRecord[], now: number): boolean {
  const all = extra.length > 0 ? [...read.records, ...extra] : read.records;
  const state = foldJournal(all, now);
  if (!shouldCompact(entryCount(all), state.activeCount)) return false;
  rewriteJournal(
    dir,
    state.activeGroups().map((g) => banRecordFor(g.record, g.targets)),
  );
  return true;
}

/** `banSet` overrides the context's own (`watch` opens its ban set itself). */
export async function withSession<T>(
  ctx: BanContext,
  fn: (s: Session) => Promise<T>,
  now = Date.now(),
  banSetOverride?: BanSet,
): Promise<T> {
  return withLock(ctx.stateDir, async () => {
    const banSet = banSetOverride ?? (await ctx.banSet());
    let read: JournalRead | undefined;
    let folded: JournalState | undefined;
    let other: Promise<BanSet | undefined> | undefined;
    const session: Session = {
      ctx,
      banSet,
      now,
      journal: () => (read ??= readJournal(ctx.stateDir)),
      state: () => (folded ??= foldJournal(session.journal().records, now)),
      journalChanged: () => {
        read = undefined;
        folded = undefined;
      },
      other: () => (other ??= openOtherBanSet(banSet.kind, ctx.config)),
    };
    try {
      if (banSet.kind === 'route') await expireRouteBans(banSet, session.state());
      return await fn(session);
    } finally {
      if (other) await (await other)?.close().catch(() => undefined);
    }
  });
}
