// A failed command, the same on both entry paths: one sentence on stderr naming what is wrong, the same as a JSON
// error object under --json, and the exit code of docs/architecture.md. Never a stack trace unless asked for.
import { PortsentinelError } from '../errors.js';
import { writeJson } from './output.js';
import { escapeText } from '../util/escape-text.js';

export interface Failure {
  exitCode: number;
  code: string;
  message: string;
}

/** The failure an error means; parse errors of the CLI framework are classified by the caller. */
export function describeFailure(err: Error & { code?: unknown }): Failure {
  if (err instanceof PortsentinelError) return { exitCode: err.exitCode, code: err.code, message: err.message };
  // Not expected: still one sentence.
  if (process.env.PORTSENTINEL_DEBUG) process.stderr.write(`${err.stack}\n`);
  return {
    exitCode: 1,
    code: typeof err.code === 'string' ? err.code : 'E_INTERNAL',
    message: `unexpected error: ${err.message}`,
  };
}

export function reportFailure(f: Failure, json: boolean): void {
  // Written directly: a failure must never be silent, --json or not.
  // Messages quote file names and values as given: control characters in them are escaped, never sent raw.
  process.stderr.write(`portsentinel: ${escapeText(f.message)}\n`);
  if (json) writeJson({ error: { code: f.code, message: f.message, exitCode: f.exitCode } });
}
