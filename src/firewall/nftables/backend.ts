// The nftables BanSet: set elements written and read over our own nfnetlink code, kernel objects created with
// `nft -j` (document.ts). Addresses go to the hash sets banned4/banned6, prefixes to the interval sets
// bannednet4/bannednet6 as a [start, end) pair; expiry is the kernel's own element timeout.
import { release } from 'node:os';
import { checkTimeoutCount, type BanSet, type BanSetStatus, type BanTimeouts, type KernelBan } from '../banset.js';
import { InputError, OperationError } from '../../errors.js';
import type { Family } from '../../net/address.js';
import { NetlinkConnection } from '../../netlink/connection.js';
import {
  NETLINK_NETFILTER,
  NFPROTO_INET,
  NFT_MSG_DELSETELEM,
  NFT_MSG_DESTROYSETELEM,
  NFT_MSG_NEWSETELEM,
  NFT_SET_ELEM_INTERVAL_END,
  NFT_SET_INTERVAL,
  NFT_SET_TIMEOUT,
  NLM_F_CREATE,
} from '../../netlink/constants.js';
import { EINVAL, ENOENT, EOPNOTSUPP, isNetlinkError } from '../../netlink/errors.js';
import { toPortsentinelError } from '../netlink-failure.js';
import { BatchError, nftType, sendBatch, splitBatches, type NftMessage } from '../../netlink/nfnetlink.js';
import {
  buildPackedElementMessages,
  buildPackedIntervalMessages,
  buildSetElementMessages,
  encodeElements,
  getSetElement,
  getSetElements,
  ipv4Keys,
  slicePacked,
  sliceIntervals,
  walkAllSetElements,
  type DecodedElement,
  type PackedElements,
  type PackedIntervals,
  type SetElement,
  type SetRef,
} from '../../netlink/nftables/setelem.js';
import { getSet } from '../../netlink/nftables/set.js';
import { deleteTable } from '../../netlink/nftables/table.js';
import { getGen } from '../../netlink/nftables/gen.js';
import { SocketTransport, type NetlinkTransport } from '../../netlink/transport.js';
import { findNft } from './find-nft.js';
import { buildSetupDocument, findLogRule, SETS, TABLE, type SetName, type SetupOptions } from './document.js';
import { prefixOf, type Target, type TargetList } from '../../net/targets.js';
import { addressText, compareBytes, prefixEnd, rangeToPrefixes, targetOf } from '../targets.js';

export interface NftablesOptions extends SetupOptions {
  /**
   * Use DESTROYSETELEM (kernel >= 6.3). Default: learnt from the kernel's answer to the first batch that uses it;
   * false forces DELSETELEM + bisect.
   */
  destroy?: boolean;
  /**
   * Delete then re-add an existing element so `add` refreshes its timeout. Needed before kernel 6.12, where a
   * repeated add leaves the old timeout in place. Default: from the running kernel's version.
   */
  refreshByReplace?: boolean;
  /** Transport override (tests: test/helpers/nltest.ts). */
  transport?: NetlinkTransport;
}

/** One ban as kernel elements: 1 key in a hash set, or start + end in an interval set. */
export interface Unit {
  target: string;
  set: SetName;
  elements: SetElement[];
}

const setFor = (t: Target): SetName =>
  t.isPrefix ? (t.family === 4 ? 'bannednet4' : 'bannednet6') : t.family === 4 ? 'banned4' : 'banned6';

const familyOf = (set: SetName): Family => (set.endsWith('4') ? 4 : 6);

/** Longest timeout accepted: far below the kernel's ERANGE bound and the ms-in-u64 encoding. */
export const MAX_TIMEOUT_SECONDS = 2 ** 32;

