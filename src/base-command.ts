// Shared command behaviour: --json results, and typed errors turned into one clean sentence and an exit code.
import { Command, Errors } from '@oclif/core';
import { PortsentinelError } from './errors.js';

export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true;

  abstract override run(): Promise<T>;

  // oclif's default colourises JSON token by token, which costs seconds and gigabytes on a large replay report;
  // machine output needs no colour, so print it plainly (stdout is synchronous for files and pipes on Linux).
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }

  protected override async catch(
    err: Error & { exitCode?: number; code?: string; oclif?: { exit?: number } },
  ): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    let exitCode: number;
    let code: string;
    let message: string;
    if (err instanceof PortsentinelError) {
      ({ exitCode, code, message } = err);
    } else if (err instanceof Errors.CLIError) {
      // oclif's own parse errors (unknown flag, missing argument, bad option value) are usage errors.
      const exit = err.oclif?.exit;
      exitCode = exit === undefined || exit === 1 || exit === 2 ? 2 : exit;
      code = 'E_USAGE';
      message = err.message.split('\n')[0];
    } else {
      // Not expected: still one sentence, never a stack trace unless asked for.
      exitCode = 1;
      code = typeof err.code === 'string' ? err.code : 'E_INTERNAL';
      message = `unexpected error: ${err.message}`;
      if (process.env.PORTSENTINEL_DEBUG) process.stderr.write(`${err.stack}\n`);
    }
    // Written directly: oclif's logToStderr is silent under --json, and a failure must never be silent.
    process.stderr.write(`portsentinel: ${message}\n`);
    if (this.jsonEnabled()) this.logJson({ error: { code, message, exitCode } });
    return this.exit(exitCode);
  }
}
