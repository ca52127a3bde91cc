// What `crowdsec status` reports of the running puller and pusher: the last pull and push and their errors, in a
// small JSON file in the state directory, merged on each write (written via a temp file and rename).
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FleetStatus {
  lastPull?: number;
  lastPullError?: string | null;
  lastPush?: number;
  lastPushError?: string | null;
}

export const FLEET_STATUS_FILE = 'crowdsec-status.json';

export function readFleetStatus(dir: string): FleetStatus {
  try {
    const v = JSON.parse(readFileSync(join(dir, FLEET_STATUS_FILE), 'utf8')) as unknown;
    return typeof v === 'object' && v !== null ? (v as FleetStatus) : {};
  } catch {
    return {};
  }
}

/** Best effort: a status that cannot be written never stops enforcement. */
export function writeFleetStatus(dir: string, change: FleetStatus): void {
  try {
    const path = join(dir, FLEET_STATUS_FILE);
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...readFleetStatus(dir), ...change }) + '\n', { mode: 0o644 });
    renameSync(tmp, path);
  } catch {
    // The status file is a report, not state.
  }
}
