// parseConfigText: portsentry.conf text → typed config + every problem with its file:line:col. Pure: the key list,
// types, ranges and defaults come from schemas/config.schema.json, checked by its generated validator.
import type { PortSentryConfig } from './types.js';
import type { ConfigProblem } from './problem.js';
import { sortProblems } from './problem.js';
import { lexConfig, clip } from './lexer.js';
import { KEY_BY_NAME, KEY_SPECS } from './schema.js';
import { suggestKey } from './suggest.js';
import { decodeValue } from './decode.js';
import { describeError, locateError, type SchemaError } from './schema-errors.js';
import { buildConfig, type DecodedValues } from './build.js';
import { checkConfig, type KeyPosition } from './checks.js';
import { parseDuration } from '../util/duration.js';
import { validate } from '../generated/config.js';

export type Dialect = '1.2' | '2.x';

export interface ConfigParseResult {
  config: PortSentryConfig;
  problems: ConfigProblem[];
  dialect: Dialect;
  /** Every key set in the file (first occurrence: PortSentry uses the first), with its raw value. */
  keys: Record<string, KeyPosition>;
  /** Decoded values of the keys set in the file that passed every check (absent keys take schema defaults). */
  values: DecodedValues;
}

const KNOWN_KEYS = KEY_SPECS.map((s) => s.name);

function unknownKeyMessage(key: string): string {
  const guess = suggestKey(key, KNOWN_KEYS);
  if (guess && guess === key.toUpperCase()) return `is not a key: keys are upper case; did you mean ${guess}?`;
  if (guess) return `is not a known key; did you mean ${guess}?`;
  return 'is not a known key; see docs/configuration.md for the keys portsentinel reads';
}

export function parseConfigText(text: string, file: string): ConfigParseResult {
  const lexed = lexConfig(text, file);
  const { entries } = lexed;
  // A bad line whose key is not known at all is reported as the unknown key, the likelier mistake.
  const problems = lexed.problems.map((p) =>
    p.key !== null && !KEY_BY_NAME.has(p.key)
      ? { ...p, severity: 'error' as const, message: unknownKeyMessage(p.key) }
      : p,
  );
  const keys: Record<string, KeyPosition> = {};
  const problem = (severity: ConfigProblem['severity'], key: string, message: string) =>
    problems.push({ severity, file, line: keys[key].line, column: keys[key].column, key, message });

  for (const e of entries) {
    if (!KEY_BY_NAME.has(e.key)) {
      problems.push({
        severity: 'error',
        file,
        line: e.line,
        column: e.column,
        key: e.key,
        message: unknownKeyMessage(e.key),
      });
    } else if (e.key in keys) {
      problems.push({
        severity: 'warning',
        file,
        line: e.line,
        column: e.column,
        key: e.key,
        message: `is already set on line ${keys[e.key].line}; PortSentry uses the first, so this value "${clip(e.value)}" is ignored`,
      });
    } else {
      keys[e.key] = { line: e.line, column: e.column, value: e.value };
    }
  }

  // Decode, then let the schema judge what decoded; a key with any problem keeps its default.
  const decoded: DecodedValues = {};
  const tokens: Record<string, string[]> = {};
  for (const [key, pos] of Object.entries(keys)) {
    const spec = KEY_BY_NAME.get(key)!;
    if (spec.kind === 'string' && pos.value === '') continue; // "" leaves a string key unset, as in PortSentry 1.2
    const d = decodeValue(spec, pos.value);
    if (!d.ok) problem('error', key, d.message);
    else {
      decoded[key] = d.value;
      if (d.tokens) tokens[key] = d.tokens;
      if (d.warning) problem('warning', key, d.warning);
    }
  }
  if (!validate(decoded)) {
    const seen = new Set<string>();
    for (const e of (validate as unknown as { errors: SchemaError[] }).errors) {
      const { key } = locateError(e);
      if (!key || seen.has(key)) continue;
      seen.add(key);
      problem('error', key, describeError(e, KEY_BY_NAME.get(key)!, keys[key].value, tokens[key]));
      delete decoded[key];
    }
  }
  if (typeof decoded.BAN_TIMEOUT === 'string' && parseDuration(decoded.BAN_TIMEOUT) === undefined) {
    problem(
      'error',
      'BAN_TIMEOUT',
      `value "${clip(decoded.BAN_TIMEOUT)}" is too long a duration; use at most a few years`,
    );
    delete decoded.BAN_TIMEOUT;
  }

  const config = buildConfig(decoded);
  const tokenCounts = Object.fromEntries(Object.entries(tokens).map(([k, t]) => [k, t.length]));
  problems.push(...checkConfig(config, keys, file, tokenCounts));

  const usesRanges = Object.values(tokens).some((list) => list.some((t) => t.includes('-')));
  return { config, problems: sortProblems(problems), dialect: usesRanges ? '2.x' : '1.2', keys, values: decoded };
}
