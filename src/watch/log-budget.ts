// Keeps a flood from writing one line (or one JSON event) per spoofed packet: up to `perSecond` hits a second are
// reported one by one; the rest are counted by what happened to them and reported once a second in one summary.
export class LogBudget {
  private used = 0;
  private suppressed = new Map<string, number>();

  constructor(private readonly perSecond: number) {}

  /** True when this hit may be reported on its own; otherwise it is counted under `kind` for the summary. */
  take(kind: string): boolean {
    if (this.used < this.perSecond) {
      this.used++;
      return true;
    }
    this.suppressed.set(kind, (this.suppressed.get(kind) ?? 0) + 1);
    return false;
  }

  /** What was held back since the last call (undefined when nothing was); starts the next second. */
  drain(): Record<string, number> | undefined {
    this.used = 0;
    if (this.suppressed.size === 0) return undefined;
    const out = Object.fromEntries(this.suppressed);
    this.suppressed = new Map();
    return out;
  }
}

/** "1800 refused (rate cap), 34 pending ban": largest count first. */
export function describeCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}
