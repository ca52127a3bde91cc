// Shared command behaviour: --json results, and typed errors turned into one clean sentence and an exit code.
import { Command, Errors } from '@oclif/core';
import { PortsentinelError } from './errors.js';
import { describeFailure, reportFailure, type Failure } from './cli/failure.js';
import { createCommandIO, writeJson, type CommandIO } from './cli/output.js';
import { describeParseError } from './cli/parse-error.js';

export abstract class BaseCommand<T> extends Command {
  static override enableJsonFlag = true;

  abstract override run(): Promise<T>;

  override logJson(json: unknown): void {
    writeJson(json);
  }

  /** The output handle the actions in src/cli/actions write through. */
  protected io(): CommandIO {
    return createCommandIO(this.jsonEnabled());
  }

  protected override async catch(
    err: Error & { exitCode?: number; code?: string; oclif?: { exit?: number } },
  ): Promise<unknown> {
    if (err instanceof Errors.ExitError) throw err;
    let failure: Failure;
    if (!(err instanceof PortsentinelError) && err instanceof Errors.CLIError) {
      // oclif's own parse errors (unknown flag, missing argument, bad option value) are usage errors.
      const exit = err.oclif?.exit;
      failure = {
        exitCode: exit === undefined || exit === 1 || exit === 2 ? 2 : exit,
        code: 'E_USAGE',
        message: describeParseError(err, this.id),
      };
    } else failure = describeFailure(err);
    reportFailure(failure, this.jsonEnabled());
    return this.exit(failure.exitCode);
  }
}
