// Backend selection: nftables when the kernel has nf_tables and `nft` is installed (needed for setup), else
// blackhole routes. Decided from errno values and file checks, never from message text; the choice and its
// reason are kept on the returned BanSet for `status`.
import type { BanSet } from './banset.js';
import { EnvironmentError } from '../errors.js';
import { isPermissionError, NetlinkError } from '../netlink/errors.js';
import { toPortsentinelError } from './netlink-failure.js';
import { NftablesBanSet, type NftablesOptions } from './nftables/backend.js';
import { findNft } from './nftables/find-nft.js';
import { RouteBanSet, type RouteOptions } from './route/backend.js';

export type BackendName = 'auto' | 'nftables' | 'route';

export interface BackendSelection {
  requested: BackendName;
  kind: 'nftables' | 'route';
  /** One phrase: why this backend ("nf_tables answered", "nft command not installed", ...). */
  reason: string;
}

export type SelectedBanSet = BanSet & { readonly selection: BackendSelection };

export interface OpenOptions extends Omit<NftablesOptions, 'transport'> {
  hooks?: Array<'input' | 'forward'>;
  priority?: number;
  logGroup?: number;
}

function withSelection<T extends BanSet>(
  set: T,
  selection: BackendSelection,
): T & { readonly selection: BackendSelection } {
  return Object.assign(set, { selection });
}

/** Opens the nftables backend after proving nf_tables answers; EnvironmentError (exit 3) when it cannot be used. */
export async function openNftablesBanSet(opts: OpenOptions = {}): Promise<NftablesBanSet> {
  if (!findNft()) {
    throw new EnvironmentError('The nft command is not installed: install the nftables package.', 'E_NFT_MISSING');
  }
  let set: NftablesBanSet;
  try {
    set = new NftablesBanSet(opts);
  } catch (e) {
    throw unavailable(e);
  }
  try {
    await set.probe();
  } catch (e) {
    await set.close();
    throw unavailable(e);
  }
  return set;
}

function unavailable(e: unknown): unknown {
  if (isPermissionError(e) || e instanceof EnvironmentError) return toPortsentinelError(e, 'Using nftables');
  const cause =
    e instanceof EnvironmentError || e instanceof NetlinkError ? e : ((e as { cause?: unknown }).cause ?? e);
  if (isPermissionError(cause)) return toPortsentinelError(cause, 'Using nftables');
  const code = cause instanceof NetlinkError ? cause.code : 'unknown error';
  return new EnvironmentError(
    `The kernel's nf_tables is not available (${code}): load the nf_tables module or use --backend route.`,
    'E_NO_NFTABLES',
    e,
  );
}

export async function openRouteBanSet(opts: RouteOptions = {}): Promise<RouteBanSet> {
  try {
    return new RouteBanSet(opts);
  } catch (e) {
    throw toPortsentinelError(e, 'Opening rtnetlink');
  }
}

export async function openBanSet(name: BackendName, opts: OpenOptions = {}): Promise<SelectedBanSet> {
  if (name === 'route') {
    return withSelection(await openRouteBanSet(), { requested: name, kind: 'route', reason: 'requested' });
  }
  if (name === 'nftables') {
    return withSelection(await openNftablesBanSet(opts), { requested: name, kind: 'nftables', reason: 'requested' });
  }
  if (!findNft()) {
    return withSelection(await openRouteBanSet(), {
      requested: name,
      kind: 'route',
      reason: 'nft command not installed',
    });
  }
  try {
    return withSelection(await openNftablesBanSet(opts), {
      requested: name,
      kind: 'nftables',
      reason: 'nf_tables answered and nft is installed',
    });
  } catch (e) {
    // Without CAP_NET_ADMIN routes fail the same way: say so instead of falling back.
    if (e instanceof EnvironmentError && e.code === 'E_NO_CAP_NET_ADMIN') throw e;
    const cause = (e as { cause?: unknown }).cause;
    const code = cause instanceof NetlinkError ? cause.code : 'unavailable';
    return withSelection(await openRouteBanSet(), {
      requested: name,
      kind: 'route',
      reason: `nf_tables unavailable (${code})`,
    });
  }
}
