// Which Local API decisions hold which ban, kept by the bouncer between answers: deleting one of two decisions on
// the same address keeps the ban, and the kernel gets the longest end of those still held. Decisions arrive one
// by one as an answer is read; within one answer, deletes count as coming before adds (the Local API may write
// either list first), so a delete never undoes an add of the same answer.
// Kept in typed arrays: single IPv4 addresses (nearly all of a large list) in an open-addressing table keyed by
// their uint32, other targets in a Map by text, each pointing at a chain of (id, end, answer) slots. 100k held
// addresses are a few MB, with no object or string each. Pure.
import { parseDottedQuad } from '../net/address.js';

const NONE = -1;

function mix(v: number): number {
  let h = Math.imul(v ^ (v >>> 16), 0x45d9f3b);
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return (h ^ (h >>> 16)) >>> 0;
}

export class HeldDecisions {
  // Slots: one per held decision, chained per target through `next`; freed slots chain from `free`.
  private ids = new Float64Array(256);
  private untils = new Float64Array(256);
  private answers = new Int32Array(256);
  private next = new Int32Array(256);
  private slots = 0;
  private free = NONE;
  // Per chain head: the kernel batch (tag) and position its target is pending at in this answer.
  private pendTag = new Int32Array(256);
  private pendAt = new Int32Array(256);
  // IPv4 addresses, open addressing: per position the key (its uint32's bits) and its head slot + 1 (0: empty),
  // side by side, so that a lookup of a table larger than the caches misses once, not twice.
  private table4 = new Int32Array(2 * 1024);
  private count4 = 0;
  private readonly others = new Map<string, number>();
  private answer = 0;
  private tags = 0;
  /** Head slot of the target last given to added(). */
  private lastHead = NONE;
  /** Set by added(): whether this answer had already added a decision on that target. */
  addedBefore = false;

  /** Starts an answer; a startup answer is the whole list, so what was held before is forgotten. */
  startAnswer(startup: boolean): void {
    if (startup) {
      this.others.clear();
      this.table4 = new Int32Array(2 * 1024);
      this.count4 = 0;
      this.slots = 0;
      this.free = NONE;
    }
    this.answer++;
  }

  get size(): number {
    return this.count4 + this.others.size;
  }

  has(target: string): boolean {
    const v4 = parseDottedQuad(target);
    return (v4 >= 0 ? this.head(v4, target) : (this.others.get(target) ?? NONE)) !== NONE;
  }

  /**
   * A deleted decision (`v4`: the target's uint32 when it is a single IPv4 address, else -1). True when nothing
   * holds its target any more: the ban is to be lifted.
   */
  deleted(text: string, v4: number, id: number, now: number): boolean {
    const head = this.head(v4, text);
    if (head === NONE) return true;
    let first = NONE;
    let last = NONE;
    for (let s = head; s !== NONE;) {
      const after = this.next[s];
      // Decisions already over go with it; an add of this same answer stays.
      const sameAnswer = this.answers[s] === this.answer;
      if (!sameAnswer && (this.ids[s] === id || this.untils[s] <= now)) this.release(s);
      else {
        if (first === NONE) first = s;
        else this.next[last] = s;
        last = s;
      }
      s = after;
    }
    if (first === NONE) {
      this.unsetHead(v4, text);
      return true;
    }
    this.next[last] = NONE;
    if (first !== head) {
      this.pendTag[first] = this.pendTag[head];
      this.pendAt[first] = this.pendAt[head];
      this.setHead(v4, text, first);
    }
    return false;
  }

  /**
   * An added decision ending at `until`. Returns the longest end of the target's decisions: what the kernel is to
   * hold. Sets addedBefore, and returns -1 when this answer already asked the kernel for that end or a later one.
   */
  added(text: string, v4: number, id: number, until: number): number {
    // One probe of the table finds the target or where it goes.
    const p = v4 < 0 ? 0 : this.find4(v4);
    const head = v4 < 0 ? (this.others.get(text) ?? NONE) : p >= 0 ? this.table4[2 * p + 1] - 1 : NONE;
    if (head === NONE) {
      const s = this.take(id, until);
      this.pendTag[s] = 0;
      if (v4 < 0) this.others.set(text, s);
      else this.insert4(v4, ~p, s);
      this.lastHead = s;
      this.addedBefore = false;
      return until;
    }
    let before = -1;
    let longest = until;
    let found = false;
    let last = head;
    for (let s = head; s !== NONE; s = this.next[s]) {
      if (this.answers[s] === this.answer && this.untils[s] > before) before = this.untils[s];
      if (this.ids[s] === id) {
        this.untils[s] = until;
        this.answers[s] = this.answer;
        found = true;
      }
      if (this.untils[s] > longest) longest = this.untils[s];
      last = s;
    }
    if (!found) {
      const s = this.take(id, until);
      this.next[last] = s;
    }
    this.lastHead = head;
    this.addedBefore = before >= 0;
    // The longest of the target's other decisions was asked for by this answer's first add of it.
    return this.addedBefore && longest <= before ? -1 : longest;
  }

