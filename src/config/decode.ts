// Turns a raw quoted value into the JSON value the schema describes: integers as numbers, port lists as
// [from, to] pairs. Syntax it cannot read is reported here; ranges, enums and patterns are left to the schema.
import type { KeySpec } from './schema.js';
import { clip } from './lexer.js';

export type PortPair = [number, number];

export type Decoded = { ok: true; value: unknown; tokens?: string[] } | { ok: false; message: string };

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
  const tokens = raw.split(',').map((t) => t.trim());
  const pairs: PortPair[] = [];
  for (const token of tokens) {
    if (token === '') {
      return { ok: false, message: `value "${clip(raw)}" has an empty entry; separate ports with single commas` };
    }
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
  return { ok: true, value: pairs, tokens };
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
