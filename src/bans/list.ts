// `bans list`: the kernel's set read once, the journal read once, merged in O(n).
import type { BackendKind, KernelBan } from '../firewall/banset.js';
import { EnvironmentError } from '../errors.js';
import type { Family } from '../net/address.js';
import type { BanContext } from './context.js';
import { mergeBans, type MergedBans } from './merge.js';
import { withSession } from './session.js';

export interface ListOutcome extends MergedBans {
  backend: BackendKind;
}

export async function listBans(ctx: BanContext, family?: Family, now?: number): Promise<ListOutcome> {
  return withSession(
    ctx,
    async (s) => {
      let kernel: KernelBan[];
      try {
        kernel = await s.banSet.list();
      } catch (err) {
        // A deleted table is drift to report, not a failure: everything journaled shows as missing.
        if (err instanceof EnvironmentError || (await s.banSet.status()).ready) throw err;
        kernel = [];
      }
      return { backend: s.banSet.kind, ...mergeBans(kernel, s.state(), s.now, family) };
    },
    now,
  );
}