export function kernelAtLeast(major: number, minor: number, rel = release()): boolean {
  const m = /^(\d+)\.(\d+)/.exec(rel);
  if (!m) return true;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

export function toUnit(t: Target, timeoutSeconds?: number): Unit {
  const timeoutMs = timeoutSeconds ? Math.round(timeoutSeconds * 1000) : undefined;
  const set = setFor(t);
  const { bytes, length } = prefixOf(t);
  if (!t.isPrefix) return { target: t.target, set, elements: [{ key: bytes, timeoutMs }] };
  const elements: SetElement[] = [{ key: bytes, timeoutMs }];
  // A prefix reaching the top of the address space has no end key: the interval stays open, as nft does.
  const end = prefixEnd(bytes, length);
  if (end) elements.push({ key: end, intervalEnd: true });
  return { target: t.target, set, elements };
}

/**
 * A refused batch that can only mean a missing table or set: ENOENT on NEWSETELEM (sent without EXCL, so an element
 * already there is no error) or on DESTROYSETELEM (a missing element is no error for it). DELSETELEM's ENOENT may
 * just mean that the element has expired, so it is not one.
 */
function batchMetMissingSet(e: unknown): boolean {
  return (
    e instanceof BatchError &&
    e.errno === ENOENT &&
    (e.messageType === nftType(NFT_MSG_NEWSETELEM) || e.messageType === nftType(NFT_MSG_DESTROYSETELEM))
  );
}

export class NftablesBanSet implements BanSet {
  readonly kind = 'nftables' as const;
  readonly table: string;
  private readonly conn: NetlinkConnection;
  private destroySupported?: boolean;
  private readonly refreshByReplace: boolean;

  constructor(private readonly opts: NftablesOptions = {}) {
    this.table = opts.table ?? TABLE;
    this.conn = new NetlinkConnection(opts.transport ?? new SocketTransport(NETLINK_NETFILTER));
    this.destroySupported = opts.destroy;
    this.refreshByReplace = opts.refreshByReplace ?? !kernelAtLeast(6, 12);
  }

  private ref(set: SetName): SetRef {
    return { family: NFPROTO_INET, table: this.table, set };
  }

  /** The one error for a missing table or set, whichever request met it. */
  private notSetUp(cause?: unknown): OperationError {
    return new OperationError(
      `The nftables ban sets of table inet ${this.table} are missing: run \`portsentinel setup\` first.`,
      'E_NFT_NOT_SET_UP',
      cause,
    );
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw batchMetMissingSet(e) ? this.notSetUp(e) : toPortsentinelError(e, what);
    }
  }

  /** A set dump: its ENOENT can only mean that the table or set is missing. */
  private async dumped<T>(dump: Promise<T>): Promise<T> {
    try {
      return await dump;
    } catch (e) {
      throw isNetlinkError(e, ENOENT) ? this.notSetUp(e) : e;
    }
  }

  /** Proves nf_tables answers and that we may use it (EPERM here becomes EnvironmentError). */
  probe(): Promise<number> {
    return this.guard('Reading the nftables generation', () => getGen(this.conn));
  }

  async setup(): Promise<void> {
    await this.probe();
    // nft (and its document validator) is needed only here: loaded on demand, not by every ban.
    const { applyNftDocument, listNftChain } = await import('./nft.js');
    // Without an explicit group, keep the one the chain's log rules already use (a `watch --nflog-group N` may be
    // listening on it); else the default. Either way the rebuilt chain has the log rules `watch` reads.
    const log = this.opts.logGroup === undefined ? findLogRule(await listNftChain(this.table, 'input')) : undefined;
    const uncountedSets = await this.uncountedSets();
    await applyNftDocument(buildSetupDocument({ ...this.opts, ...log, uncountedSets, table: this.table }));
  }

  /** Sets that exist without element counters (an older setup made them): kept as they are, bans and all. */
  async uncountedSets(): Promise<SetName[]> {
    const out: SetName[] = [];
    for (const name of Object.keys(SETS) as SetName[]) {
      const info = await this.guard('Reading the nftables sets', () =>
        getSet(this.conn, NFPROTO_INET, this.table, name),
      );
      if (info && !info.counter) out.push(name);
    }
    return out;
  }

  async teardown(): Promise<void> {
    await this.guard('Removing table inet ' + this.table, async () => {
      try {
        await sendBatch(this.conn, [deleteTable(NFPROTO_INET, this.table)]);
      } catch (e) {
        if (!isNetlinkError(e, ENOENT)) throw e;
      }
    });
  }

  async status(): Promise<BanSetStatus> {
    return this.guard('Reading the nftables sets', async () => {
      const problems: string[] = [];
      for (const [name, def] of Object.entries(SETS) as Array<[SetName, (typeof SETS)[SetName]]>) {
        const info = await getSet(this.conn, NFPROTO_INET, this.table, name);
        if (!info) {
          problems.push(`set ${name} missing`);
          continue;
        }
        const wantInterval = (def.flags as readonly string[]).includes('interval');
        if (!(info.flags & NFT_SET_TIMEOUT)) problems.push(`set ${name} lacks the timeout flag`);
        if (Boolean(info.flags & NFT_SET_INTERVAL) !== wantInterval) {
          problems.push(`set ${name} ${wantInterval ? 'lacks' : 'has'} the interval flag`);
        }
        if (info.keyLen !== (familyOf(name) === 4 ? 4 : 16)) problems.push(`set ${name} has the wrong key type`);
      }
      return { kind: this.kind, ready: problems.length === 0, problems };
    });
  }

  private messages(units: Unit[], op: number, flags: number, withTimeout: boolean): NftMessage[] {
    const bySet = new Map<SetName, Buffer[]>();
    for (const u of units) {
      const list = bySet.get(u.set) ?? [];
      list.push(encodeElements(u.elements, withTimeout));
      bySet.set(u.set, list);
    }
    const out: NftMessage[] = [];
    for (const [set, encoded] of bySet) out.push(...buildSetElementMessages(this.ref(set), op, flags, encoded));
    return out;
  }

  private async sendAll(messages: NftMessage[]): Promise<void> {
    for (const batch of splitBatches(messages, this.conn.maxSendBytes)) await sendBatch(this.conn, batch);
  }

  async add(list: TargetList, timeouts: BanTimeouts): Promise<void> {
    await this.addPacked(packTargets(list, timeouts));
  }

  private async addPacked(all: PackedBans): Promise<void> {
    if (all.units.length === 0 && !all.nets4?.count && all.singles.every((p) => p.packed.count === 0)) return;
    await this.guard('Adding bans to the nftables sets', async () => {
      if (this.refreshByReplace && this.destroySupported !== false && (await this.addReplacing(all))) return;
      // A plain add; without DESTROYSETELEM (kernels before 6.3) an existing ban keeps the timeout it had.
      await this.sendAll(this.packedMessages(all, NFT_MSG_NEWSETELEM, NLM_F_CREATE, true));
    });
  }

  /**
   * Adds as destroy-then-add, so that an existing element takes the new timeout. Deletes before adds, in the same
   * batch: the replace is atomic, never a moment without the ban. So that no element's delete lands in an earlier
   * batch than its add, the bans go in slices that fit one batch. False when the kernel turned out to lack
   * DESTROYSETELEM: nothing was committed then.
   */
  private async addReplacing(all: PackedBans): Promise<boolean> {
    for (const part of slicePackedBans(all, refreshSliceSize(this.conn.maxSendBytes))) {
      const replace = [
        ...this.packedMessages(part, NFT_MSG_DESTROYSETELEM, 0, false),
        ...this.packedMessages(part, NFT_MSG_NEWSETELEM, NLM_F_CREATE, true),
      ];
      if (!(await this.sendDestroying(replace))) return false;
    }
    return true;
  }

  private packedMessages(part: PackedBans, op: number, flags: number, withTimeout: boolean): NftMessage[] {
    const out: NftMessage[] = [];
    for (const { set, packed } of part.singles) {
      if (packed.count > 0) out.push(...buildPackedElementMessages(this.ref(set), op, flags, packed, withTimeout));
    }
    const nets = part.nets4;
    if (nets && nets.count > 0) {
      out.push(...buildPackedIntervalMessages(this.ref('bannednet4'), op, flags, nets, withTimeout));
    }
    if (part.units.length > 0) out.push(...this.messages(part.units, op, flags, withTimeout));
    return out;
  }

  /**
   * Deletes then adds as one sequence of batches, without looking first: DESTROYSETELEM (kernel >= 6.3) is no
   * error for an element that has already expired. False, having committed nothing, without DESTROYSETELEM.
   */
  async replace(targets: string[], list: TargetList, timeouts: BanTimeouts): Promise<boolean> {
    if (this.destroySupported === false) return false;
    const gone = targets.map((t) => toUnit(targetOf(t)));
    const added = packTargets(list, timeouts);
    return this.guard('Applying bans to the nftables sets', async () => {
      const messages = this.messages(gone, NFT_MSG_DESTROYSETELEM, 0, false);
      if (this.refreshByReplace) messages.push(...this.packedMessages(added, NFT_MSG_DESTROYSETELEM, 0, false));
      messages.push(...this.packedMessages(added, NFT_MSG_NEWSETELEM, NLM_F_CREATE, true));
      if (messages.length === 0) return true;
      return this.sendDestroying(messages);
    });
  }

  /**
   * Sends messages that include DESTROYSETELEM. No probe of its own: until the kernel has accepted one, the first
   * batch is the probe. A kernel before 6.3 refuses the unknown message type (EINVAL, or EOPNOTSUPP) and, a batch
   * being all or nothing, commits none of it: false then, and the caller does the work without DESTROYSETELEM.
   * Any other refusal is thrown, so a missing set is reported as one whatever the kernel.
   */
  private async sendDestroying(messages: NftMessage[]): Promise<boolean> {
    for (const batch of splitBatches(messages, this.conn.maxSendBytes)) {
      try {
        await sendBatch(this.conn, batch);
      } catch (e) {
        const unknownType =
          e instanceof BatchError &&
          e.messageType === nftType(NFT_MSG_DESTROYSETELEM) &&
          isNetlinkError(e, EINVAL, EOPNOTSUPP);
        if (!unknownType || this.destroySupported !== undefined) throw e;
        this.destroySupported = false;
        return false;
      }
      this.destroySupported = true;
    }
    return true;
  }

  async remove(targets: string[]): Promise<string[]> {
    const wanted = [...new Map(targets.map((t) => targetOf(t)).map((t) => [t.target, t])).values()];
    if (wanted.length === 0) return [];
    return this.guard('Removing bans from the nftables sets', async () => {
      // What is there now; anything that expires between this look and the delete is simply gone either way.
      let present: Target[];
      if (wanted.length <= 64) {
        present = [];
        for (const t of wanted) if (await this.has(t.target)) present.push(t);
        // An element lookup's ENOENT is the same for a missing element and a missing set: a set that none of the
        // found bans is in is looked up once, to tell the two apart.
        const shown = new Set(present.map(setFor));
        for (const set of new Set(wanted.map(setFor))) {
          if (!shown.has(set) && !(await getSet(this.conn, NFPROTO_INET, this.table, set))) throw this.notSetUp();
        }
      } else {
        const listed = new Set((await this.list()).map((b) => b.target));
        present = wanted.filter((t) => listed.has(t.target));
      }
      const units = present.map((t) => toUnit(t));
      if (units.length === 0) return [];
      if (
        this.destroySupported !== false &&
        (await this.sendDestroying(this.messages(units, NFT_MSG_DESTROYSETELEM, 0, false)))
      ) {
        return units.map((u) => u.target);
      }
      return this.deleteBisect(units);
    });
  }

  /**
   * DELSETELEM fails the whole batch with ENOENT when one element has already expired: split the failing batch in
   * halves until the missing ones are isolated, committing everything else.
   */
  private async deleteBisect(units: Unit[]): Promise<string[]> {
    const removed: string[] = [];
    const attempt = async (part: Unit[]): Promise<void> => {
      const msgs = this.messages(part, NFT_MSG_DELSETELEM, 0, false);
      const batches = splitBatches(msgs, this.conn.maxSendBytes);
      if (batches.length > 1) {
        const half = Math.ceil(part.length / 2);
        await attempt(part.slice(0, half));
        await attempt(part.slice(half));
        return;
      }
      try {
        await sendBatch(this.conn, msgs);
        removed.push(...part.map((u) => u.target));
      } catch (e) {
        if (!(e instanceof BatchError && e.errno === ENOENT)) throw e;
        if (part.length === 1) return;
        const half = Math.ceil(part.length / 2);
        await attempt(part.slice(0, half));
        await attempt(part.slice(half));
      }
    };
    await attempt(units);
    return removed;
  }

  async list(): Promise<KernelBan[]> {
    return this.guard('Listing the nftables ban sets', async () => {
      const out: KernelBan[] = [];
      for (const set of Object.keys(SETS) as SetName[]) {
        const family = familyOf(set);
        if (set.startsWith('bannednet')) {
          out.push(...intervalBans(family, await this.dumped(getSetElements(this.conn, this.ref(set)))));
          continue;
        }
        // Hash sets hold the bulk: text straight from the reply bytes, one object per ban.
        const each: Parameters<typeof walkAllSetElements>[2] = (
          buf,
          at,
          len,
          timeoutMs,
          expirationMs,
          packets,
          bytes,
        ) => {
          const target =
            len === 4
              ? `${buf[at]}.${buf[at + 1]}.${buf[at + 2]}.${buf[at + 3]}`
              : addressText(family, buf.subarray(at, at + len));
          const ban: KernelBan = { target, family };
          if (expirationMs >= 0) ban.expiresIn = Math.ceil(expirationMs / 1000);
          if (timeoutMs >= 0) ban.timeout = Math.round(timeoutMs / 1000);
          if (packets >= 0) {
            ban.packets = packets;
            ban.bytes = bytes;
          }
          out.push(ban);
        };
        await this.dumped(walkAllSetElements(this.conn, this.ref(set), each));
      }
      return out;
    });
  }

  async has(target: string): Promise<boolean> {
    const t = targetOf(target);
    return this.guard('Looking up a ban', async () => {
      if (t.isPrefix) {
        const family = t.family;
        const elements = await this.dumped(getSetElements(this.conn, this.ref(setFor(t))));
        return intervalBans(family, elements).some((b) => b.target === t.target);
      }
      return (await getSetElement(this.conn, this.ref(setFor(t)), { key: prefixOf(t).bytes })) !== undefined;
    });
  }

  async close(): Promise<void> {
    this.conn.close();
  }

  /** nft binary present and nf_tables answering (used by backend selection). */
  static nftInstalled(): boolean {
    return findNft() !== undefined;
  }
}

