// nf_tables change notifications, the multicast group `nft monitor` listens to: a socket subscribed to
// NFNLGRP_NFTABLES, and the test of whether a notification took an object away (a table, chain, rule or set).
import {
  NETLINK_NETFILTER,
  NFNL_SUBSYS_NFTABLES,
  NFNLGRP_NFTABLES,
  NFT_MSG_DELCHAIN,
  NFT_MSG_DELRULE,
  NFT_MSG_DELSET,
  NFT_MSG_DELTABLE,
} from '../constants.js';
import { openRawSocket, type RawNetlinkSocket } from '../transport.js';

const DELETIONS = new Set([NFT_MSG_DELTABLE, NFT_MSG_DELCHAIN, NFT_MSG_DELRULE, NFT_MSG_DELSET]);

/** True when any message of a notification datagram deletes a table, chain, rule or set. */
export function mentionsDeletion(msg: Buffer): boolean {
  for (let at = 0; at + 16 <= msg.length;) {
    const len = msg.readUInt32LE(at);
    const type = msg.readUInt16LE(at + 4);
    if (type >> 8 === NFNL_SUBSYS_NFTABLES && DELETIONS.has(type & 0xff)) return true;
    if (len < 16) break;
    at += (len + 3) & ~3;
  }
  return false;
}

/**
 * Subscribes to nf_tables change notifications. `onDeletion` runs for each datagram that deletes an object;
 * `onLoss` when the socket reports an error (ENOBUFS: notifications were dropped, a deletion may be among them).
 */
export function monitorNftables(onDeletion: () => void, onLoss: () => void): RawNetlinkSocket {
  const socket = openRawSocket(NETLINK_NETFILTER, {
    localGroups: 1 << (NFNLGRP_NFTABLES - 1),
    recvBufferSize: 1 << 20,
    sendBufferSize: 1 << 12,
  });
  socket.on('message', (msg: Buffer) => {
    if (mentionsDeletion(msg)) onDeletion();
  });
  socket.on('error', onLoss);
  return socket;
}
