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
    if (err instanceof PortsentinelError) {
      this.logToStderr(`portsentinel: ${err.message}`);
      this.exit(err.exitCode);
    }
    // oclif's own parse errors (unknown flag, missing argument) are usage errors: exit 2, message without stack.
    if (err instanceof Errors.CLIError && !(err instanceof Errors.ExitError)) {
      const exit = err.oclif?.exit;
      this.logToStderr(`portsentinel: ${err.message.split('\n')[0]}`);
      this.exit(exit === undefined || exit === 1 || exit === 2 ? 2 : exit);
    }
    return super.catch(err);
  }
}