/**
 * Entries per batch when each is destroyed and re-added: an IPv6 prefix, the largest, is two elements each way
 * (under 160 bytes in all); 16 KiB are kept for the message and attribute headers.
 */
const REFRESH_ENTRY_BYTES = 256;
const REFRESH_HEADROOM = 16 * 1024;

export function refreshSliceSize(maxSendBytes: number): number {
  return Math.max(1, Math.floor((maxSendBytes - REFRESH_HEADROOM) / REFRESH_ENTRY_BYTES));
}

/** Splits packed bans into parts of at most `size` bans each (an interval counts as one), in order. */
function slicePackedBans(all: PackedBans, size: number): PackedBans[] {
  const parts: PackedBans[] = [];
  let part: PackedBans = { singles: [], units: [] };
  let room = size;
  const next = () => {
    if (--room > 0) return;
    parts.push(part);
    part = { singles: [], units: [] };
    room = size;
  };
  for (const { set, packed } of all.singles) {
    for (let at = 0; at < packed.count;) {
      const n = Math.min(room, packed.count - at);
      part.singles.push({ set, packed: slicePacked(packed, at, n) });
      at += n;
      room -= n - 1;
      next();
    }
  }
  const nets = all.nets4;
  for (let at = 0; nets && at < nets.count;) {
    const n = Math.min(room, nets.count - at);
    part.nets4 = sliceIntervals(nets, at, n);
    at += n;
    room -= n - 1;
    next();
  }
  for (const u of all.units) {
    part.units.push(u);
    next();
  }
  if (room < size) parts.push(part);
  return parts;
}

