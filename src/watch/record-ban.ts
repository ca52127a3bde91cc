// After a response ran: the journal line (origin "watch", with what tripped it, through the one ban writer) and
// PortSentry's HISTORY_FILE line. Written after the kernel ban, never before it: the ban is what protects the host, the record can wait.
// Because the kernel ban is made before the journal lock is taken, an `unban` can lift it in between; the kernel
// is asked again under the lock, so the journal never records a ban that is no longer there.
import type { Detection } from '../respond/plan.js';
import { withLock } from '../state/lock.js';
import { writeBanLines } from '../bans/apply.js';
import { appendHistory, formatHistoryLine } from '../state/history.js';
import { appendBlocked } from '../state/blocked-file.js';

export interface RecordBanInput {
  stateDir: string;
  historyFile?: string;
  /** BLOCKED_FILE: the line also goes to its file for the detection's mode. */
  blockedFile?: string;
  detection: Detection;
  /** Seconds; 0 = permanent. */
  timeout: number;
  /** False when no kernel ban was made (BLOCK=2, command backend): history only. */
  journal: boolean;
  /** Asked under the journal lock before the line is written: does the kernel still hold the ban? */
  stillHeld?: () => Promise<boolean>;
  at?: number;
}

/** Resolves false when the ban was lifted before it could be journaled (nothing written to the journal then). */
export async function recordBan(input: RecordBanInput): Promise<boolean> {
  const at = input.at ?? Date.now();
  const d = input.detection;
  let held = true;
  if (input.journal) {
    await withLock(input.stateDir, async () => {
      // A kernel that cannot be asked just made the ban: record it.
      held = input.stillHeld ? await input.stillHeld().catch(() => true) : true;
      if (!held) return;
      writeBanLines(input.stateDir, [
        {
          op: 'ban',
          target: d.address,
          family: d.family,
          at,
          until: input.timeout > 0 ? at + input.timeout * 1000 : undefined,
          reason: `${d.scanType} to ${d.protocol.toUpperCase()} port ${d.port}`,
          origin: 'watch',
          trigger: { port: d.port, protocol: d.protocol, mode: d.mode, scanType: d.scanType },
        },
      ]);
    });
  }
  const line = formatHistoryLine(new Date(at), d.address, d.port, d.protocol.toUpperCase());
  if (input.historyFile) appendHistory(input.historyFile, [line]);
  if (input.blockedFile) appendBlocked(input.blockedFile, d.mode, [line]);
  return held;
}
