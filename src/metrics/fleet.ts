// The Local API counters and timings, as the fleet code reports them (implemented by the Prometheus registry).

/** What one applied decision-stream answer changed, in the counts the metrics keep (crowdsec/apply.ts fills it). */
export interface AppliedCounts {
  added: number;
  /** Of `added`, the IPv4 ones. */
  added4: number;
  removed: number;
  refused: readonly unknown[];
  /** Decisions skipped, by why. */
  ignored: Record<string, number>;
  failed: readonly unknown[];
}

export interface FleetMetrics {
  pulled(r: AppliedCounts, ms: number): void;
  pullFailed(ms: number): void;
  pushed(count: number, ms: number): void;
  pushFailed(ms: number): void;
}
