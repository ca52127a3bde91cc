// MAX_BANS_PER_MINUTE: a spoofed decoy flood (nmap -D with random sources) would otherwise ban addresses without
// end and run the operator's commands for each. A sliding 60 s window over wall time; 0 = no cap.
export class BanRateCap {
  private readonly times: number[] = [];

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one slot if the window has room; false = refuse this ban. */
  tryTake(): boolean {
    if (this.perMinute <= 0) return true;
    const t = this.now();
    while (this.times.length > 0 && t - this.times[0] >= 60_000) this.times.shift();
    if (this.times.length >= this.perMinute) return false;
    this.times.push(t);
    return true;
  }

  /** Bans taken in the current window. */
  get used(): number {
    const t = this.now();
    return this.times.filter((x) => t - x < 60_000).length;
  }
}

/** How much a source has shown of itself: distinct ports probed, then how recently (ms) it was last seen. */
export interface Evidence {
  ports: number;
  lastSeen: number;
}

/** True when `a` ranks above `b`: more distinct ports, or as many and seen more recently. */
export function ranksAbove(a: Evidence, b: Evidence): boolean {
  return a.ports !== b.ports ? a.ports > b.ports : a.lastSeen > b.lastSeen;
}

export interface WindowBan {
  address: string;
  at: number;
  evidence: Evidence;
  /** False while the ban is still being made: such a ban cannot be lifted yet. */
  liftable: boolean;
}

/**
 * MAX_BANS_PER_MINUTE as a window of the bans it holds, so that the cap bounds what a spoofed flood can do without
 * sheltering the scanner hiding in it: when the window is full, a source with more distinct ports than the weakest
 * ban in it takes that ban's place (the weakest is lifted). Lifted bans give their slot back, so the bans standing
 * from one window never exceed the cap; since a place is only taken by strictly more ports, the weakest ban of a
 * window only ever gets stronger and the lifts per window are bounded too. 0 = no cap.
 */
export class BanWindow {
  private bans: WindowBan[] = [];

  constructor(
    readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  private prune(): void {
    const t = this.now();
    if (this.bans.length > 0 && t - this.bans[0].at >= 60_000) this.bans = this.bans.filter((b) => t - b.at < 60_000);
  }

  /** True when one more ban fits in the window now. */
  hasRoom(): boolean {
    if (this.perMinute <= 0) return true;
    this.prune();
    return this.bans.length < this.perMinute;
  }

  /** Takes a slot (call hasRoom first). */
  take(address: string, evidence: Evidence): WindowBan {
    const b: WindowBan = { address, at: this.now(), evidence: { ...evidence }, liftable: false };
    if (this.perMinute > 0) this.bans.push(b);
    return b;
  }

  /** The ban a stronger source may replace: fewest ports, then least recently seen; only bans already made. */
  weakest(): WindowBan | undefined {
    this.prune();
    let w: WindowBan | undefined;
    for (const b of this.bans) if (b.liftable && (w === undefined || ranksAbove(w.evidence, b.evidence))) w = b;
    return w;
  }

  /** Gives a slot back (a ban that failed, or one lifted to make room). */
  release(b: WindowBan): void {
    const i = this.bans.indexOf(b);
    if (i >= 0) this.bans.splice(i, 1);
  }

  /** Bans standing in the current window. */
  get used(): number {
    this.prune();
    return this.bans.length;
  }

  /** Milliseconds until the oldest ban leaves the window (0 when it has room already). */
  msUntilRoom(): number {
    if (this.hasRoom()) return 0;
    return Math.max(0, 60_000 - (this.now() - this.bans[0].at));
  }
}
