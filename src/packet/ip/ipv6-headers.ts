// Walks the IPv6 extension header chain (RFC 8200 §4) to the upper-layer header. The result lives in one
// module-level object so the walk allocates nothing per packet.
import { readU16BE } from '../bytes.js';

/** Extension header numbers from the IANA "Assigned Internet Protocol Numbers" registry (netinet/in.h names). */
export const IPPROTO_HOPOPTS = 0;
export const IPPROTO_ROUTING = 43;
export const IPPROTO_FRAGMENT = 44;
export const IPPROTO_AH = 51;
export const IPPROTO_DSTOPTS = 60;
/** Fragment header: offset in 8-byte units in the top 13 bits of bytes 2-3 (RFC 8200 §4.5). */
const IP6F_OFF_MASK = 0xfff8;
/** Bounds the walk on hostile chains; real packets carry a handful of headers at most. */
const MAX_EXTENSION_HEADERS = 16;

export const WALK_OK = 0;
/** The chain ran past the captured bytes. */
export const WALK_CUT = 1;
/** A non-first fragment: its upper-layer header is in another packet. */
export const WALK_LATER_FRAGMENT = 2;
/** A chain too long to be real. */
export const WALK_BAD = 3;

export const walked = {
  /** Upper-layer protocol number. */
  proto: 0,
  /** Offset of the upper-layer header. */
  offset: 0,
};

/** Walks from `o` (the first header after the fixed IPv6 header) with next header `next`, within `end`. */
export function walkExtensionHeaders(b: Uint8Array, o: number, end: number, next: number): number {
  for (let i = 0; i < MAX_EXTENSION_HEADERS; i++) {
    let len: number;
    if (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_DSTOPTS) {
      if (o + 2 > end) return WALK_CUT;
      len = (b[o + 1] + 1) * 8;
    } else if (next === IPPROTO_FRAGMENT) {
      if (o + 8 > end) return WALK_CUT;
      if ((readU16BE(b, o + 2) & IP6F_OFF_MASK) !== 0) return WALK_LATER_FRAGMENT;
      len = 8;
    } else if (next === IPPROTO_AH) {
      if (o + 2 > end) return WALK_CUT;
      len = (b[o + 1] + 2) * 4;
    } else {
      walked.proto = next;
      walked.offset = o;
      return WALK_OK;
    }
    next = b[o];
    o += len;
  }
  return WALK_BAD;
}
