// What a journal line must be to be believed. The journal lives on disk and is read by root at boot (restore), so
// a line is checked as untrusted input: the shape, every target a canonical address or prefix of the line's family,
// times that are whole milliseconds a Date can hold, and fields of the kinds and sizes portsentinel writes. A line
// that fails is skipped and counted by the reader, like a torn one; it is never fatal.
import { formatPrefix, maskBytes, parseDottedQuad, parsePrefix } from '../net/address.js';
import { ORIGINS as ORIGIN_LIST, type JournalRecord } from './record.js';

/** 9999-12-31T23:59:59.999Z: the last instant toISOString writes with a four-digit year. */
export const MAX_JOURNAL_TIME = 253_402_300_799_999;
/** Longer than any reason a person types; a line with more is not one portsentinel wrote. */
export const MAX_REASON_LENGTH = 4096;

const ORIGINS = new Set<string>(ORIGIN_LIST);
const MODES = new Set(['tcp', 'stcp', 'atcp', 'udp', 'sudp', 'audp']);

function isTime(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_JOURNAL_TIME;
}

/** True when `t` is the canonical text of an address or prefix (host bits clear) of `family`. */
export function isCanonicalTarget(t: unknown, family: 4 | 6): boolean {
  if (typeof t !== 'string') return false;
  if (family === 4 && parseDottedQuad(t) >= 0) return true;
  if (t.length > 50) return false;
  const p = parsePrefix(t, false);
  if (typeof p === 'string' || p.family !== family) return false;
  return formatPrefix({ family, bytes: maskBytes(p.bytes, p.length), length: p.length }) === t;
}

function isTrigger(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const t = v as Record<string, unknown>;
  return (
    typeof t.port === 'number' &&
    Number.isInteger(t.port) &&
    t.port >= 0 &&
    t.port <= 65535 &&
    (t.protocol === 'tcp' || t.protocol === 'udp') &&
    MODES.has(t.mode as string) &&
    typeof t.scanType === 'string' &&
    t.scanType.length <= 200
  );
}

/** Whether a parsed line is a record portsentinel could have written; lines that are not are skipped on read. */
export function isRecord(v: unknown): v is JournalRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  if (r.op !== 'ban' && r.op !== 'unban') return false;
  const family = r.family;
  if (family !== 4 && family !== 6) return false;
  if (!isTime(r.at)) return false;
  if (r.origin !== undefined && !ORIGINS.has(r.origin as string)) return false;
  if (r.op === 'ban') {
    if (r.until !== undefined && !isTime(r.until)) return false;
    if (r.reason !== undefined && (typeof r.reason !== 'string' || r.reason.length > MAX_REASON_LENGTH)) return false;
    if (r.trigger !== undefined && !isTrigger(r.trigger)) return false;
  }
  if ('targets' in r) {
    if ('target' in r) return false;
    const list = r.targets;
    if (!Array.isArray(list) || list.length === 0) return false;
    for (let i = 0; i < list.length; i++) if (!isCanonicalTarget(list[i], family)) return false;
    return true;
  }
  return isCanonicalTarget(r.target, family);
}
