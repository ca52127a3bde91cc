// `bans list`: the kernel's set read once, the journal read once, merged in O(n).
import type { BanSetKind } from '../config/backends.js';
import type { KernelBan } from '../firewall/banset.js';
import { EnvironmentError } from '../errors.js';
import type { Family } from '../net/address.js';
import type { AnyBanRecord } from '../state/record.js';
import type { BanContext } from './context.js';
import { mergeBans, renderBansJson, type MergedBans } from './merge.js';
import { expireRouteBans, withSession, type Session } from './session.js';
import { listOther } from './other-backend.js';

export interface ListOutcome extends MergedBans {
  backend: BanSetKind;
  /** Journal lines that were not valid records (damaged, torn or forged): skipped, and said so. */
  skippedLines: number;
}

async function readOwn(s: Session): Promise<KernelBan[]> {
  try {
    const bans = await s.banSet.list();
    return s.banSet.kind === 'route' ? withJournalExpiry(bans, s) : bans;
  } catch (err) {
    // A deleted table is drift to report, not a failure: everything journaled shows as missing.
    if (err instanceof EnvironmentError || (await s.banSet.status()).ready) throw err;
    return [];
  }
}

/**
 * Routes carry no timeout: portsentinel lifts them when the journal's time is up (session.ts), so that time is
 * their expiry. Without it every route ban would show as permanent.
 */
function withJournalExpiry(bans: KernelBan[], s: Session): KernelBan[] {
  const state = s.state();
  // live points only at ban records (fold.ts).
  const records = state.records as readonly AnyBanRecord[];
  for (const k of bans) {
    if (k.expiresIn !== undefined) continue;
    const i = state.live.get(k.target);
    const until = i === undefined ? undefined : records[i].until;
    if (until !== undefined) k.expiresIn = Math.max(0, Math.ceil((until - s.now) / 1000));
  }
  return bans;
}

/** The active backend's bans, then those the other backend still holds (they block hosts all the same). */
async function readKernel(s: Session): Promise<KernelBan[]> {
  const own = await readOwn(s);
  const other = await s.other();
  if (other?.kind === 'route') await expireRouteBans(other, s.state()).catch(() => undefined);
  const extra = await listOther(other);
  if (extra.length === 0) return own;
  const seen = new Set(own.map((k) => k.target));
  const out = own.slice();
  for (const k of extra) if (!seen.has(k.target)) out.push(k);
  return out;
}

export async function listBans(ctx: BanContext, family?: Family, now?: number): Promise<ListOutcome> {
  return withSession(
    ctx,
    async (s) => ({
      backend: s.banSet.kind,
      ...mergeBans(await readKernel(s), s.state(), s.now, family),
      skippedLines: s.journal().skipped,
    }),
    now,
  );
}

/** The `bans list --json` document (the ListOutcome's JSON, with its newline) as Buffers, built without row objects. */
export async function listBansJson(
  ctx: BanContext,
  family?: Family,
  now?: number,
): Promise<{ chunks: Buffer[]; skippedLines: number }> {
  return withSession(
    ctx,
    async (s) => ({
      chunks: renderBansJson(s.banSet.kind, await readKernel(s), s.state(), s.now, family),
      skippedLines: s.journal().skipped,
    }),
    now,
  );
}
