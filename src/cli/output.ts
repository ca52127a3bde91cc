// How results leave the process, the same on both entry paths (oclif and the fast path): machine output is plain
// JSON, and a large listing arrives already encoded and is written as it is.
import { escapeText } from '../util/escape-text.js';

/** A result whose JSON document (and final newline) is already encoded (large listings): printed as it is. */
export class RenderedJson {
  constructor(readonly chunks: Buffer[]) {}

  toJSON(): unknown {
    return JSON.parse(Buffer.concat(this.chunks).toString('utf8'));
  }
}

// oclif's default printer colourises JSON token by token, which costs seconds and gigabytes on a large replay
// report; machine output needs no colour (stdout is synchronous for files and pipes on Linux).
export function writeJson(value: unknown): void {
  if (value instanceof RenderedJson) for (const chunk of value.chunks) process.stdout.write(chunk);
  else process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** What a command's action may do besides returning its result. */
export interface CommandIO {
  /** --json was given: human output is suppressed and the result is printed as JSON. */
  readonly json: boolean;
  /** A line of human output on stdout (silent under --json). */
  log(line: string): void;
  /** A line on stderr, prefixed with the program name; shown under --json too. */
  warn(line: string): void;
}

export function createCommandIO(json: boolean): CommandIO {
  return {
    json,
    log: (line) => {
      if (!json) process.stdout.write(`${line}\n`);
    },
    warn: (line) => {
      // One line whatever it quotes (a reason, a file name): control characters are escaped.
      process.stderr.write(`portsentinel: ${escapeText(line)}\n`);
    },
  };
}
