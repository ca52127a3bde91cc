// Splits portsentry.conf text into KEY="value" entries with positions, as PortSentry 1.2 reads it:
// `#` comment lines, key at line start, then `=` or blanks, value in double quotes. Pure.
import type { ConfigProblem } from './problem.js';

export interface ConfigEntry {
  key: string;
  line: number;
  /** 1-based column of the key. */
  column: number;
  value: string;
  /** 1-based column of the first character inside the quotes. */
  valueColumn: number;
}

export interface LexResult {
  entries: ConfigEntry[];
  problems: ConfigProblem[];
}

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits text into lines without their terminators (\n or \r\n). */
export function splitLines(text: string): string[] {
  return text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** The 1-based line and column of a character offset in `text`. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** A clean error for text that is binary (NUL bytes) rather than a config; undefined for ordinary text. */
export function binaryProblem(text: string, file: string, what: string): ConfigProblem | undefined {
  const nul = text.indexOf('\u0000');
  if (nul < 0) return undefined;
  const { line, column } = positionOf(text, nul);
  return {
    severity: 'error',
    file,
    line,
    column,
    key: null,
    message: `holds a NUL byte, so it is a binary file, not ${what}; point at the text file instead`,
  };
}

export function lexConfig(text: string, file: string): LexResult {
  const entries: ConfigEntry[] = [];
  const problems: ConfigProblem[] = [];
  const binary = binaryProblem(text, file, 'a portsentry.conf');
  if (binary) return { entries, problems: [binary] };

  splitLines(text).forEach((raw, index) => {
    const line = index + 1;
    const problem = (severity: ConfigProblem['severity'], column: number, key: string | null, message: string) =>
      problems.push({ severity, file, line, column, key, message });

    const indent = raw.length - raw.trimStart().length;
    const body = raw.slice(indent);
    if (body === '' || body.startsWith('#')) return;
    const bad = raw.indexOf('\uFFFD');
    if (bad >= 0) {
      problem(
        'error',
        bad + 1,
        null,
        'holds bytes that are not UTF-8 text; save the file as UTF-8 (plain ASCII works)',
      );
      return;
    }
    const keyMatch = KEY_RE.exec(body);
    if (!keyMatch) {
      problem(
        'error',
        indent + 1,
        null,
        `"${clip(body)}" is not a KEY="value" line; write KEY="value" or start a comment with #`,
      );
      return;
    }
    const key = keyMatch[0];
    const column = indent + 1;
    if (indent > 0) {
      problem('warning', column, key, 'is indented; PortSentry 1.2 reads keys only at the start of a line');
    }
    let pos = key.length;
    const blanks = /^[ \t]*/.exec(body.slice(pos))![0].length;
    pos += blanks;
    if (body[pos] === '=') {
      pos += 1;
      pos += /^[ \t]*/.exec(body.slice(pos))![0].length;
    } else if (blanks === 0 && pos < body.length) {
      problem('error', column, key, `is followed by "${body[pos]}" instead of =; write ${key}="value"`);
      return;
    }
    const rest = body.slice(pos);
    if (rest === '' || rest.startsWith('#')) {
      problem('error', column, key, `has no value; write ${key}="value" (double quotes required)`);
      return;
    }
    if (rest[0] !== '"') {
      problem(
        'error',
        column,
        key,
        `value ${clip(rest)} is not in double quotes; write ${key}="${clip(unquote(rest))}"`,
      );
      return;
    }
    const close = rest.indexOf('"', 1);
    if (close < 0) {
      problem('error', column, key, `value ${clip(rest)} has no closing double quote; end it with "`);
      return;
    }
    const value = rest.slice(1, close);
    const trailing = rest.slice(close + 1).trim();
    if (trailing !== '' && !trailing.startsWith('#')) {
      problem(
        'warning',
        column,
        key,
        `ignores "${clip(trailing)}" after the closing quote; PortSentry reads only up to it`,
      );
    }
    entries.push({ key, line, column, value, valueColumn: indent + pos + 2 });
  });
  return { entries, problems };
}

function unquote(text: string): string {
  return text.replace(/^['"]|['"]$/g, '').trim();
}

/** Keeps quoted excerpts of bad lines short enough for one terminal line. */
export function clip(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
