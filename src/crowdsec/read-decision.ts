// The common decision read straight from its bytes: a flat JSON object of plain ASCII strings and numbers naming
// one IPv4 address with type "ban" and scope "Ip" — all but a few of a 100k list. Nothing is made for it but its
// target text and the Decision. Anything else (escapes, nesting, another scope or type, a range, IPv6, a bad
// field) is undefined here and left to JSON.parse and checkDecision, whose verdict this one always equals. Pure.
import { uint32ToIPv4 } from '../net/address.js';
import { checkLabel, type Decision } from './decisions.js';
import { readGoDuration } from './go-duration.js';
import { QUOTE, BACKSLASH, COMMA, COLON, LBRACE, RBRACE, isSpace } from './json-bytes.js';

const F_ID = 0;
const F_VALUE = 1;
const F_DURATION = 2;
const F_ORIGIN = 3;
const F_SCENARIO = 4;
const F_SCOPE = 5;
const F_TYPE = 6;
const FIELD_COUNT = 7;

/** A field's value kinds (0: absent). */
const STRING = 1;
const NUMBER = 2;
const OTHER = 3;

/** Per field: kind, start, end (of a string's content, or of a number's text); reused by every call. */
const found = new Int32Array(FIELD_COUNT * 3);

function fieldOf(b: Uint8Array, from: number, to: number): number {
  const n = to - from;
  const c = b[from];
  if (n === 2 && c === 0x69 && b[from + 1] === 0x64) return F_ID;
  if (n === 4 && c === 0x74 && b[from + 1] === 0x79 && b[from + 2] === 0x70 && b[from + 3] === 0x65) return F_TYPE;
  if (n === 5) {
    if (same(b, from, 'value')) return F_VALUE;
    if (same(b, from, 'scope')) return F_SCOPE;
  } else if (n === 6 && same(b, from, 'origin')) return F_ORIGIN;
  else if (n === 8) {
    if (same(b, from, 'duration')) return F_DURATION;
    if (same(b, from, 'scenario')) return F_SCENARIO;
  }
  return -1;
}

function same(b: Uint8Array, from: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (b[from + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** ASCII text from the bytes, in one allocation. */
function latin1(b: Buffer, from: number, to: number): string {
  return b.toString('latin1', from, to);
}

/** A JSON number's end from `i`, strictly by the grammar; -1 when it is not one. */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
  else return -1;
  if (b[i] === 0x2e) {
    const from = ++i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
    if (i === from) return -1;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    const from = i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
    if (i === from) return -1;
  }
  return i;
}

/** Finds the fields of a flat object into `found`; false for anything that is not one (or not plain ASCII). */
function scanObject(b: Uint8Array, start: number, end: number): boolean {
  found.fill(0);
  let i = start;
  while (i < end && isSpace(b[i])) i++;
  if (b[i++] !== LBRACE) return false;
  while (i < end && isSpace(b[i])) i++;
  if (b[i] === RBRACE) return false; // {} is malformed: left to the general reader, which says so
  for (;;) {
    if (b[i++] !== QUOTE) return false;
    const k0 = i;
    while (i < end && b[i] !== QUOTE) {
      if (b[i] === BACKSLASH || b[i] < 0x20 || b[i] > 0x7e) return false;
      i++;
    }
    if (i >= end) return false;
    const field = fieldOf(b, k0, i++);
    while (i < end && isSpace(b[i])) i++;
    if (b[i++] !== COLON) return false;
    while (i < end && isSpace(b[i])) i++;
    const c = b[i];
    let kind: number;
    let v0: number;
    let v1: number;
    if (c === QUOTE) {
      v0 = ++i;
      while (i < end && b[i] !== QUOTE) {
        if (b[i] === BACKSLASH || b[i] < 0x20 || b[i] > 0x7e) return false;
        i++;
      }
      if (i >= end) return false;
      v1 = i++;
      kind = STRING;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      v0 = i;
      v1 = i = numberEnd(b, i, end);
      if (i < 0) return false;
      kind = NUMBER;
    } else {
      v0 = v1 = i;
      if (c === 0x74 && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) i += 4;
      else if (c === 0x66 && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) i += 5;
      else if (c === 0x6e && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) i += 4;
      else return false;
      kind = OTHER;
    }
    // A repeated key keeps its last value, as JSON.parse does.
    if (field >= 0) {
      found[field * 3] = kind;
      found[field * 3 + 1] = v0;
      found[field * 3 + 2] = v1;
    }
    while (i < end && isSpace(b[i])) i++;
    const sep = b[i++];
    if (sep === RBRACE) break;
    if (sep !== COMMA) return false;
    while (i < end && isSpace(b[i])) i++;
  }
  while (i < end && isSpace(b[i])) i++;
  return i === end;
}

/** A canonical dotted quad's uint32 (no leading zeros, as parseDottedQuad); -1 otherwise. */
function dottedQuad(b: Uint8Array, from: number, to: number): number {
  const n = to - from;
  if (n < 7 || n > 15) return -1;
  let out = 0;
  let parts = 0;
  let value = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && value === 0) return -1;
      value = value * 10 + (c - 0x30);
      if (++digits > 3 || value > 255) return -1;
    } else if (c === 0x2e) {
      if (digits === 0 || ++parts > 3) return -1;
      out = out * 256 + value;
      value = 0;
      digits = 0;
    } else return -1;
  }
  if (digits === 0 || parts !== 3) return -1;
  return out * 256 + value;
}

