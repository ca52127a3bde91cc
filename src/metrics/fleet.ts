// The Local API counters and timings, as the fleet code reports them (implemented by the Prometheus registry).
import type { ApplyResult } from '../crowdsec/apply.js';

export interface FleetMetrics {
  pulled(r: ApplyResult, ms: number): void;
  pullFailed(ms: number): void;
  pushed(count: number, ms: number): void;
  pushFailed(ms: number): void;
}
