// The ban-set contract every backend implements (nftables over netlink, blackhole routes, dry run).
// Deletes go before adds; batches are split by encoded size inside the backend.
import type { BanSetKind } from '../config/backends.js';
import { uint32ToIPv4, type Family } from '../net/address.js';
import type { TargetList } from '../net/targets.js';

export interface BanEntry {
  /** Canonical address or prefix text: "192.0.2.66", "2001:db8::/64". */
  target: string;
  family: Family;
  /** Seconds until the kernel drops it; undefined = permanent. */
  timeout?: number;
  /**
   * The address as a uint32, when `target` is a single IPv4 address the caller already parsed (the ban commands
   * do): backends then take the key from here instead of parsing `target` again.
   */
  v4?: number;
  /**
   * The network bytes (host bits clear) and length, when `target` is an address or prefix the caller already parsed
   * into its canonical form (the ban commands do): backends then take them from here.
   */
  prefix?: { bytes: Uint8Array; length: number };
}

/**
 * Bans sharing one timeout: a packed TargetList (net/targets.ts) and the timeout. This is how `ban --file` hands
 * over 100k addresses as one typed array instead of 100k entries.
 */
export interface BanBatch extends Pick<TargetList, 'v4' | 'others' | 'otherAt'> {
  /** Seconds until the kernel drops them; undefined = permanent. */
  timeout?: number;
}

/** The batch as entries, in input order (for backends that take entries one by one anyway). */
export function batchEntries(b: BanBatch): BanEntry[] {
  const out: BanEntry[] = [];
  const { v4, others, otherAt, timeout } = b;
  for (let i = 0, j = 0; i <= v4.length; i++) {
    for (; j < others.length && otherAt[j] === i; j++) out.push({ ...others[j], timeout });
    if (i < v4.length) out.push({ target: uint32ToIPv4(v4[i]), family: 4, timeout, v4: v4[i] });
  }
  return out;
}

/** Adds a batch through the backend's packed path when it has one, else as entries. */
export function addBatch(set: BanSet, b: BanBatch): Promise<void> {
  return set.addBatch ? set.addBatch(b) : set.add(batchEntries(b));
}

export interface KernelBan {
  target: string;
  family: Family;
  /** Seconds left before the kernel expires it (undefined = permanent). */
  expiresIn?: number;
  /** The timeout the element was added with, when the kernel reports it. */
  timeout?: number;
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
  /** Adds (or refreshes) bans in as few kernel round trips as possible; all or nothing per call. */
  add(entries: BanEntry[]): Promise<void>;
  /** The same as add(batchEntries(batch)), without making the entries. */
  addBatch?(batch: BanBatch): Promise<void>;
  /** Removes bans; entries that are already gone (expired) are not an error. Returns those actually removed. */
  remove(targets: string[]): Promise<string[]>;
  /**
   * Removes `targets` then adds `entries`, deletes first, in one batch where the kernel allows (a Local API
   * decision stream answer); an element already gone is no error. False when it cannot, having changed nothing:
   * the caller then uses remove and add.
   */
  replace?(targets: string[], entries: BanEntry[]): Promise<boolean>;
  list(): Promise<KernelBan[]>;
  has(target: string): Promise<boolean>;
  close(): Promise<void>;
}
