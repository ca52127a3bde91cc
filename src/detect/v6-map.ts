// A map keyed by 16-byte IPv6 addresses without building a string per lookup: a 32-bit FNV-1a hash picks a
// bucket, bytes are compared inside it. The key bytes are copied on insert (packet views are reused).
export class V6Map<T> {
  private readonly buckets = new Map<number, Array<{ key: Uint8Array; value: T }>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(bytes: Uint8Array): T | undefined {
    const bucket = this.buckets.get(hash16(bytes));
    if (bucket === undefined) return undefined;
    for (const e of bucket) if (equal16(e.key, bytes)) return e.value;
    return undefined;
  }

  set(bytes: Uint8Array, value: T): void {
    const h = hash16(bytes);
    let bucket = this.buckets.get(h);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(h, bucket);
    }
    for (const e of bucket) {
      if (equal16(e.key, bytes)) {
        e.value = value;
        return;
      }
    }
    bucket.push({ key: Uint8Array.from(bytes.subarray(0, 16)), value });
    this.count++;
  }

  delete(bytes: Uint8Array): boolean {
    const h = hash16(bytes);
    const bucket = this.buckets.get(h);
    if (bucket === undefined) return false;
    const i = bucket.findIndex((e) => equal16(e.key, bytes));
    if (i < 0) return false;
    bucket.splice(i, 1);
    if (bucket.length === 0) this.buckets.delete(h);
    this.count--;
    return true;
  }

  /** Entries in insertion order of their buckets (stable for a given input). */
  *entries(): IterableIterator<[Uint8Array, T]> {
    for (const bucket of this.buckets.values()) for (const e of bucket) yield [e.key, e.value];
  }
}

export function hash16(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

function equal16(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}
