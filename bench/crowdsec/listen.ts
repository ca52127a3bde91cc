// A light `nft monitor elements` for the bouncer benchmark: subscribed to nf_tables change notifications in the
// namespace it runs in, it prints one line per notification datagram that adds IPv4 elements not seen before:
// "EPOCH_MS TOTAL [ADDR ...]", TOTAL being how many distinct addresses it has seen added so far, and the addresses
// themselves only for a datagram of a few elements (a poll's new decision, whose own arrival is timed). A burst of
// 100,000 is thus a few hundred short lines: an observer that formatted every element (as `nft monitor` does, or
// as this one did) took CPU from the bouncer it was timing, on the same cores. A lost notification (ENOBUFS) is
// printed as "LOST" on stderr: the count can then never be trusted.
import {
  NETLINK_NETFILTER,
  NFNLGRP_NFTABLES,
  NFT_MSG_NEWSETELEM,
  NFTA_DATA_VALUE,
  NFTA_SET_ELEM_KEY,
  NFTA_SET_ELEM_LIST_ELEMENTS,
  NLA_TYPE_MASK,
  NLMSG_HDRLEN,
} from '../../src/netlink/constants.js';
import { nftType } from '../../src/netlink/nfnetlink.js';
import { openRawSocket } from '../../src/netlink/transport.js';

const NEW_ELEMENTS = nftType(NFT_MSG_NEWSETELEM);

const socket = openRawSocket(NETLINK_NETFILTER, {
  localGroups: 1 << (NFNLGRP_NFTABLES - 1),
  recvBufferSize: 32 << 20,
  sendBufferSize: 1 << 12,
});

const u16 = (b: Uint8Array, at: number) => b[at] | (b[at + 1] << 8);

/**
 * Each IPv4 key of the NEWSETELEM messages of a datagram, read straight from the bytes: nothing else of an element
 * (its timeout, its counter) is decoded, since the observer's CPU is taken from the bouncer it times.
 */
function eachKey(b: Uint8Array, key: (k: number) => void): void {
  for (let m = 0; m + NLMSG_HDRLEN <= b.length;) {
    const len = b[m] | (b[m + 1] << 8) | (b[m + 2] << 16) | (b[m + 3] << 24);
    if (len < NLMSG_HDRLEN || m + len > b.length) return;
    const end = m + len;
    if (u16(b, m + 4) === NEW_ELEMENTS) {
      // After the nlmsghdr and nfgenmsg: the list's attributes; in ELEMENTS, each element's KEY, in it its VALUE.
      for (let a = m + NLMSG_HDRLEN + 4; a + 4 <= end;) {
        const alen = u16(b, a);
        if (alen < 4) break;
        if ((u16(b, a + 2) & NLA_TYPE_MASK) === NFTA_SET_ELEM_LIST_ELEMENTS) {
          for (let el = a + 4; el + 4 <= a + alen;) {
            const elen = u16(b, el);
            if (elen < 4) break;
            for (let f = el + 4; f + 4 <= el + elen;) {
              const flen = u16(b, f);
              if (flen < 4) break;
              if ((u16(b, f + 2) & NLA_TYPE_MASK) === NFTA_SET_ELEM_KEY && flen >= 12) {
                if (u16(b, f + 4) === 8 && (u16(b, f + 6) & NLA_TYPE_MASK) === NFTA_DATA_VALUE)
                  key(((b[f + 8] << 24) | (b[f + 9] << 16) | (b[f + 10] << 8) | b[f + 11]) >>> 0);
              }
              f += (flen + 3) & ~3;
            }
            el += (elen + 3) & ~3;
          }
        }
        a += (alen + 3) & ~3;
      }
    }
    m += (len + 3) & ~3;
  }
}
/** Datagrams with at most this many new elements name them. */
const NAMED = 16;
const seen = new Set<number>();
let pending = '';
socket.on('message', (msg: Buffer) => {
  const at = performance.timeOrigin + performance.now();
  const fresh: number[] = [];
  eachKey(msg, (key) => {
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
