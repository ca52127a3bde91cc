// A map keyed by 16-byte IPv6 addresses without building a string per lookup: open addressing over one typed
// array of slots, keys stored side by side in one byte array, so a lookup is a hash, a few integer reads and one
// 16-byte compare — no object per entry for the collector to walk. Entries iterate in insertion order. Key bytes
// are copied on insert (packet views are reused).
const EMPTY = -1;
const INITIAL_SLOTS = 64;

export class V6Map<T> {
  /** slot → entry index, EMPTY when free; its length is a power of two, kept at most half full. */
  private slots = new Int32Array(INITIAL_SLOTS).fill(EMPTY);
  /** entry i's key at keys[i*16 .. i*16+16); room for half as many entries as there are slots. */
  private keys = new Uint8Array(INITIAL_SLOTS * 8);
  private values: Array<T | undefined> = [];
  private live: boolean[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(bytes: Uint8Array): T | undefined {
    const slot = this.find(bytes);
    return slot < 0 ? undefined : this.values[this.slots[slot]];
  }

  set(bytes: Uint8Array, value: T): void {
    let found = this.find(bytes);
    if (found >= 0) {
      this.values[this.slots[found]] = value;
      return;
    }
    // Dead entries count towards the load until a rehash drops them.
    if ((this.values.length + 1) * 2 > this.slots.length) {
      this.rehash((this.count + 1) * 2 > this.slots.length ? this.slots.length * 2 : this.slots.length);
      found = this.find(bytes);
    }
    const entry = this.values.length;
    for (let i = 0; i < 16; i++) this.keys[entry * 16 + i] = bytes[i];
    this.values.push(value);
    this.live.push(true);
    this.slots[-found - 1] = entry;
    this.count++;
  }

  delete(bytes: Uint8Array): boolean {
    const found = this.find(bytes);
    if (found < 0) return false;
    const entry = this.slots[found];
    this.values[entry] = undefined;
    this.live[entry] = false;
    this.count--;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    const mask = this.slots.length - 1;
    let hole = found;
    let i = (hole + 1) & mask;
    while (this.slots[i] !== EMPTY) {
      const home = hashAt(this.keys, this.slots[i] * 16) & mask;
      if (((i - home) & mask) >= ((i - hole) & mask)) {
        this.slots[hole] = this.slots[i];
        hole = i;
      }
      i = (i + 1) & mask;
    }
    this.slots[hole] = EMPTY;
    return true;
  }

  /** Live entries in insertion order (stable for a given input). */
  *entries(): IterableIterator<[Uint8Array, T]> {
    for (let e = 0; e < this.values.length; e++) {
      if (this.live[e]) yield [this.keys.slice(e * 16, e * 16 + 16), this.values[e] as T];
    }
  }

  /** The slot holding `bytes`, or -(free slot + 1) where it would go. */
  private find(bytes: Uint8Array): number {
    const mask = this.slots.length - 1;
    const keys = this.keys;
    let i = hash16(bytes) & mask;
    while (true) {
      const e = this.slots[i];
      if (e === EMPTY) return -i - 1;
      const at = e * 16;
      let same = true;
      for (let b = 0; b < 16; b++) {
        if (keys[at + b] !== bytes[b]) {
          same = false;
          break;
        }
      }
      if (same) return i;
      i = (i + 1) & mask;
    }
  }

  private rehash(size: number): void {
    // Dead entries are dropped here, so the key array does not grow with churn.
    const oldKeys = this.keys;
    const oldValues = this.values;
    const oldLive = this.live;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.keys = new Uint8Array(size * 8);
    this.values = [];
    this.live = [];
    const mask = size - 1;
    for (let e = 0; e < oldValues.length; e++) {
      if (!oldLive[e]) continue;
      const entry = this.values.length;
      for (let b = 0; b < 16; b++) this.keys[entry * 16 + b] = oldKeys[e * 16 + b];
      this.values.push(oldValues[e]);
      this.live.push(true);
      let i = hashAt(this.keys, entry * 16) & mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & mask;
      this.slots[i] = entry;
    }
  }
}

export function hash16(b: Uint8Array): number {
  return hashAt(b, 0);
}

/** 32-bit FNV-1a of the 16 bytes at b[at]. */
function hashAt(b: Uint8Array, at: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[at + i], 0x01000193);
  return h >>> 0;
}
