// Bans portsentinel made with the backend that is not in use now: blackhole routes (protocol 153) left from a time
// nf_tables was unusable, or the nftables sets left from before a switch to routes. They still block hosts, so
// `bans list`, `unban` and `teardown` find and lift them too. Opened only to look: no objects are ever created.
import type { BanSet, KernelBan } from '../firewall/banset.js';
import type { PortSentryConfig } from '../config/types.js';

/** The other kernel backend, or undefined when it cannot be opened here (no nf_tables, no nft, a dry run). */
export async function openOtherBanSet(kind: BanSet['kind'], config: PortSentryConfig): Promise<BanSet | undefined> {
  if (kind === 'file') return undefined;
  const { openNftablesBanSet, openRouteBanSet } = await import('../firewall/select.js');
  try {
    return kind === 'nftables'
      ? await openRouteBanSet()
      : await openNftablesBanSet({ hooks: config.nftHooks, priority: config.nftPriority });
  } catch {
    return undefined;
  }
}

/** What the other backend holds; nothing when its objects are not there. */
export async function listOther(other: BanSet | undefined): Promise<KernelBan[]> {
  if (!other) return [];
  try {
    return await other.list();
  } catch {
    return [];
  }
}
