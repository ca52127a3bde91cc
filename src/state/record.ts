// The journal's record shapes: one JSON object per line, a ban or an unban, never rewritten in place.
import type { Family } from '../net/address.js';
import type { Mode } from '../config/types.js';

/** Who asked: a person (`ban`), the live detector (`watch`), or `setup --restore` re-applying a journal ban. */
export type Origin = 'manual' | 'watch' | 'restore';

export interface Trigger {
  port: number;
  protocol: 'tcp' | 'udp';
  mode: Mode;
  scanType: string;
}

export interface BanRecord {
  op: 'ban';
  target: string;
  family: Family;
  /** Epoch milliseconds of the ban. */
  at: number;
  /** Epoch milliseconds when the ban ends; absent = permanent. */
  until?: number;
  reason?: string;
  origin: Origin;
  trigger?: Trigger;
}

export interface UnbanRecord {
  op: 'unban';
  target: string;
  family: Family;
  at: number;
  origin: Origin;
}

export type JournalRecord = BanRecord | UnbanRecord;

/** One line of the journal (with its newline). Hand-built: 100k bans are stringified in one go. */
export function formatRecord(r: JournalRecord): string {
  if (r.op === 'unban') {
    return `{"op":"unban","target":"${r.target}","family":${r.family},"at":${r.at},"origin":"${r.origin}"}\n`;
  }
  let line = `{"op":"ban","target":"${r.target}","family":${r.family},"at":${r.at}`;
  if (r.until !== undefined) line += `,"until":${r.until}`;
  if (r.reason !== undefined) line += `,"reason":${JSON.stringify(r.reason)}`;
  line += `,"origin":"${r.origin}"`;
  if (r.trigger !== undefined) line += `,"trigger":${JSON.stringify(r.trigger)}`;
  return line + '}\n';
}

/** Structural check of a parsed line; lines that fail it are skipped on read, like a torn line. */
export function isRecord(v: unknown): v is JournalRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    (r.op === 'ban' || r.op === 'unban') &&
    typeof r.target === 'string' &&
    (r.family === 4 || r.family === 6) &&
    typeof r.at === 'number' &&
    (r.until === undefined || typeof r.until === 'number')
  );
}

/**
 * The lines of many bans that share everything but target and family (one `ban` command, one restore): the
 * shared tail is formatted once, which keeps a 100k-address ban cheap. Same text as formatRecord per record.
 */
export function formatBanLines(
  targets: ReadonlyArray<{ target: string; family: 4 | 6 }>,
  shared: Omit<BanRecord, 'op' | 'target' | 'family'>,
): string {
  if (targets.length === 0) return '';
  const probe = formatRecord({ op: 'ban', target: '', family: 4, ...shared });
  const tail = probe.slice(probe.indexOf(',"at":'));
  // One join of the targets between shared pieces: no per-line string building. Runs of one family (all of a
  // plain blocklist) need no per-record family text.
  const open = '{"op":"ban","target":"';
  let text = '';
  for (let from = 0; from < targets.length;) {
    const family = targets[from].family;
    let to = from + 1;
    while (to < targets.length && targets[to].family === family) to++;
    const names = new Array<string>(to - from);
    for (let i = from; i < to; i++) names[i - from] = targets[i].target;
    const close = `","family":${family}${tail}`;
    text += open + names.join(close + open) + close;
    from = to;
  }
  return text;
}
