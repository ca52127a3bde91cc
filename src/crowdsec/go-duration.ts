// Go's time.Duration text, as the Local API writes a decision's remaining time ("3h59m58.5s", "-1.2s", "500ms").
// Pure.

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const WHOLE = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$/;
const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g;

/** Milliseconds (negative for a decision already over), or undefined when the text is not a Go duration. */
export function parseGoDuration(text: string): number | undefined {
  if (text.length > 64) return undefined;
  if (text === '0') return 0;
  if (!WHOLE.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(PART)) ms += Number(m[1]) * UNIT_MS[m[2]];
  if (!Number.isFinite(ms)) return undefined;
  return text.startsWith('-') ? -ms : ms;
}

/** Seconds as a Go duration the Local API accepts: "3600s". */
export function formatGoDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds))}s`;
}