/** The last label read, by its bytes: a list names a handful of origins and scenarios, 100k times over. */
class LabelCache {
  private bytes = new Uint8Array(0);
  private text: string | undefined;

  get(b: Buffer, from: number, to: number): string | undefined {
    const n = to - from;
    if (n === this.bytes.length) {
      let k = 0;
      while (k < n && b[from + k] === this.bytes[k]) k++;
      if (k === n) return this.text;
    }
    this.bytes = b.slice(from, to);
    this.text = checkLabel(latin1(b, from, to));
    return this.text;
  }
}

const origins = new LabelCache();
const scenarios = new LabelCache();

/**
 * The one Decision this reader hands out, filled again by each call: a 100k list makes no object per decision,
 * and its target text only when asked for (the address travels as its uint32).
 */
const common: Decision & { v4: number } = {
  id: 0,
  target: '',
  family: 4,
  isRange: false,
  origin: '',
  scenario: '',
  remainingMs: 0,
  v4: 0,
};
Object.defineProperty(common, 'target', {
  enumerable: true,
  get: (): string => uint32ToIPv4(common.v4),
});

/**
 * The decision in `b` from `start` to `end` when it is the common kind (see above) and enforceable: its Decision,
 * exactly as checkDecision would make it, valid until the next call. Undefined for anything else, which the
 * caller reads the general way.
 */
export function readCommonDecision(
  b: Buffer,
  start: number,
  end: number,
  wanted: ReadonlySet<string> | undefined,
): Decision | undefined {
  if (!scanObject(b, start, end)) return undefined;
  const f = found;
  // Strings where checkDecision wants strings; "Ip" and "ban" as the server writes them.
  if (f[F_VALUE * 3] !== STRING || f[F_DURATION * 3] !== STRING || f[F_ORIGIN * 3] !== STRING) return undefined;
  if (f[F_SCOPE * 3] !== STRING || f[F_SCOPE * 3 + 2] - f[F_SCOPE * 3 + 1] !== 2) return undefined;
  let s = f[F_SCOPE * 3 + 1];
  if (b[s] !== 0x49 || b[s + 1] !== 0x70) return undefined;
  if (f[F_TYPE * 3] !== STRING || f[F_TYPE * 3 + 2] - f[F_TYPE * 3 + 1] !== 3) return undefined;
  s = f[F_TYPE * 3 + 1];
  if (b[s] !== 0x62 || b[s + 1] !== 0x61 || b[s + 2] !== 0x6e) return undefined;
  const origin = origins.get(b, f[F_ORIGIN * 3 + 1], f[F_ORIGIN * 3 + 2]);
  if (origin === undefined || (wanted && !wanted.has(origin))) return undefined;
  const scenario =
    f[F_SCENARIO * 3] === STRING ? (scenarios.get(b, f[F_SCENARIO * 3 + 1], f[F_SCENARIO * 3 + 2]) ?? '') : '';
  const v4 = dottedQuad(b, f[F_VALUE * 3 + 1], f[F_VALUE * 3 + 2]);
  if (v4 < 0) return undefined;
  const remainingMs = readGoDuration(b, f[F_DURATION * 3 + 1], f[F_DURATION * 3 + 2]);
  if (remainingMs === undefined) return undefined;
  let id = 0;
  if (f[F_ID * 3] === NUMBER) {
    const from = f[F_ID * 3 + 1];
    const to = f[F_ID * 3 + 2];
    // Plain digits (the server's ids) without a string; anything else as JSON.parse would read it.
    let n = 0;
    let plain = to - from <= 15;
    for (let i = from; i < to && plain; i++) {
      const c = b[i] - 0x30;
      if (c < 0 || c > 9) plain = false;
      else n = n * 10 + c;
    }
    if (!plain) n = Number(latin1(b, from, to));
    if (Number.isSafeInteger(n)) id = n;
  }
  common.id = id;
  common.origin = origin;
  common.scenario = scenario;
  common.remainingMs = remainingMs;
  common.v4 = v4;
  return common;
}
