// Go's time.Duration text, as the Local API writes a decision's remaining time ("3h59m58.5s", "-1.2s", "500ms"):
// from a string (checkDecision), and from the answer's bytes (read-decision.ts: no string per decision). The two
// give the same value, to the bit, for the same text. Pure.

/** Milliseconds per unit; µ written as U+00B5 or U+03BC, as Go accepts both. */
function unitMs(text: string, i: number): [ms: number, length: number] | undefined {
  const c = text.charCodeAt(i);
  const next = text.charCodeAt(i + 1);
  if (c === 0x68) return [3_600_000, 1]; // h
  if (c === 0x73) return [1000, 1]; // s
  if (c === 0x6d) return next === 0x73 ? [1, 2] : [60_000, 1]; // ms, m
  if (next !== 0x73) return undefined;
  if (c === 0x6e) return [1e-6, 2]; // ns
  if (c === 0x75 || c === 0xb5 || c === 0x3bc) return [1e-3, 2]; // us, µs, μs
  return undefined;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/** Milliseconds (negative for a decision already over), or undefined when the text is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  const n = text.length;
  if (n > 64) return undefined;
  if (text === '0') return 0;
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 0x2d || sign === 0x2b) i++;
  if (i >= n) return undefined;
  let ms = 0;
  while (i < n) {
    // One part: digits with an optional fraction (or a fraction alone), then its unit.
    const from = i;
    while (i < n && isDigit(text.charCodeAt(i))) i++;
    const whole = i - from;
    if (text.charCodeAt(i) === 0x2e) {
      i++;
      const f = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      if (whole === 0 && i === f) return undefined;
    } else if (whole === 0) return undefined;
    const unit = unitMs(text, i);
    if (!unit) return undefined;
    ms += Number(text.slice(from, i)) * unit[0];
    i += unit[1];
  }
  if (!Number.isFinite(ms)) return undefined;
  return sign === 0x2d ? -ms : ms;
}

/** 10^k for k <= 15: each exact as a double. */
const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);

/** Milliseconds per unit at `b[i]` (next byte `next`, -1 past the end), µ as latin1 0xB5; 0 when none. */
function unitMsAt(c: number, next: number): number {
  if (c === 0x68) return 3_600_000; // h
  if (c === 0x73) return 1000; // s
  if (c === 0x6d) return next === 0x73 ? 1 : 60_000; // ms, m
  if (next !== 0x73) return 0;
  if (c === 0x6e) return 1e-6; // ns
  if (c === 0x75 || c === 0xb5) return 1e-3; // us, µs
  return 0;
}

/**
 * parseGoDuration of the bytes from `from` to `to` read as latin1, without making the string: each part's number
 * is its digits as an integer divided by a power of ten, which (both exact, the division correctly rounded) is the
 * double Number() gives for the same decimal text; a part with more digits than that holds exactly is read by
 * Number() itself.
 */
export function readGoDuration(b: Uint8Array, from: number, to: number): number | undefined {
  if (to - from > 64 || to <= from) return undefined;
  if (to - from === 1 && b[from] === 0x30) return 0;
  let i = from;
  const sign = b[from];
  if (sign === 0x2d || sign === 0x2b) i++;
  if (i >= to) return undefined;
  let ms = 0;
  while (i < to) {
    const start = i;
    let digits = 0;
    let fraction = 0;
    let m = 0;
    for (let c = b[i]; c >= 0x30 && c <= 0x39; c = ++i < to ? b[i] : -1) {
      m = m * 10 + (c - 0x30);
      digits++;
    }
    const whole = digits;
    if (i < to && b[i] === 0x2e) {
      for (let c = ++i < to ? b[i] : -1; c >= 0x30 && c <= 0x39; c = ++i < to ? b[i] : -1) {
        m = m * 10 + (c - 0x30);
        digits++;
        fraction++;
      }
      if (whole === 0 && fraction === 0) return undefined;
    } else if (whole === 0) return undefined;
    if (i >= to) return undefined;
    const unit = unitMsAt(b[i], i + 1 < to ? b[i + 1] : -1);
    if (unit === 0) return undefined;
    const value = digits <= 15 ? m / POW10[fraction] : Number(latin1Of(b, start, i));
    ms += value * unit;
    i += unit <= 1 ? 2 : 1; // ms, us, ns are two letters
  }
  if (!Number.isFinite(ms)) return undefined;
  return sign === 0x2d ? -ms : ms;
}

function latin1Of(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k++) s += String.fromCharCode(b[k]);
  return s;
}

/** Seconds as a Go duration the Local API accepts: "3600s". */
export function formatGoDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}
