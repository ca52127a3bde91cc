// The common decision read straight from its bytes: a flat JSON object of plain ASCII strings and numbers naming
// one IPv4 address with type "ban" and scope "Ip" — all but a few of a 100k list. Nothing is made for it but its
// target text and the Decision. Anything else (escapes, nesting, another scope or type, a range, IPv6, a bad
// field) is undefined here and left to JSON.parse and checkDecision, whose verdict this one always equals. Pure.
import { uint32ToIPv4 } from '../net/address.js';
import { checkLabel, type Decision } from './decisions.js';
import { readGoDuration } from './go-duration.js';
import {
  found,
  readFlatObject,
  F_DURATION,
  F_ID,
  F_ORIGIN,
  F_SCENARIO,
  F_SCOPE,
  F_TYPE,
  F_VALUE,
  NUMBER,
  STRING,
} from './flat-object.js';

/** ASCII text from the bytes, in one allocation. */
function latin1(b: Buffer, from: number, to: number): string {
  return b.toString('latin1', from, to);
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
  if (!readFlatObject(b, start, end)) return undefined;
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
