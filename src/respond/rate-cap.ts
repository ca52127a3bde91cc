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
