// The fields of a flat JSON object of plain ASCII strings, numbers and literals, found in its bytes: where each
// field a decision has begins and ends, in one table reused by every call. The scanner (stream-scanner.ts) finds a
// list element's end this way, and the reader (read-decision.ts) takes the fields it left: one walk over the bytes
// of a common decision instead of two. Anything else is refused here and read the general way. Pure.
import { QUOTE, BACKSLASH, COMMA, COLON, LBRACE, RBRACE, isSpace } from './json-bytes.js';

export const F_ID = 0;
export const F_VALUE = 1;
export const F_DURATION = 2;
export const F_ORIGIN = 3;
export const F_SCENARIO = 4;
export const F_SCOPE = 5;
export const F_TYPE = 6;
const FIELD_COUNT = 7;

/** A field's value kinds (0: absent). */
export const STRING = 1;
export const NUMBER = 2;
export const OTHER = 3;

/** Per field: kind, start, end (of a string's content, or of a number's text); reused by every call. */
export const found = new Int32Array(FIELD_COUNT * 3);

/** The bytes `found` was last filled from by scanFlatObject, until anything else fills it. */
let scannedBytes: Uint8Array | undefined;
let scannedFrom = -1;
let scannedTo = -1;

/** Bytes that may stand in a plain string as they are: printable ASCII but the quote and the backslash. */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x7f; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** Where the plain string text from `i` ends (at its closing quote); -1 at anything else first. */
function plainEnd(b: Uint8Array, i: number, limit: number): number {
  while (i < limit && PLAIN[b[i]] === 1) i++;
  return i < limit && b[i] === QUOTE ? i : -1;
}

const KEYS = ['id', 'value', 'duration', 'origin', 'scenario', 'scope', 'type'];

/** The field whose name, and closing quote, are at `b[i]`; -1 for any other key (read as plain text). */
function knownKey(b: Uint8Array, i: number, limit: number): number {
  if (i + 2 >= limit) return -1; // the shortest, "id", and its quote
  const c = b[i];
  let field = -1;
  if (c === 0x69) field = F_ID;
  else if (c === 0x76) field = F_VALUE;
  else if (c === 0x64) field = F_DURATION;
  else if (c === 0x6f) field = F_ORIGIN;
  else if (c === 0x74) field = F_TYPE;
  else if (c === 0x73) field = b[i + 1] === 0x63 && b[i + 2] === 0x6f ? F_SCOPE : F_SCENARIO;
  if (field < 0) return -1;
  const name = KEYS[field];
  const end = i + name.length;
  return end < limit && b[end] === QUOTE && same(b, i, name) ? field : -1;
}

function same(b: Uint8Array, from: number, text: string): boolean {
  for (let k = 0; k < text.length; k++) if (b[from + k] !== text.charCodeAt(k)) return false;
  return true;
}

/** A JSON number's end from `i`, strictly by the grammar; -1 when it is not one (or runs into `end`). */
function numberEnd(b: Uint8Array, i: number, end: number): number {
  if (b[i] === 0x2d && ++i >= end) return -1;
  if (b[i] === 0x30) i++;
  else if (b[i] >= 0x31 && b[i] <= 0x39) while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
  else return -1;
  if (i < end && b[i] === 0x2e) {
    const from = ++i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
    if (i === from) return -1;
  }
  if (i < end && (b[i] === 0x65 || b[i] === 0x45)) {
    if (++i < end && (b[i] === 0x2b || b[i] === 0x2d)) i++;
    const from = i;
    while (i < end && b[i] >= 0x30 && b[i] <= 0x39) i++;
    if (i === from) return -1;
  }
  return i;
}

/** Whether `text` is at `b[i]`, wholly before `end`. */
function literalAt(b: Uint8Array, i: number, end: number, text: string): boolean {
  return i + text.length <= end && same(b, i, text);
}

/**
 * The flat object whose opening brace is at `b[start]`: its fields into `found`, and where it ends (after its
 * closing brace); -1 when the bytes before `limit` are not all of one (nested, escaped, non-ASCII, malformed, or
 * cut short). Nothing at or past `limit` is read: a typed array read out of its bounds costs optimised code.
 */
function scanFields(b: Uint8Array, start: number, limit: number): number {
  // Only the kinds say what was found: seven stores, not a call to fill the table.
  for (let k = 0; k < FIELD_COUNT * 3; k += 3) found[k] = 0;
  let i = start;
  if (i >= limit || b[i++] !== LBRACE) return -1;
  while (i < limit && isSpace(b[i])) i++;
  if (i >= limit || b[i] === RBRACE) return -1; // {} is malformed: left to the general reader, which says so
  for (;;) {
    if (b[i++] !== QUOTE) return -1;
    // A decision's own keys are matched whole; any other is walked to its closing quote.
    const field = knownKey(b, i, limit);
    i = field >= 0 ? i + KEYS[field].length : plainEnd(b, i, limit);
    if (i < 0) return -1;
    i++;
    while (i < limit && isSpace(b[i])) i++;
    if (i >= limit || b[i++] !== COLON) return -1;
    while (i < limit && isSpace(b[i])) i++;
    if (i >= limit) return -1;
    const c = b[i];
    let kind: number;
    let v0: number;
    let v1: number;
    if (c === QUOTE) {
      v0 = ++i;
      i = plainEnd(b, i, limit);
      if (i < 0) return -1;
      v1 = i++;
      kind = STRING;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      v0 = i;
      v1 = i = numberEnd(b, i, limit);
      if (i < 0) return -1;
      kind = NUMBER;
    } else {
      v0 = v1 = i;
      if (literalAt(b, i, limit, 'true') || literalAt(b, i, limit, 'null')) i += 4;
      else if (literalAt(b, i, limit, 'false')) i += 5;
      else return -1;
      kind = OTHER;
    }
    // A repeated key keeps its last value, as JSON.parse does.
    if (field >= 0) {
      found[field * 3] = kind;
      found[field * 3 + 1] = v0;
      found[field * 3 + 2] = v1;
    }
    while (i < limit && isSpace(b[i])) i++;
    if (i >= limit) return -1;
    const sep = b[i++];
    if (sep === RBRACE) return i;
    if (sep !== COMMA) return -1;
    while (i < limit && isSpace(b[i])) i++;
    if (i >= limit) return -1;
  }
}

/**
 * Where the flat object opening at `b[start]` ends, at most `limit` (-1: not one, or not all before `limit`),
 * leaving its fields in `found` for readFlatObject of exactly these bytes.
 */
export function scanFlatObject(b: Uint8Array, start: number, limit: number): number {
  const end = scanFields(b, start, limit);
  scannedBytes = end < 0 ? undefined : b;
  scannedFrom = start;
  scannedTo = end;
  return end;
}

/**
 * The fields of the flat object that is all of `b` from `start` to `end` (blank space around it allowed) into
 * `found`: false when it is not one. Bytes scanFlatObject has just read are not read again.
 */
export function readFlatObject(b: Uint8Array, start: number, end: number): boolean {
  if (b === scannedBytes && start === scannedFrom && end === scannedTo) {
    scannedBytes = undefined;
    return true;
  }
  scannedBytes = undefined;
  while (start < end && isSpace(b[start])) start++;
  let i = scanFields(b, start, end);
  if (i < 0) return false;
  while (i < end && isSpace(b[i])) i++;
  return i === end;
}
