// PortSentry's HISTORY_FILE line, so log watchers and scripts written for PortSentry keep working:
//   1795599431 - 11/25/2026 09:37:11 Host: 10.99.0.2/10.99.0.2 Port: 11 TCP Blocked
// Manual bans have no port or protocol: they are written as "Port: 0 manual Blocked" (docs/bans.md).
import { closeSync, openSync, writeSync } from 'node:fs';
import { OperationError } from '../errors.js';

const pad = (n: number) => String(n).padStart(2, '0');

/** Local time, as PortSentry prints it: MM/DD/YYYY HH:MM:SS. */
export function formatHistoryTime(d: Date): string {
  return (
    `${pad(d.getMonth() + 1)}/${pad(d.getDate())}/${d.getFullYear()} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

/** `protocol` is "TCP"/"UDP" for detections and "manual" for bans made by hand (port 0). */
export function formatHistoryLine(at: Date, host: string, port: number, protocol: string): string {
  const epoch = Math.floor(at.getTime() / 1000);
  return `${epoch} - ${formatHistoryTime(at)} Host: ${host}/${host} Port: ${port} ${protocol} Blocked\n`;
}

/** writeSync until every byte is out: one call may write less than it was given. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off);
}

/**
 * Appends PortSentry-format lines (strings, or the bytes of formatHistoryBatch) to `file` in one write. `what` names
 * the file, its config key and the error code in the sentence a failure gives. Not synced, as PortSentry's own
 * writes are not: these files report bans, the journal (synced before the kernel is touched) is what restores them,
 * and a sync of a 100k-ban batch's lines costs as much disk time as the kernel batch itself. A killed process loses
 * nothing written; only a power cut can lose the last lines.
 */
export function appendLinesTo(
  file: string,
  lines: readonly string[] | Uint8Array,
  what: { noun: string; key: string; code: string },
): void {
  if (lines.length === 0) return;
  try {
    const fd = openSync(file, 'a', 0o600);
    try {
      if (Array.isArray(lines)) writeSync(fd, lines.join(''));
      else writeAll(fd, lines as Uint8Array);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new OperationError(
      `cannot append to the ${what.noun} ${file} (${why}); fix ${what.key} in the config or the file's permissions`,
      what.code,
      err,
    );
  }
}

export function appendHistory(file: string, lines: string[] | Uint8Array): void {
  appendLinesTo(file, lines, { noun: 'history file', key: 'HISTORY_FILE', code: 'E_HISTORY' });
}
