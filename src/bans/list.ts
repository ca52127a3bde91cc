// `bans list`: the kernel's set read once, the journal read once, merged in O(n).
import type { BackendKind, KernelBan } from '../firewall/banset.js';
import { EnvironmentError } from '../errors.js';
import type { Family } from '../net/address.js';
import type { BanContext } from './context.js';
import { mergeBans, renderBansJson, type MergedBans } from './merge.js';
import { withSession, type Session } from './session.js';

export interface ListOutcome extends MergedBans {
  backend: BackendKind;
  /** Journal lines that were not valid records (damaged, torn or forged): skipped, and said so. */
  skippedLines: number;
}

async function readKernel(s: Session): Promise<KernelBan[]> {
  try {
    return await s.banSet.list();
  } catch (err) {
    // A deleted table is drift to report, not a failure: everything journaled shows as missing.
    if (err instanceof EnvironmentError || (await s.banSet.status()).ready) throw err;
    return [];
  }
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
