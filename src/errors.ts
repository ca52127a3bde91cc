// Typed errors with a stable `code` and the process exit code they map to (docs/architecture.md: exit codes).
// Commands never print a stack trace for these: the message is one sentence naming what is wrong and the fix.

export type ExitCode = 0 | 1 | 2 | 3;

export class PortsentinelError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;

  constructor(message: string, options: { code: string; exitCode?: ExitCode; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Bad input: a file, line, address or flag value that cannot be used (exit 1). */
export class InputError extends PortsentinelError {
  constructor(message: string, code = 'E_INPUT', cause?: unknown) {
    super(message, { code, exitCode: 1, cause });
  }
}

/** An operation that was valid but failed (exit 1). */
export class OperationError extends PortsentinelError {
  constructor(message: string, code = 'E_OPERATION', cause?: unknown) {
    super(message, { code, exitCode: 1, cause });
  }
}

/** Wrong use of the command line itself (exit 2). */
export class UsageError extends PortsentinelError {
  constructor(message: string, code = 'E_USAGE', cause?: unknown) {
    super(message, { code, exitCode: 2, cause });
  }
}

/** The environment lacks something: privileges, kernel support, a tool (exit 3). */
export class EnvironmentError extends PortsentinelError {
  constructor(message: string, code = 'E_ENVIRONMENT', cause?: unknown) {
    super(message, { code, exitCode: 3, cause });
  }
}
