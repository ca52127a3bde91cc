// The key table, read from schemas/config.schema.json: the one place key names, types, ranges and defaults live.
import schemaJson from '../../schemas/config.schema.json' with { type: 'json' };

export type KeyKind = 'integer' | 'string' | 'port-list';

export interface KeySpec {
  name: string;
  kind: KeyKind;
  /** Decoded default (number, string, or [from, to] pairs); undefined when the key has none. */
  default: unknown;
  doc: string;
  origin: string;
  unit?: string;
  enum?: Array<string | number>;
  minimum?: number;
  maximum?: number;
  /** Fix sentence for a value that does not match the key's pattern. */
  fix?: string;
}

interface RawProperty {
  type: string;
  default?: unknown;
  enum?: Array<string | number>;
  minimum?: number;
  maximum?: number;
  'x-doc': string;
  'x-portsentry': string;
  'x-unit'?: string;
  'x-fix'?: string;
}

export const CONFIG_SCHEMA = schemaJson as unknown as { properties: Record<string, RawProperty> };

function toSpec(name: string, p: RawProperty): KeySpec {
  const kind: KeyKind = p.type === 'array' ? 'port-list' : p.type === 'integer' ? 'integer' : 'string';
  return {
    name,
    kind,
    default: p.default,
    doc: p['x-doc'],
    origin: p['x-portsentry'],
    unit: p['x-unit'],
    enum: p.enum,
    minimum: p.minimum,
    maximum: p.maximum,
    fix: p['x-fix'],
  };
}

/** Every key, in schema order (the order `config show` prints). */
export const KEY_SPECS: readonly KeySpec[] = Object.entries(CONFIG_SCHEMA.properties).map(([n, p]) => toSpec(n, p));

export const KEY_BY_NAME: ReadonlyMap<string, KeySpec> = new Map(KEY_SPECS.map((s) => [s.name, s]));
