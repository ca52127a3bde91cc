// Go's time.Duration text, as the Local API writes a decision's remaining time ("3h59m58.5s", "-1.2s", "500ms").
// Pure.

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

/** Seconds as a Go duration the Local API accepts: "3600s". */
export function formatGoDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}