function checkTimeout(target: string, seconds: number): void {
  if (!(seconds >= 0 && seconds <= MAX_TIMEOUT_SECONDS)) {
    throw new InputError(`Ban timeout for ${target} must be from 0 to ${MAX_TIMEOUT_SECONDS} seconds.`);
  }
}

/**
 * Bans as the encoder takes them: single addresses packed per hash set, the list's IPv4 networks packed as
 * intervals of bannednet4, any other prefix as an interval unit.
 */
export interface PackedBans {
  singles: Array<{ set: 'banned4' | 'banned6'; packed: PackedElements }>;
  nets4?: PackedIntervals;
  units: Unit[];
}

/**
 * Validates every timeout (nothing is sent when one is bad) and sorts the targets for the encoder: the list's
 * single IPv4 addresses go as they are, one typed array of keys, so a 100k-address ban makes no object per
 * address; IPv6 addresses are packed into the other hash set and prefixes become interval units.
 */
export function packTargets(list: TargetList, timeouts: BanTimeouts): PackedBans {
  checkTimeoutCount(list, timeouts);
  const { v4, others, otherAt } = list;
  const per = typeof timeouts === 'number' ? undefined : timeouts;
  if (per === undefined && list.length > 0) {
    // Named as the first target of the list.
    checkTimeout(others.length > 0 && otherAt[0] === 0 ? others[0].target : list.texts(1)[0], timeouts as number);
  }
  const n = others.length;
  const keys4 = new Uint8Array(n * 4);
  const times4 = new Float64Array(n);
  let count4 = 0;
  let keys6: Uint8Array | undefined;
  let times6: Float64Array | undefined;
  let count6 = 0;
  const units: Unit[] = [];
  for (let j = 0; j < n; j++) {
    const t = others[j];
    // The list position of others[j]: the otherAt[j] addresses before it, and the j others before it.
    const seconds = per ? per[otherAt[j] + j] : (timeouts as number);
    checkTimeout(t.target, seconds);
    const ms = seconds ? Math.round(seconds * 1000) : 0;
    if (t.isPrefix) units.push(toUnit(t, seconds));
    else if (t.family === 4) {
      keys4.set(prefixOf(t).bytes, count4 * 4);
      times4[count4++] = ms;
    } else {
      keys6 ??= new Uint8Array(n * 16);
      times6 ??= new Float64Array(n);
      keys6.set(prefixOf(t).bytes, count6 * 16);
      times6[count6++] = ms;
    }
  }
  const singles: PackedBans['singles'] = [];
  if (count4 > 0)
    singles.push({ set: 'banned4', packed: { keyLen: 4, count: count4, keys: keys4, timeoutsMs: times4 } });
  if (keys6) singles.push({ set: 'banned6', packed: { keyLen: 16, count: count6, keys: keys6, timeoutsMs: times6 } });
  const { addresses, nets } = splitNetworks(list);
  const keys = ipv4Keys(addresses.values);
  if (per === undefined) {
    const ms = timeouts ? Math.round((timeouts as number) * 1000) : 0;
    singles.push({ set: 'banned4', packed: { keyLen: 4, count: addresses.values.length, keys, timeoutMs: ms } });
    const nets4 = nets && { count: nets.values.length, starts: nets.values, lengths: nets.lengths, timeoutMs: ms };
    return { singles, nets4, units };
  }
  // Each IPv4 entry takes the timeout at its own list position: its index among them plus the others before it.
  const timesAt = (at: Uint32Array): Float64Array => {
    const times = new Float64Array(at.length);
    for (let k = 0, j = 0; k < at.length; k++) {
      const i = at[k];
      while (j < n && otherAt[j] <= i) j++;
      times[k] = per[i + j] * 1000;
    }
    return times;
  };
  const times = addresses.at ? timesAt(addresses.at) : timesAt(Uint32Array.from(v4.keys()));
  singles.push({ set: 'banned4', packed: { keyLen: 4, count: addresses.values.length, keys, timeoutsMs: times } });
  const nets4 = nets && {
    count: nets.values.length,
    starts: nets.values,
    lengths: nets.lengths,
    timeoutsMs: timesAt(nets.at),
  };
  return { singles, nets4, units };
}

