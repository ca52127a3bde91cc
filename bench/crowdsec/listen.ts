// A light `nft monitor elements` for the bouncer benchmark: subscribed to nf_tables change notifications in the
// namespace it runs in, it prints one line per notification datagram that adds IPv4 elements not seen before:
// "EPOCH_MS TOTAL [ADDR ...]", TOTAL being how many distinct addresses it has seen added so far, and the addresses
// themselves only for a datagram of a few elements (a poll's new decision, whose own arrival is timed). A burst of
// 100,000 is thus a few hundred short lines: an observer that formatted every element (as `nft monitor` does, or
// as this one did) took CPU from the bouncer it was timing, on the same cores. A lost notification (ENOBUFS) is
// printed as "LOST" on stderr: the count can then never be trusted.
import { NETLINK_NETFILTER, NFNLGRP_NFTABLES, NFT_MSG_NEWSETELEM } from '../../src/netlink/constants.js';
import { parseMessages } from '../../src/netlink/message.js';
import { nftType } from '../../src/netlink/nfnetlink.js';
import { walkSetElements } from '../../src/netlink/nftables/setelem.js';
import { openRawSocket } from '../../src/netlink/transport.js';

const NEW_ELEMENTS = nftType(NFT_MSG_NEWSETELEM);

const socket = openRawSocket(NETLINK_NETFILTER, {
  localGroups: 1 << (NFNLGRP_NFTABLES - 1),
  recvBufferSize: 32 << 20,
  sendBufferSize: 1 << 12,
});
/** Datagrams with at most this many new elements name them. */
const NAMED = 16;
const seen = new Set<number>();
let pending = '';
socket.on('message', (msg: Buffer) => {
  const at = performance.timeOrigin + performance.now();
  const messages = parseMessages(msg).filter((m) => m.type === NEW_ELEMENTS);
  if (messages.length === 0) return;
  const fresh: number[] = [];
  walkSetElements(messages, (buf, keyAt, keyLen) => {
    if (keyLen !== 4) return;
    const key = buf.readUInt32BE(keyAt);
    if (seen.has(key)) return;
    seen.add(key);
    fresh.push(key);
  });
  if (fresh.length === 0) return;
  let line = `${at.toFixed(2)} ${seen.size}`;
  if (fresh.length <= NAMED)
    for (const k of fresh) line += ` ${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;
  pending += `${line}\n`;
  if (pending.length > 1 << 16) flush();
});
const flush = () => {
  if (pending) process.stdout.write(pending);
  pending = '';
};
setInterval(flush, 5).unref();
socket.on('error', () => process.stderr.write('LOST\n'));
process.on('SIGTERM', () => {
  flush();
  process.exit(0);
});
process.stdout.write('READY\n');
// Kept alive by the socket.
