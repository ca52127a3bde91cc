// The `setup` command's core: apply (and optionally restore), or with --dry-run only build the nftables document.
import type { BackendKind } from '../firewall/banset.js';
import { withContext, type ContextOptions } from './context.js';
import { setupBackend } from './setup.js';
import { escapeText } from '../util/escape-text.js';

export interface SetupResult {
  backend: BackendKind | 'nftables';
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

export function formatSetup(r: SetupResult): string {
  if (r.dryRun) return JSON.stringify(r.document, null, 2);
  const what = r.repaired.length > 0 ? `repaired (${r.repaired.join('; ')})` : 'already whole';
  const restored = r.restored === null ? '' : `; restored ${r.restored} ban(s) from the journal`;
  const refused = r.refused && r.refused.length > 0 ? `; refused ${r.refused.length} (never-ban rules)` : '';
  const lines = [`${r.backend}: ${what}${r.ready ? '' : ' but still not ready'}${restored}${refused}`];
  for (const x of r.refused ?? []) lines.push(`refused ${escapeText(x.address)}: ${escapeText(x.rule)}`);
  return lines.join('\n');
}
