// What a netlink failure means to the person who ran the command: the typed NetlinkError of src/netlink becomes
// one of the exit-code error classes, with a sentence naming the operation and what would fix it.
import { EnvironmentError, OperationError, type PortsentinelError } from '../errors.js';
import { isPermissionError, NetlinkError } from '../netlink/errors.js';

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