/**
 * The list's IPv4 entries parted into single addresses and networks, each with its index in the list's v4 (`at`;
 * absent for the addresses when there are no networks, and they are v4 itself).
 */
function splitNetworks(list: TargetList): {
  addresses: { values: Uint32Array; at?: Uint32Array };
  nets?: { values: Uint32Array; lengths: Uint8Array; at: Uint32Array };
} {
  const { v4, v4len } = list;
  if (v4len === undefined) return { addresses: { values: v4 } };
  let count = 0;
  for (let i = 0; i < v4len.length; i++) if (v4len[i] !== 32) count++;
  if (count === 0) return { addresses: { values: v4 } };
  const netValues = new Uint32Array(count);
  const netLengths = new Uint8Array(count);
  const netAt = new Uint32Array(count);
  const values = new Uint32Array(v4.length - count);
  const at = new Uint32Array(v4.length - count);
  for (let i = 0, a = 0, k = 0; i < v4.length; i++) {
    const len = v4len[i];
    if (len === 32) {
      values[a] = v4[i];
      at[a++] = i;
    } else {
      netValues[k] = v4[i];
      netLengths[k] = len;
      netAt[k++] = i;
    }
  }
  return { addresses: { values, at }, nets: { values: netValues, lengths: netLengths, at: netAt } };
}

function toBan(target: string, family: Family, e: DecodedElement): KernelBan {
  const ban: KernelBan = { target, family };
  if (e.expirationMs !== undefined) ban.expiresIn = Math.ceil(e.expirationMs / 1000);
  if (e.timeoutMs !== undefined) ban.timeout = Math.round(e.timeoutMs / 1000);
  if (e.counter) {
    ban.packets = e.counter.packets;
    ban.bytes = e.counter.bytes;
  }
  return ban;
}

/** Pairs interval starts with their end keys; the all-zero end marker nft itself adds is skipped. */
export function intervalBans(family: Family, elements: DecodedElement[]): KernelBan[] {
  // At an equal key the end sorts first: it closes the interval below, where an adjacent one starts.
  const sorted = [...elements].sort((a, b) => compareBytes(a.key, b.key) || (b.flags & 1) - (a.flags & 1));
  const out: KernelBan[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (e.flags & NFT_SET_ELEM_INTERVAL_END) continue;
    const next = sorted[i + 1];
    const end = next && next.flags & NFT_SET_ELEM_INTERVAL_END ? next.key : undefined;
    for (const target of rangeToPrefixes(family, e.key, end)) out.push(toBan(target, family, e));
  }
  return out;
}
