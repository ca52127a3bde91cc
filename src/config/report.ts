// The results of `config validate` and `config show`, as JSON objects and as terminal lines. Pure.
import type { ConfigProblem } from './problem.js';
import { formatProblem } from './problem.js';
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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line per problem, then the summary line. */
export function formatValidateLines(loaded: Pick<LoadedConfig, 'file' | 'problems' | 'dialect'>): string[] {
  const errors = loaded.problems.filter((p) => p.severity === 'error').length;
  const warnings = loaded.problems.length - errors;
  const verdict = errors === 0 ? 'valid' : 'invalid';
  return [
    ...loaded.problems.map(formatProblem),
    `${loaded.file}: ${verdict} (PortSentry ${loaded.dialect} dialect), ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  ];
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

export function formatShowLines(result: ShowResult): string[] {
  const lines = [`# effective configuration of ${result.file} (PortSentry ${result.dialect} dialect)`];
  for (const [key, { value, default: isDefault }] of Object.entries(result.keys)) {
    const set = `${key}="${value}"`;
    lines.push(isDefault ? `${set}  # default${value === '' ? ' (not set)' : ''}` : set);
  }
  if (result.ignore.length > 0) {
    lines.push(`# ignored: ${result.ignore.map((e) => e.prefix).join(', ')}`);
  }
  return lines;
}
