// The one way to open a ban set: the file stand-in when asked for, else nftables when the kernel has nf_tables and
// `nft` is installed (needed for setup), else blackhole routes. Decided from errno values and file checks, never
// from message text; the choice and its reason come back beside the ban set, for `status` and `watch`.
import type { BanSetChoice, BanSetKind } from '../config/backends.js';
import type { BanSet } from './banset.js';
import { EnvironmentError } from '../errors.js';
import { NETLINK_NETFILTER } from '../netlink/constants.js';
import { isPermissionError, NetlinkError } from '../netlink/errors.js';
import { SocketTransport } from '../netlink/transport.js';
import { toPortsentinelError } from './netlink-failure.js';
import { NftablesBanSet, type NftablesOptions } from './nftables/backend.js';
import { findNft } from './nftables/find-nft.js';
import { RouteBanSet, type RouteOptions } from './route/backend.js';

export interface BackendSelection {
  requested: BanSetChoice;
  kind: BanSetKind;
  /** One phrase: why this backend ("nf_tables answered", "nft command not installed", ...). */
  reason: string;
}

export interface OpenedBanSet {
  banSet: BanSet;
  selection: BackendSelection;
}

export interface OpenOptions extends Omit<NftablesOptions, 'transport'> {
  hooks?: Array<'input' | 'forward'>;
  priority?: number;
  logGroup?: number;
  /** The JSON file of the `file` ban set (required when it is chosen). */
  file?: string;
  /**
   * nftables' batches sent from libuv's thread pool (SocketTransportOptions.sendFromThreadPool): for a caller that
   * reads and encodes the next batch while the kernel applies the last one.
   */
  sendFromThreadPool?: boolean;
}

function opened(banSet: BanSet, requested: BanSetChoice, reason: string): OpenedBanSet {
  return { banSet, selection: { requested, kind: banSet.kind, reason } };
}

/** Opens the nftables backend after proving nf_tables answers; EnvironmentError (exit 3) when it cannot be used. */
export async function openNftablesBanSet(opts: OpenOptions = {}): Promise<NftablesBanSet> {
  if (!findNft()) {
    throw new EnvironmentError('The nft command is not installed: install the nftables package.', 'E_NFT_MISSING');
  }
  let set: NftablesBanSet;
  try {
    const transport = opts.sendFromThreadPool
      ? new SocketTransport(NETLINK_NETFILTER, { sendFromThreadPool: true })
      : undefined;
    set = new NftablesBanSet({ ...opts, transport });
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

export async function openBanSet(choice: BanSetChoice, opts: OpenOptions = {}): Promise<OpenedBanSet> {
  if (choice === 'file') {
    if (opts.file === undefined) throw new Error('the file ban set needs its file');
    const { FileBanSet } = await import('./file-banset.js');
    return opened(new FileBanSet(opts.file), choice, 'requested');
  }
  if (choice === 'route') return opened(await openRouteBanSet(), choice, 'requested');
  if (choice === 'nftables') return opened(await openNftablesBanSet(opts), choice, 'requested');
  if (!findNft()) return opened(await openRouteBanSet(), choice, 'nft command not installed');
  try {
    return opened(await openNftablesBanSet(opts), choice, 'nf_tables answered and nft is installed');
  } catch (e) {
    // Without CAP_NET_ADMIN routes fail the same way: say so instead of falling back.
    if (e instanceof EnvironmentError && e.code === 'E_NO_CAP_NET_ADMIN') throw e;
    const cause = (e as { cause?: unknown }).cause;
    const code = cause instanceof NetlinkError ? cause.code : 'unavailable';
    return opened(await openRouteBanSet(), choice, `nf_tables unavailable (${code})`);
  }
}
