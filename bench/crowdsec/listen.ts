// A light `nft monitor elements` for the bouncer benchmark: subscribed to nf_tables change notifications in the
// namespace it runs in, it prints one line per notification datagram, "EPOCH_MS ADDR ADDR ...", for the IPv4
// elements added (NEWSETELEM). `nft monitor` formats every element as text and falls seconds behind a 100,000
// element burst on a busy machine; this reads the keys from the bytes and keeps up. A lost notification (ENOBUFS)
// is printed as "LOST" on stderr: the count can then never be trusted.
// Usage: ip netns exec NS node dist/bench/crowdsec/listen.js
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
let pending = '';
socket.on('message', (msg: Buffer) => {
  const at = performance.timeOrigin + performance.now();
  const messages = parseMessages(msg).filter((m) => m.type === NEW_ELEMENTS);
  if (messages.length === 0) return;
  let line = at.toFixed(2);
  walkSetElements(messages, (buf, keyAt, keyLen) => {
    if (keyLen === 4) line += ` ${buf[keyAt]}.${buf[keyAt + 1]}.${buf[keyAt + 2]}.${buf[keyAt + 3]}`;
  });
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
