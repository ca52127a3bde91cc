// After a response ran: the journal line (origin "watch", with what tripped it) and PortSentry's HISTORY_FILE
// line. Written after the kernel ban, never before it: the ban is what protects the host, the record can wait.
import type { Detection } from '../respond/plan.js';
import { withLock } from '../state/lock.js';
import { appendRecords } from '../state/journal.js';
import { appendHistory, formatHistoryLine } from '../state/history.js';

export interface RecordBanInput {
  stateDir: string;
  historyFile?: string;
  detection: Detection;
  /** Seconds; 0 = permanent. */
  timeout: number;
  /** False when no kernel ban was made (BLOCK=2, command backend): history only. */
  journal: boolean;
  at?: number;
}

export async function recordBan(input: RecordBanInput): Promise<void> {
  const at = input.at ?? Date.now();
  const d = input.detection;
  if (input.journal) {
    await withLock(input.stateDir, () =>
      appendRecords(input.stateDir, [
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
      ]),
    );
  }
  if (input.historyFile) {
    appendHistory(input.historyFile, [formatHistoryLine(new Date(at), d.address, d.port, d.protocol.toUpperCase())]);
  }
}
