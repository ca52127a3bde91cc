// What `watch` needs of its nftables objects and what is missing now: the ban sets (the backend's status) and, in
// each base chain, the drop rules and the NFLOG rules it reads packets from, counted against the setup document.
import type { BanSet } from '../firewall/banset.js';
import { buildSetupDocument, chainsFor, type SetupOptions } from '../firewall/nftables/document.js';

type Json = Record<string, unknown>;

/** Phrases naming what is missing (empty: all in place). `full` also lists the chains' rules (one `nft` run each). */
export async function inspectNftObjects(banSet: BanSet, setup: SetupOptions, full: boolean): Promise<string[]> {
  const status = await banSet.status();
  const problems = [...status.problems];
  if (!full || problems.length > 0) return problems;
  const { listNftChain } = await import('../firewall/nftables/nft.js');
  const expected = expectedRules(setup);
  const table = setup.table ?? 'portsentinel';
  for (const chain of chainsFor(setup)) {
    const listing = (await listNftChain(table, chain)) as { nftables?: Json[] } | undefined;
    if (!listing?.nftables) {
      problems.push(`chain ${chain} missing`);
      continue;
    }
    const rules = listing.nftables.map((x) => x.rule as { expr?: Json[] } | undefined).filter((r) => r !== undefined);
    const want = expected.get(chain) ?? { drop: 0, log: 0 };
    const drops = rules.filter((r) => r.expr?.some((e) => 'drop' in e)).length;
    const logs = rules.filter((r) => r.expr?.some((e) => isOurLog(e, setup))).length;
    if (drops < want.drop) problems.push(`${want.drop - drops} drop rule(s) of chain ${chain} missing`);
    if (logs < want.log) problems.push(`${want.log - logs} NFLOG rule(s) of chain ${chain} missing`);
  }
  return problems;
}

function isOurLog(e: Json, setup: SetupOptions): boolean {
  const log = e.log as { group?: number } | undefined;
  return log !== undefined && (setup.logGroup === undefined || log.group === setup.logGroup);
}

function expectedRules(setup: SetupOptions): Map<string, { drop: number; log: number }> {
  const out = new Map<string, { drop: number; log: number }>();
  for (const cmd of buildSetupDocument(setup).nftables) {
    const rule = (cmd.add as { rule?: { chain: string; expr: Json[] } } | undefined)?.rule;
    if (!rule) continue;
    const n = out.get(rule.chain) ?? { drop: 0, log: 0 };
    if (rule.expr.some((e) => 'drop' in e)) n.drop++;
    if (rule.expr.some((e) => 'log' in e)) n.log++;
    out.set(rule.chain, n);
  }
  return out;
}
