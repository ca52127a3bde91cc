// parseIgnoreText: PortSentry's ignore file: one IPv4 or IPv6 address per line, optional /prefix-length,
// `#` comments. Both sides are masked, so 10.0.0.5/8 covers 10.0.0.0/8 (2.x matches nothing for it). Pure.
import type { IgnoreEntry } from './types.js';
import type { ConfigProblem } from './problem.js';
import { binaryProblem, clip, splitLines } from './lexer.js';
import { formatPrefix, parsePrefix } from '../net/address.js';

export interface IgnoreParseResult {
  entries: IgnoreEntry[];
  problems: ConfigProblem[];
}

export function parseIgnoreText(text: string, file: string): IgnoreParseResult {
  const entries: IgnoreEntry[] = [];
  const problems: ConfigProblem[] = [];
  const binary = binaryProblem(text, file, 'an ignore file');
  if (binary) return { entries, problems: [binary] };

  splitLines(text).forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.indexOf('#');
    const content = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (content === '') return;
    const column = raw.indexOf(content) + 1;
    const problem = (severity: ConfigProblem['severity'], message: string) =>
      problems.push({ severity, file, line, column, key: null, message });

    if (/\s/.test(content)) {
      problem('error', `"${clip(content)}" holds more than one word; write one address or prefix per line`);
      return;
    }
    const prefix = parsePrefix(content);
    if (typeof prefix === 'string') {
      problem('error', `${prefix}; write an IPv4 or IPv6 address, optionally with /prefix-length (e.g. 10.0.0.0/8)`);
      return;
    }
    const exact = parsePrefix(content, false);
    if (typeof exact !== 'string' && exact.bytes.some((b, i) => b !== prefix.bytes[i])) {
      problem(
        'warning',
        `"${content}" has host bits set; it is read as ${formatPrefix(prefix)} (PortSentry 2.x would match nothing)`,
      );
    }
    entries.push({ prefix, file, line, text: content });
  });
  return { entries, problems };
}
