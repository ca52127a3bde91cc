// PortSentry's BLOCKED_FILE: one file per detection mode, BLOCKED_FILE.tcp … BLOCKED_FILE.audp (PortSentry 1.2
// appends the mode it runs in), each line as in HISTORY_FILE:
//   1795599431 - 11/25/2026 09:37:11 Host: 10.99.0.2/10.99.0.2 Port: 11 TCP Blocked
// Scripts written for PortSentry read these to learn which hosts are blocked; the journal stays the record bans are
// made and lifted from. Bans made by hand have no mode, so they appear in HISTORY_FILE only.
import type { Mode } from '../config/types.js';
import { appendLinesTo } from './history.js';

/** The file PortSentry running in `mode` keeps its blocked hosts in. */
export function blockedFileFor(base: string, mode: Mode): string {
  return `${base}.${mode}`;
}

/** Appends history-format lines to the blocked file of `mode`, in one write. */
export function appendBlocked(base: string, mode: Mode, lines: readonly string[] | Uint8Array): void {
  appendLinesTo(blockedFileFor(base, mode), lines, {
    noun: 'blocked file',
    key: 'BLOCKED_FILE',
    code: 'E_BLOCKED_FILE',
  });
}
