// Reads the generated validator's errors back as one sentence per key, naming the value received and the fix.
import type { KeySpec } from './schema.js';
import { clip } from './lexer.js';

export interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
}

/** The key an error is about and, for port lists, the index of the offending entry. */
export function locateError(e: SchemaError): { key: string; entry?: number } {
  const [key, entry] = e.instancePath.split('/').slice(1);
  return { key, entry: entry === undefined ? undefined : Number(entry) };
}

function range(spec: KeySpec): string {
  return `${spec.minimum} to ${spec.maximum}`;
}

export function describeError(e: SchemaError, spec: KeySpec, raw: string, tokens?: string[]): string {
  const shown = `value "${clip(raw)}"`;
  const { entry } = locateError(e);
  if (spec.kind === 'port-list' && entry !== undefined) {
    const token = tokens?.[entry] ?? '?';
    return `port entry "${token}" in ${shown} is outside 1-65535; use ports from 1 to 65535`;
  }
  switch (e.keyword) {
    case 'type':
      return spec.enum
        ? `${shown} must be one of ${spec.enum.join(', ')}`
        : `${shown} is not a whole number; use a number from ${range(spec)}`;
    case 'enum':
      return `${shown} must be one of ${spec.enum!.map((v) => (typeof v === 'string' ? `"${v}"` : v)).join(', ')}`;
    case 'minimum':
    case 'maximum':
      return `${shown} is outside ${range(spec)}; use a number from ${range(spec)}`;
    case 'pattern':
      return `${shown} ${spec.fix ?? 'has the wrong form'}`;
    default:
      return `${shown} ${e.message ?? 'is not valid'}`;
  }
}
