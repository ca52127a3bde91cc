// A local ban as a Local API alert carrying its one decision: scope Ip, type ban, origin portsentinel, the ban's
// timeout as duration, the port, protocol and mode in the message and the event's meta. Pure.
import type { DetectedHit } from '../detect/types.js';

export const PUSH_ORIGIN = 'portsentinel';
/** A permanent local ban, as a duration the Local API accepts: ten years. */
const PERMANENT_SECONDS = 10 * 365 * 86400;

export interface QueuedBan {
  address: string;
  port: number;
  protocol: 'tcp' | 'udp';
  mode: string;
  scanType: string;
  /** Seconds; 0 = permanent. */
  timeout: number;
  /** Epoch ms of the ban. */
  at: number;
}

export function queuedBan(d: DetectedHit, timeout: number, at: number): QueuedBan {
  return { address: d.address, port: d.port, protocol: d.protocol, mode: d.mode, scanType: d.scanType, timeout, at };
}

export function buildAlert(b: QueuedBan, scenario: string, host: string): Record<string, unknown> {
  const when = new Date(b.at).toISOString();
  const seconds = b.timeout > 0 ? b.timeout : PERMANENT_SECONDS;
  const message = `${b.scanType} from ${b.address} to ${b.protocol.toUpperCase()} port ${b.port} (mode ${b.mode}) on ${host}`;
  return {
    scenario,
    scenario_hash: '',
    scenario_version: '',
    message,
    events_count: 1,
    start_at: when,
    stop_at: when,
    capacity: 0,
    leakspeed: '0',
    simulated: false,
    remediation: true,
    events: [
      {
        timestamp: when,
        meta: [
          { key: 'source_ip', value: b.address },
          { key: 'service', value: `${b.protocol}/${b.port}` },
          { key: 'mode', value: b.mode },
          { key: 'scan_type', value: b.scanType },
          { key: 'machine', value: host },
        ],
      },
    ],
    source: { scope: 'Ip', value: b.address, ip: b.address },
    decisions: [{ origin: PUSH_ORIGIN, type: 'ban', scope: 'Ip', value: b.address, duration: `${seconds}s`, scenario }],
  };
}

/** Structural check of a queue line read back from disk. */
export function isQueuedBan(v: unknown): v is QueuedBan {
  const b = v as QueuedBan;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof b.address === 'string' &&
    typeof b.port === 'number' &&
    (b.protocol === 'tcp' || b.protocol === 'udp') &&
    typeof b.mode === 'string' &&
    typeof b.scanType === 'string' &&
    typeof b.timeout === 'number' &&
    typeof b.at === 'number'
  );
}
