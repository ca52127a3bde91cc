// Which Local API decisions hold which ban, kept by the bouncer between answers: deleting one of two decisions on
// the same address keeps the ban, and the kernel gets the longest end of those still held. Decisions arrive one
// by one as an answer is read; within one answer, deletes count as coming before adds (the Local API may write
// either list first), so a delete never undoes an add of the same answer. Pure.

/** Per target, its decisions as flat (id, end in epoch ms, answer number) triples: 100k targets, no Map each. */
export class HeldDecisions {
  private readonly byTarget = new Map<string, number[]>();
  private answer = 0;
  /** Set by added(): whether this answer had already added a decision on that target. */
  addedBefore = false;

  /** Starts an answer; a startup answer is the whole list, so what was held before is forgotten. */
  startAnswer(startup: boolean): void {
    if (startup) this.byTarget.clear();
    this.answer++;
  }

  get size(): number {
    return this.byTarget.size;
  }

  has(target: string): boolean {
    return this.byTarget.has(target);
  }

  /** A deleted decision. True when nothing holds its target any more: the ban is to be lifted. */
  deleted(target: string, id: number, now: number): boolean {
    const e = this.byTarget.get(target);
    if (!e) return true;
    let w = 0;
    for (let r = 0; r < e.length; r += 3) {
      const sameAnswer = e[r + 2] === this.answer;
      // Decisions already over go with it.
      if (!sameAnswer && (e[r] === id || e[r + 1] <= now)) continue;
      e[w++] = e[r];
      e[w++] = e[r + 1];
      e[w++] = e[r + 2];
    }
    e.length = w;
    if (w > 0) return false;
    this.byTarget.delete(target);
    return true;
  }

  /**
   * An added decision ending at `until`. Returns the longest end of the target's decisions: what the kernel is to
   * hold. Sets addedBefore, and returns -1 when this answer already asked the kernel for that end or a later one.
   */
  added(target: string, id: number, until: number): number {
    const e = this.byTarget.get(target);
    if (!e) {
      this.byTarget.set(target, [id, until, this.answer]);
      this.addedBefore = false;
      return until;
    }
    let before = -1;
    let longest = until;
    let found = false;
    for (let r = 0; r < e.length; r += 3) {
      if (e[r + 2] === this.answer && e[r + 1] > before) before = e[r + 1];
      if (e[r] === id) {
        e[r + 1] = until;
        e[r + 2] = this.answer;
        found = true;
      }
      if (e[r + 1] > longest) longest = e[r + 1];
    }
    if (!found) e.push(id, until, this.answer);
    this.addedBefore = before >= 0;
    // The longest of the target's other decisions was asked for by this answer's first add of it.
    return this.addedBefore && longest <= before ? -1 : longest;
  }

  /** The target is not enforced here (a never-ban rule refused it). */
  drop(target: string): void {
    this.byTarget.delete(target);
  }
}
