// The packets each ban set's drop rule has matched, from `nft -j list chain` (the counters on the rules the setup
// document writes: `ip saddr @banned4 counter drop` and its three siblings). Unreadable → empty, never an error.
import { execFile } from 'node:child_process';
import { findNft } from '../firewall/nftables/find-nft.js';

interface RuleExpr {
  match?: { right?: unknown };
  counter?: { packets?: number };
}

export function countersFromChain(doc: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  const items = (doc as { nftables?: Array<{ rule?: { expr?: RuleExpr[] } }> })?.nftables ?? [];
  for (const item of items) {
    const expr = item.rule?.expr;
    if (!Array.isArray(expr)) continue;
    const set = expr.map((e) => e.match?.right).find((r) => typeof r === 'string' && r.startsWith('@'));
    const packets = expr.map((e) => e.counter?.packets).find((p) => typeof p === 'number');
    if (typeof set === 'string' && packets !== undefined) out[set.slice(1)] = (out[set.slice(1)] ?? 0) + packets;
  }
  return out;
}

export function readRuleCounters(table: string): Promise<Record<string, number>> {
  const nft = findNft();
  if (!nft) return Promise.resolve({});
  return new Promise((resolve) => {
    execFile(nft, ['-j', 'list', 'chain', 'inet', table, 'input'], { timeout: 5000 }, (err, stdout) => {
      if (err) return resolve({});
      try {
        resolve(countersFromChain(JSON.parse(stdout)));
      } catch {
        resolve({});
      }
    });
  });
}
