// Netlink failures as typed values: callers branch on `errno` / `code` / `messageType`, never on message text.
// This layer knows no exit codes and writes no sentences for users: firewall/netlink-failure.ts does that.
import { constants } from 'node:os';

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
export const EAGAIN = constants.errno.EAGAIN;
/** Not in node's table on every build; value from include/uapi/asm-generic/errno.h. */
export const ERESTART = 85;
errnoNames.set(ERESTART, 'ERESTART');

export class NetlinkError extends Error {
  readonly errno: number;
  readonly code: string;
  /** The operation that failed, e.g. "netlink send" or "netlink request". */
  readonly op: string;
  /** nlmsg_type of the request the kernel refused (undefined for socket-level failures). */
  readonly messageType?: number;
  readonly seq?: number;

  constructor(errno: number, op: string, messageType?: number, seq?: number, cause?: unknown) {
    const code = errnoName(errno);
    super(`${op}: ${code}`, cause === undefined ? undefined : { cause });
    this.op = op;
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
