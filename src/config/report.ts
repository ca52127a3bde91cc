// The results of `config validate` and `config show`, as JSON objects (cli/render/config.ts prints them). Pure.
import type { ConfigProblem } from './problem.js';
import type { LoadedConfig } from './load.js';
import type { PortSentryConfig } from './types.js';
import { KEY_SPECS, type KeySpec } from './schema.js';
import { formatPortList, type PortPair } from './decode.js';
import { formatPrefix } from '../net/address.js';

export interface ProblemJson {
  file: string;
  line: number;
  column: number;
  key: string | null;
  message: string;
}

export interface ValidateResult {
  valid: boolean;
  errors: ProblemJson[];
  warnings: ProblemJson[];
}

export interface ShowResult {
  file: string;
  embedded: boolean;
  dialect: '1.2' | '2.x';
  /** Every key in file form, as `KEY="value"` would carry it; `default` when the file does not set it. */
  keys: Record<string, { value: string; default: boolean }>;
  config: PortSentryConfig;
  ignore: Array<{ prefix: string; file: string; line: number }>;
}

type LoadedView = Pick<LoadedConfig, 'file' | 'problems' | 'dialect' | 'values' | 'config' | 'ignore' | 'embedded'>;

function toJson(p: ConfigProblem): ProblemJson {
  return { file: p.file, line: p.line, column: p.column, key: p.key, message: p.message };
}

export function buildValidateResult(loaded: Pick<LoadedConfig, 'problems'>): ValidateResult {
  const errors = loaded.problems.filter((p) => p.severity === 'error').map(toJson);
  const warnings = loaded.problems.filter((p) => p.severity === 'warning').map(toJson);
  return { valid: errors.length === 0, errors, warnings };
}

/** A decoded value back in file form. */
function fileForm(spec: KeySpec, value: unknown): string {
  if (value === undefined) return '';
  if (spec.kind === 'port-list') return formatPortList(value as PortPair[]);
  return String(value);
}

export function buildShowResult(loaded: LoadedView): ShowResult {
  const keys: ShowResult['keys'] = {};
  for (const spec of KEY_SPECS) {
    const fromFile = spec.name in loaded.values;
    keys[spec.name] = {
      value: fileForm(spec, fromFile ? loaded.values[spec.name] : spec.default),
      default: !fromFile,
    };
  }
  return {
    file: loaded.file,
    embedded: loaded.embedded,
    dialect: loaded.dialect,
    keys,
    config: loaded.config,
    ignore: loaded.ignore.map((e) => ({ prefix: formatPrefix(e.prefix), file: e.file, line: e.line })),
  };
}
