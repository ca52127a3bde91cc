// Keeps the watch's memory flat under a flood. A random-source flood makes short-lived per-source state that lives
// long enough (until evicted) to reach V8's old generation, which V8 collects only once it has grown to a limit set
// for much larger programs: the live heap stays small, but the process's RSS climbs by tens of MB first. Once a
// second, when the heap has grown by GROWTH_BYTES since the last full collection, one is asked for: a few
// milliseconds, and only under such a flood (a quiet watch never grows that much).
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Heap growth since the last full collection that makes the next one due. */
export const GROWTH_BYTES = 8 << 20;

let collect: (() => void) | undefined;

/** V8's full collection, made callable once (the same as --expose-gc). */
function fullCollection(): (() => void) | undefined {
  if (collect) return collect;
  try {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  } catch {
    collect = undefined;
  }
  return collect;
}

export class HeapGuard {
  private base = getHeapStatistics().used_heap_size;
  collections = 0;

  /** Called once a second. */
  check(): void {
    const used = getHeapStatistics().used_heap_size;
    if (used - this.base < GROWTH_BYTES) {
      // The heap shrank on its own (V8 collected): follow it down.
      if (used < this.base) this.base = used;
      return;
    }
    const gc = fullCollection();
    if (!gc) return;
    gc();
    this.collections++;
    this.base = getHeapStatistics().used_heap_size;
  }
}
