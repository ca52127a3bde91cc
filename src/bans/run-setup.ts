// The `setup` command's core: apply (and optionally restore), or with --dry-run only build the nftables document.
import type { BanSetKind } from '../config/backends.js';
import { withContext, type ContextOptions } from './context.js';
import { setupBackend } from './setup.js';

export interface SetupResult {
  backend: BanSetKind | 'nftables';
  dryRun: boolean;
  /** The nftables JSON document (--dry-run only). */
  document: unknown;
  repaired: string[];
  ready: boolean;
  restored: number | null;
  /** Journal bans the never-ban rules kept out of the kernel (--restore), else null. */
  refused: Array<{ address: string; rule: string }> | null;
}

export async function runSetup(
  opts: ContextOptions,
  input: { restore: boolean; dryRun: boolean },
): Promise<SetupResult> {
  return withContext(opts, async (ctx) => {
    if (input.dryRun) {
      const { buildSetupDocument } = await import('../firewall/nftables/document.js');
      const document = buildSetupDocument({ hooks: ctx.config.nftHooks, priority: ctx.config.nftPriority });
      return { backend: 'nftables', dryRun: true, document, repaired: [], ready: false, restored: null, refused: null };
    }
    const r = await setupBackend(ctx, input.restore);
    return { ...r, dryRun: false, document: null };
  });
}
