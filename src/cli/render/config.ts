// `config validate` and `config show` as terminal lines (their --json form is the result object itself).
import type { LoadedConfig } from '../../config/load.js';
import { formatProblem } from '../../config/problem.js';
import type { ShowResult } from '../../config/report.js';

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
