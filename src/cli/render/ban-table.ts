// Human renderings of ban results: an aligned table for `bans list`, short summaries for the rest.
import { formatDuration } from '../../util/duration.js';
import { escapeText } from '../../util/escape-text.js';
import type { BanRow, MergedBans } from '../../bans/merge.js';

function triggerText(r: BanRow): string {
  const t = r.trigger;
  return t ? escapeText(`${t.protocol}/${t.port} ${t.mode} ${t.scanType}`) : '-';
}

/** Columns padded to their widest cell; the last column is not padded. Any number of rows (no argument spread). */
export function alignColumns(rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = rows[0].map(() => 0);
  for (const r of rows) for (let i = 0; i < r.length; i++) if (r[i].length > widths[i]) widths[i] = r[i].length;
  const lines = new Array<string>(rows.length);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k];
    lines[k] = r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  }
  return lines.join('\n');
}

/** A ban's kernel counter; '-' where it has none (so it never reads as "dropped nothing"). */
function droppedText(r: BanRow): string {
  return r.packets === undefined ? '-' : `${r.packets} pkts, ${r.bytes ?? 0} B`;
}

export function formatBanTable(merged: MergedBans): string {
  const lines: string[] = [];
  if (merged.bans.length === 0) lines.push('no bans');
  else {
    // The DROPPED column only when the kernel counts for some ban (never for routes or the file backend).
    const counted = merged.bans.some((r) => r.packets !== undefined);
    const rows = [
      ['ADDRESS', 'EXPIRES IN', ...(counted ? ['DROPPED'] : []), 'REASON', 'TRIGGER', 'BANNED AT', 'ORIGIN', 'DRIFT'],
    ];
    for (const r of merged.bans) {
      rows.push([
        r.address,
        r.expiresIn === null ? 'permanent' : formatDuration(r.expiresIn) || '0s',
        ...(counted ? [droppedText(r)] : []),
        r.reason === null ? '-' : escapeText(r.reason),
        triggerText(r),
        r.bannedAt ? r.bannedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-',
        r.origin ?? '-',
        r.drift ?? '',
      ]);
    }
    lines.push(alignColumns(rows));
  }
  const { external, missing, repair } = merged.drift;
  if (external.length > 0)
    lines.push(`${external.length} ban(s) in the kernel only (external: not made by portsentinel)`);
  if (missing.length > 0) lines.push(`${missing.length} journal ban(s) missing from the kernel; run: ${repair}`);
  return lines.join('\n');
}
