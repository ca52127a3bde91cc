// The bans of one kernel batch while it is filled and then applied, column by column: a list of 100k decisions
// makes no object per ban (they lived until their batch was done, long enough for every one to be copied out of
// the young generation). A single IPv4 address is its uint32; any other target (a range, an IPv6 address) keeps
// its text and parsed form aside. Reasons are kept once each, by index. Pure.
import type { Family } from '../net/address.js';
import type { Target } from '../net/targets.js';

/** A target that is not a single IPv4 address. */
export interface OtherTarget {
  text: string;
  target: Target;
  family: Family;
}

export class PendingBans {
  count = 0;
  /** The address of entry i when it is a single IPv4 one (see other). */
  v4: Uint32Array;
  /** Kernel timeout, seconds. */
  timeout: Uint32Array;
  /** End written to the journal, epoch ms. */
  until: Float64Array;
  /** Index into `reasons`. */
  reason: Int32Array;
  /** 1 when the target was banned earlier in the same answer (already counted). */
  again: Uint8Array;
  /** Entries that are not a single IPv4 address, by index. */
  readonly other = new Map<number, OtherTarget>();

  constructor(
    capacity: number,
    /** Shared by the batches of one answer, so that an index means the same reason in each. */
    readonly reasons: string[],
  ) {
    this.v4 = new Uint32Array(capacity);
    this.timeout = new Uint32Array(capacity);
    this.until = new Float64Array(capacity);
    this.reason = new Int32Array(capacity);
    this.again = new Uint8Array(capacity);
  }

  /** Empty again, its memory kept for the next batch. */
  clear(): void {
    this.count = 0;
    this.other.clear();
  }

  private grow(): void {
    const size = this.v4.length * 2;
    const v4 = new Uint32Array(size);
    const timeout = new Uint32Array(size);
    const until = new Float64Array(size);
    const reason = new Int32Array(size);
    const again = new Uint8Array(size);
    v4.set(this.v4);
    timeout.set(this.timeout);
    until.set(this.until);
    reason.set(this.reason);
    again.set(this.again);
    Object.assign(this, { v4, timeout, until, reason, again });
  }

  /**
   * Writes entry `at` (the next one when `at` is count): a single IPv4 address `v4`, or `other`. Returns its index.
   */
  put(
    at: number,
    v4: number,
    other: OtherTarget | undefined,
    timeout: number,
    until: number,
    reason: number,
    again: boolean,
  ): number {
    if (at === this.count) {
      if (at === this.v4.length) this.grow();
      this.count++;
    }
    this.v4[at] = other ? 0 : v4;
    if (other) this.other.set(at, other);
    else if (this.other.size > 0) this.other.delete(at);
    this.timeout[at] = timeout;
    this.until[at] = until;
    this.reason[at] = reason;
    this.again[at] = again ? 1 : 0;
    return at;
  }

  /** Entry i's target as text. */
  textAt(i: number, formatV4: (v: number) => string): string {
    return this.other.get(i)?.text ?? formatV4(this.v4[i]);
  }
}
