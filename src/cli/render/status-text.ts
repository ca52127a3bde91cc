// Human rendering of `status`.
import type { StatusOutcome } from '../../bans/status.js';
import { alignColumns } from './ban-table.js';
import { escapeText } from '../../util/escape-text.js';

export function formatStatus(s: StatusOutcome): string {
  const k = s.kernel;
  const rows = [
    ['backend', `${s.backend.kind} (${s.backend.choice}: ${escapeText(s.backend.why)})`],
    ['nf_tables', k.nfTables],
    ['nft binary', k.nftBinary ?? 'not found'],
    ['CAP_NET_ADMIN', k.capNetAdmin ? 'yes' : 'no'],
    ['objects', s.ready ? 'present and whole' : `not ready: ${s.problems.join('; ')}`],
    [
      'bans',
      `banned4 ${s.counts.banned4}, banned6 ${s.counts.banned6}, ` +
        `bannednet4 ${s.counts.bannednet4}, bannednet6 ${s.counts.bannednet6}`,
    ],
    [
      'drift',
      s.drift.external + s.drift.missing === 0
        ? 'none'
        : `${s.drift.external} external, ${s.drift.missing} missing` +
          (s.drift.repair ? ` (run: ${s.drift.repair})` : ''),
    ],
    [
      'journal',
      `${escapeText(s.journal.stateDir)}: ${s.journal.active} active of ${s.journal.records} records` +
        (s.journal.skipped > 0 ? `, ${s.journal.skipped} invalid line(s) skipped` : ''),
    ],
  ];
  return alignColumns(rows);
}
