// Turns a raw quoted value into the JSON value the schema describes: integers as numbers, port lists as
// [from, to] pairs. Syntax it cannot read is reported here; ranges, enums and patterns are left to the schema.
import type { KeySpec } from './schema.js';
import { clip } from './lexer.js';

export type PortPair = [number, number];

export type Decoded =
  { ok: true; value: unknown; tokens?: string[]; warning?: string } | { ok: false; message: string };

const INTEGER_RE = /^[+-]?\d+$/;

export function decodeValue(spec: KeySpec, raw: string): Decoded {
  if (spec.kind === 'integer') {
    // Not an integer: left as a string so the schema's type check reports it with the value received.
    return { ok: true, value: INTEGER_RE.test(raw.trim()) ? Number(raw.trim()) : raw };
  }
  if (spec.kind === 'port-list') return decodePortList(raw);
  return { ok: true, value: raw };
}

function decodePortList(raw: string): Decoded {
  if (raw.trim() === '') return { ok: true, value: [], tokens: [] };
  // PortSentry splits with strtok(), which skips empty fields: "1,,11" and "1,11," are the ports 1 and 11 there.
  const all = raw.split(',').map((t) => t.trim());
  const tokens = all.filter((t) => t !== '');
  const pairs: PortPair[] = [];
  for (const token of tokens) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(token);
    if (!m) {
      return {
        ok: false,
        message: `entry "${clip(token)}" in "${clip(raw)}" is not a port or a range; write ports like 1,11,512-515`,
      };
    }
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to) {
      return { ok: false, message: `range "${token}" is reversed; write ${m[2]}-${m[1]}` };
    }
    pairs.push([from, to]);
  }
  if (tokens.length === all.length) return { ok: true, value: pairs, tokens };
  const empty = all.length - tokens.length;
  return {
    ok: true,
    value: pairs,
    tokens,
    warning: `value "${clip(raw)}" has ${empty === 1 ? 'an empty entry' : `${empty} empty entries`}, skipped as PortSentry skips them; separate ports with single commas`,
  };
}

/** Ascending, de-duplicated ports covered by the pairs. */
export function expandPorts(pairs: readonly PortPair[]): number[] {
  const seen = new Set<number>();
  for (const [from, to] of pairs) for (let p = from; p <= to; p++) seen.add(p);
  return [...seen].sort((a, b) => a - b);
}

/** Back to file form: "1,11,512-515". */
export function formatPortList(pairs: readonly PortPair[]): string {
  return pairs.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}
