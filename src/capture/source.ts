// What every live packet source offers the watch loop: start, stop, counters. Packets are pushed to the callback
// as the one reused Packet object (copy what you keep).
import type { Packet } from '../packet/types.js';

export type CaptureKind = 'nflog' | 'tcpdump';

export interface CaptureCounters {
  /** Packets handed over by the kernel or tcpdump. */
  received: number;
  /** Of those, decoded and passed on. */
  decoded: number;
  /** Packets the kernel dropped because we did not read fast enough (ENOBUFS), as far as it told us. */
  dropped: number;
  /** Times the source had to be restarted (tcpdump died). */
  restarts: number;
}

export interface LiveCapture {
  readonly kind: CaptureKind;
  /** Resolves once packets flow (the group is bound / tcpdump is listening). */
  start(): Promise<void>;
  stop(): Promise<void>;
  counters(): CaptureCounters;
}

export type PacketSink = (p: Packet) => void;

/** Counters of two sources one after the other (a source replaced while running). */
export function addCounters(a: CaptureCounters, b: CaptureCounters): CaptureCounters {
  return {
    received: a.received + b.received,
    decoded: a.decoded + b.decoded,
    dropped: a.dropped + b.dropped,
    restarts: a.restarts + b.restarts,
  };
}

/** Reported to the operator when something about the source changed (restart, drops). */
export type CaptureNotice = (message: string) => void;
