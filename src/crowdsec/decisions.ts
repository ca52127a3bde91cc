// A decision stream answer from the Local API, checked field by field: the server (or whatever answers in its
// place) is not trusted. What is kept is what a bouncer can enforce; everything else is counted, never thrown.
// Pure.
import { parseAddress, parseDottedQuad, parsePrefix, formatPrefix, type Family } from '../net/address.js';
import { parseGoDuration } from './go-duration.js';

export interface Decision {
  id: number;
  /** Canonical address or prefix text. */
  target: string;
  family: Family;
  isRange: boolean;
  /** The Local API origin: crowdsec, cscli, CAPI, lists, portsentinel... */
  origin: string;
  scenario: string;
  /** Milliseconds left (negative when over). */
  remainingMs: number;
  /** A single IPv4 address as a uint32 (absent for IPv6 and ranges). */
  v4?: number;
}

export interface StreamBatch {
  added: Decision[];
  deleted: Decision[];
  /** Decisions skipped, by why: `type:captcha`, `scope:Country`, `origin:CAPI`, `malformed`. */
  ignored: Record<string, number>;
}

export class StreamFormatError extends Error {
  readonly code = 'E_LAPI_ANSWER';
  /** The bytes are not JSON at all (cut short, garbage), rather than JSON of the wrong shape. */
  readonly notJson: boolean;

  constructor(message: string, notJson = false) {
    super(message);
    this.notJson = notJson;
  }
}

/** Longest text kept for an origin or scenario (they go into the journal and log lines). */
const MAX_LABEL = 128;

/** The last origins and scenarios seen: a list of 100k decisions names a handful, each checked once. */
const checkedLabels = new Set<string>();

/** An origin or scenario fit for log lines and the journal, or undefined. */
export function checkLabel(v: unknown): string | undefined {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_LABEL) return undefined;
  if (checkedLabels.has(v)) return v;
  // Printable text only: these end up in log lines and the journal.
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c) return undefined;
  }
  if (checkedLabels.size >= 64) checkedLabels.clear();
  checkedLabels.add(v);
  return v;
}

/** `v4` for a target that is a single IPv4 address, whichever way the decision wrote it. */
function single4(target: string): { v4?: number } {
  const v4 = parseDottedQuad(target);
  return v4 >= 0 ? { v4 } : {};
}

export type Verdict = Decision | { skip: string };

/** One element of "new" or "deleted": the decision to act on, or why it is skipped. */
export function checkDecision(raw: unknown, origins: ReadonlySet<string> | undefined): Verdict {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { skip: 'malformed' };
  const d = raw as Record<string, unknown>;
  const type = typeof d.type === 'string' ? d.type : '';
  const scope = typeof d.scope === 'string' ? d.scope : '';
  const origin = checkLabel(d.origin);
  const scenario = checkLabel(d.scenario) ?? '';
  if (typeof d.value !== 'string' || typeof d.duration !== 'string' || !origin) return { skip: 'malformed' };
  // Scope names are capitalised by the server (Ip, Range); later versions normalise any case, so any is read.
  const lower = scope.toLowerCase();
  if (lower !== 'ip' && lower !== 'range') return { skip: `scope:${scope.slice(0, 32) || '(none)'}` };
  if (type.toLowerCase() !== 'ban') return { skip: `type:${type.slice(0, 32) || '(none)'}` };
  if (origins && !origins.has(origin)) return { skip: `origin:${origin}` };
  const remainingMs = parseGoDuration(d.duration);
  if (remainingMs === undefined) return { skip: 'malformed' };
  const id = typeof d.id === 'number' && Number.isSafeInteger(d.id) ? d.id : 0;
  if (d.value.length > 64) return { skip: 'malformed' };
  if (lower === 'ip') {
    // Canonical dotted quads (most of any list) are their own target text.
    const v4 = parseDottedQuad(d.value);
    if (v4 >= 0) return { id, target: d.value, family: 4, isRange: false, origin, scenario, remainingMs, v4 };
    const a = parseAddress(d.value);
    if (!a) return { skip: 'malformed' };
    const p = { family: a.family, bytes: a.bytes, length: a.family === 4 ? 32 : 128 };
    const target = formatPrefix(p);
    return { id, target, family: a.family, isRange: false, origin, scenario, remainingMs, ...single4(target) };
  }
  const p = parsePrefix(d.value);
  if (typeof p === 'string' || !d.value.includes('/')) return { skip: 'malformed' };
  const full = p.family === 4 ? 32 : 128;
  const target = formatPrefix(p);
  return { id, target, family: p.family, isRange: p.length < full, origin, scenario, remainingMs, ...single4(target) };
}

function checkList(
  list: unknown,
  origins: ReadonlySet<string> | undefined,
  out: Decision[],
  ignored: StreamBatch['ignored'],
) {
  if (list === null || list === undefined) return;
  if (!Array.isArray(list)) throw new StreamFormatError('"new" or "deleted" is not a list');
  for (const raw of list) {
    const v = checkDecision(raw, origins);
    if ('skip' in v) ignored[v.skip] = (ignored[v.skip] ?? 0) + 1;
    else out.push(v);
  }
}

/** Reads a parsed `/v1/decisions/stream` answer; throws StreamFormatError when its shape is not one. */
export function readStream(body: unknown, origins?: readonly string[]): StreamBatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StreamFormatError('the answer is not a JSON object with "new" and "deleted" lists');
  }
  const b = body as Record<string, unknown>;
  const wanted = origins && origins.length > 0 ? new Set(origins) : undefined;
  const out: StreamBatch = { added: [], deleted: [], ignored: {} };
  checkList(b.new, wanted, out.added, out.ignored);
  checkList(b.deleted, wanted, out.deleted, out.ignored);
  return out;
}
