// The ban-set contract every backend implements (nftables over netlink, blackhole routes, dry run).
// Deletes go before adds; batches are split by encoded size inside the backend.
import type { BanSetKind } from '../config/backends.js';
import type { Family } from '../net/address.js';
import type { TargetList } from '../net/targets.js';

/**
 * How long bans last, in seconds until the kernel drops them: one value for every target of the list (0 =
 * permanent), or one per target in list order (the order TargetList.texts() gives), for bans re-added each with
 * the time it has left.
 */
export type BanTimeouts = number | Uint32Array;

/** The timeout of the target at list position `at` (0 = permanent). */
export function timeoutAt(timeouts: BanTimeouts, at: number): number {
  return typeof timeouts === 'number' ? timeouts : timeouts[at];
}

/** Throws unless `timeouts` is one value or exactly one per target of `list`. */
export function checkTimeoutCount(list: TargetList, timeouts: BanTimeouts): void {
  if (typeof timeouts !== 'number' && timeouts.length !== list.length) {
    throw new RangeError(`${timeouts.length} ban timeouts were given for ${list.length} targets; give one per target`);
  }
}

/** A ban as the entry-by-entry backends store it. */
export interface BanEntry {
  /** Canonical address or prefix text: "192.0.2.66", "2001:db8::/64". */
  target: string;
  family: Family;
  /** Seconds until the kernel drops it; undefined = permanent. */
  timeout?: number;
}

/** The list as entries, in list order (for backends that take bans one by one anyway; never the packed path). */
export function banEntries(list: TargetList, timeouts: BanTimeouts): BanEntry[] {
  checkTimeoutCount(list, timeouts);
  return list.toArray().map((t, i) => {
    const timeout = timeoutAt(timeouts, i);
    return { target: t.target, family: t.family, timeout: timeout > 0 ? timeout : undefined };
  });
}

export interface KernelBan {
  target: string;
  family: Family;
  /** Seconds left before the kernel expires it (undefined = permanent). */
  expiresIn?: number;
  /** The timeout the element was added with, when the kernel reports it. */
  timeout?: number;
  /**
   * Packets and bytes the ban has dropped since it was added, from the element's own kernel counter; absent (not
   * zero) where there is none: route and file backends, sets made without counters.
   */
  packets?: number;
  bytes?: number;
}

export interface BanSetStatus {
  kind: BanSetKind;
  /** True when every kernel object the backend needs exists and is shaped as expected. */
  ready: boolean;
  /** What is missing or misshapen, in one phrase each (e.g. "set banned6 missing"). */
  problems: string[];
}

export interface BanSet {
  readonly kind: BanSetKind;
  /** Creates or repairs the kernel objects (idempotent; keeps existing elements). */
  setup(): Promise<void>;
  /** Removes only portsentinel's own kernel objects. */
  teardown(): Promise<void>;
  status(): Promise<BanSetStatus>;
  /**
   * Adds (or refreshes) bans in as few kernel round trips as possible; all or nothing per call. Single IPv4
   * addresses go from the list's packed uint32s to the kernel without an object each.
   */
  add(list: TargetList, timeouts: BanTimeouts): Promise<void>;
  /** Removes bans; entries that are already gone (expired) are not an error. Returns those actually removed. */
  remove(targets: string[]): Promise<string[]>;
  /**
   * Removes `targets` then adds `list`, deletes first, in one batch where the kernel allows (a Local API
   * decision stream answer); an element already gone is no error. False when it cannot, having changed nothing:
   * the caller then uses remove and add.
   */
  replace?(targets: string[], list: TargetList, timeouts: BanTimeouts): Promise<boolean>;
  list(): Promise<KernelBan[]>;
  has(target: string): Promise<boolean>;
  close(): Promise<void>;
}