  /** A kernel batch's tag, never given before. */
  newBatchTag(): number {
    return ++this.tags;
  }

  /** Where the target last given to added() waits in kernel batch `tag`, or -1. */
  pendingAt(tag: number): number {
    return this.lastHead !== NONE && this.pendTag[this.lastHead] === tag ? this.pendAt[this.lastHead] : -1;
  }

  /** Notes that the target last given to added() waits at `at` in kernel batch `tag` (from newBatchTag). */
  setPending(tag: number, at: number): void {
    if (this.lastHead === NONE) return;
    this.pendTag[this.lastHead] = tag;
    this.pendAt[this.lastHead] = at;
  }

  /** The target is not enforced here (a never-ban rule refused it). */
  drop(text: string, v4: number): void {
    for (let s = this.head(v4, text); s !== NONE;) {
      const after = this.next[s];
      this.release(s);
      s = after;
    }
    this.unsetHead(v4, text);
    this.lastHead = NONE;
  }

  private take(id: number, until: number): number {
    let s = this.free;
    if (s !== NONE) this.free = this.next[s];
    else {
      if (this.slots === this.ids.length) this.growSlots();
      s = this.slots++;
    }
    this.ids[s] = id;
    this.untils[s] = until;
    this.answers[s] = this.answer;
    this.next[s] = NONE;
    return s;
  }

  private release(s: number): void {
    this.next[s] = this.free;
    this.free = s;
  }

  private growSlots(): void {
    const n = this.ids.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.ids = grow(this.ids, (k) => new Float64Array(k));
    this.untils = grow(this.untils, (k) => new Float64Array(k));
    this.answers = grow(this.answers, (k) => new Int32Array(k));
    this.next = grow(this.next, (k) => new Int32Array(k));
    this.pendTag = grow(this.pendTag, (k) => new Int32Array(k));
    this.pendAt = grow(this.pendAt, (k) => new Int32Array(k));
  }

  private head(v4: number, text: string): number {
    if (v4 < 0) return this.others.get(text) ?? NONE;
    const p = this.find4(v4);
    return p >= 0 ? this.table4[2 * p + 1] - 1 : NONE;
  }

  private setHead(v4: number, text: string, s: number): void {
    if (v4 < 0) {
      this.others.set(text, s);
      return;
    }
    const p = this.find4(v4);
    if (p < 0) this.insert4(v4, ~p, s);
    else this.table4[2 * p + 1] = s + 1;
  }

  /**
   * A new key at empty position `p` (as find4 gave it), the table grown first when half full: fourfold, since a
   * startup list of 100k addresses arrives in one go, and each growth moves every key (a third of the moves of
   * doubling, for at most twice the table).
   */
  private insert4(v4: number, p: number, s: number): void {
    if ((this.count4 + 1) * 4 > this.table4.length) {
      this.rehash(this.table4.length * 2);
      p = ~this.find4(v4);
    }
    this.table4[2 * p] = v4;
    this.table4[2 * p + 1] = s + 1;
    this.count4++;
  }

  private unsetHead(v4: number, text: string): void {
    if (v4 < 0) {
      this.others.delete(text);
      return;
    }
    const p = this.find4(v4);
    if (p < 0) return;
    this.count4--;
    // Linear probing: later entries of the run move back into the hole, so lookups never stop early.
    const t = this.table4;
    const mask = (t.length >> 1) - 1;
    let hole = p;
    t[2 * hole + 1] = 0;
    for (let j = (hole + 1) & mask; t[2 * j + 1] !== 0; j = (j + 1) & mask) {
      const home = mix(t[2 * j]) & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      t[2 * hole] = t[2 * j];
      t[2 * hole + 1] = t[2 * j + 1];
      t[2 * j + 1] = 0;
      hole = j;
    }
  }

  /** The table position of `v4`, or ~(the empty position where it would go). */
  private find4(v4: number): number {
    const t = this.table4;
    const mask = (t.length >> 1) - 1;
    const key = v4 | 0;
    for (let p = mix(key) & mask; ; p = (p + 1) & mask) {
      if (t[2 * p + 1] === 0) return ~p;
      if (t[2 * p] === key) return p;
    }
  }

  /** The table at `size` positions, every key moved to its place there. */
  private rehash(size: number): void {
    const old = this.table4;
    const t = (this.table4 = new Int32Array(2 * size));
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let p = mix(old[i]) & mask;
      while (t[2 * p + 1] !== 0) p = (p + 1) & mask;
      t[2 * p] = old[i];
      t[2 * p + 1] = old[i + 1];
    }
  }
}
