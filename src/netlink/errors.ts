// Netlink failures as typed values: callers branch on `errno` / `code`, never on message text.
// toPortsentinelError() maps the ones with a user-facing meaning onto the CLI's exit-code classes.
import { constants } from 'node:os';
import { EnvironmentError, OperationError, type PortsentinelError } from '../errors.js';

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);

export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

export const ENOENT = constants.errno.ENOENT;
export const EPERM = constants.errno.EPERM;
export const EACCES = constants.errno.EACCES;
export const EINVAL = constants.errno.EINVAL;
export const EEXIST = constants.errno.EEXIST;
export const EOPNOTSUPP = constants.errno.EOPNOTSUPP;
export const EMSGSIZE = constants.errno.EMSGSIZE;
export const ENOBUFS = constants.errno.ENOBUFS;
export const ERANGE = constants.errno.ERANGE;
export const EAFNOSUPPORT = constants.errno.EAFNOSUPPORT;
export const EPROTONOSUPPORT = constants.errno.EPROTONOSUPPORT;
export const ETIMEDOUT = constants.errno.ETIMEDOUT;
/** Not in node's table on every build; value from include/uapi/asm-generic/errno.h. */
export const ERESTART = 85;
errnoNames.set(ERESTART, 'ERESTART');

export class NetlinkError extends Error {
  readonly errno: number;
  readonly code: string;
  /** nlmsg_type of the request the kernel refused (undefined for socket-level failures). */
  readonly messageType?: number;
  readonly seq?: number;

  constructor(errno: number, context: string, messageType?: number, seq?: number, cause?: unknown) {
    const code = errnoName(errno);
    super(`${context}: ${code}`, cause === undefined ? undefined : { cause });
    this.name = 'NetlinkError';
    this.errno = errno;
    this.code = code;
    this.messageType = messageType;
    this.seq = seq;
  }
}

export function isNetlinkError(e: unknown, ...codes: number[]): e is NetlinkError {
  return e instanceof NetlinkError && (codes.length === 0 || codes.includes(e.errno));
}

export function isPermissionError(e: unknown): boolean {
  return isNetlinkError(e, EPERM, EACCES);
}

/** Permission problems become EnvironmentError (exit 3); anything else an OperationError naming `what` failed. */
export function toPortsentinelError(e: unknown, what: string): PortsentinelError | unknown {
  if (isPermissionError(e)) {
    return new EnvironmentError(
      `${what} needs the CAP_NET_ADMIN capability: run portsentinel as root or grant it CAP_NET_ADMIN.`,
      'E_NO_CAP_NET_ADMIN',
      e,
    );
  }
  if (e instanceof NetlinkError) {
    return new OperationError(`${what} failed: the kernel answered ${e.code}.`, `E_NETLINK_${e.code}`, e);
  }
  return e;
}
