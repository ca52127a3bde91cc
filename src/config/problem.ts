// Problems found in a config or ignore file, and how they read on a terminal. Pure.

export type Severity = 'error' | 'warning';

export interface ConfigProblem {
  severity: Severity;
  file: string;
  line: number;
  column: number;
  /** The config key the problem is about; null for lines that are not KEY="value" and for ignore-file lines. */
  key: string | null;
  message: string;
}

/** `file:line:col error|warning KEY message`, the line `config validate` prints for each problem. */
export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column} ${p.severity} ${p.key ?? '-'} ${p.message}`;
}

/** Orders problems by file (in the order the files were first met), then line, then column. */
export function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const fileOrder = new Map<string, number>();
  for (const p of problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  return problems
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        fileOrder.get(a.p.file)! - fileOrder.get(b.p.file)! ||
        a.p.line - b.p.line ||
        a.p.column - b.p.column ||
        a.i - b.i,
    )
    .map(({ p }) => p);
}
