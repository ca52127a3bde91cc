// The file descriptor of one of this process's netlink sockets, found by its protocol and port: the kernel lists
// every netlink socket of the namespace with its inode (/proc/self/net/netlink), and each descriptor of the
// process names the inode of the socket it holds (/proc/self/fd). The `netlink` package keeps its descriptor to
// itself; with it, a datagram can be written from libuv's thread pool (see transport.ts).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The inode of the netlink socket of `protocol` bound to `port` in this namespace; undefined when none is listed. */
export function netlinkSocketInode(table: string, protocol: number, port: number): string | undefined {
  // sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode, one socket a line, numbers in decimal.
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols.length >= 10 && Number(cols[1]) === protocol && Number(cols[2]) === port) return cols[9];
  }
  return undefined;
}

/** The descriptor of this process's netlink socket of `protocol` bound to `port`; undefined when it is not found. */
export function findNetlinkSocketFd(protocol: number, port: number): number | undefined {
  let inode: string | undefined;
  try {
    inode = netlinkSocketInode(readFileSync('/proc/self/net/netlink', 'latin1'), protocol, port);
  } catch {
    return undefined;
  }
  if (inode === undefined) return undefined;
  const wanted = `socket:[${inode}]`;
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return undefined;
  }
  for (const name of names) {
    try {
      if (readlinkSync(`/proc/self/fd/${name}`) === wanted) return Number(name);
    } catch {
      // Closed since the listing (the listing's own descriptor, for one).
    }
  }
  return undefined;
}
