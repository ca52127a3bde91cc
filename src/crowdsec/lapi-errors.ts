// The one error type of every Local API exchange: a stable code, the URL, and one sentence fit for a log line.
import { OperationError } from '../errors.js';

export type LapiErrorCode =
  'E_LAPI_UNREACHABLE' | 'E_LAPI_HTTP' | 'E_LAPI_AUTH' | 'E_LAPI_ANSWER' | 'E_LAPI_TOO_LARGE' | 'E_LAPI_TIMEOUT';

export class LapiError extends OperationError {
  constructor(
    message: string,
    readonly lapiCode: LapiErrorCode,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, lapiCode, cause);
  }
}
