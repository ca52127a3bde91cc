// The nf_tables counter expression as sets and their elements carry it (include/uapi/linux/netfilter/nf_tables.h:
// nft_expr_attributes, nft_counter_attributes). A set declared with `counter` has it in NFTA_SET_EXPR (or, among
// several expressions, NFTA_SET_EXPRESSIONS); the kernel gives each element added without expressions of its own a
// copy, and dumps it back in NFTA_SET_ELEM_EXPR (one expression) or NFTA_SET_ELEM_EXPRESSIONS (several). Read
// here in place, without an object per element, because the hash sets hold the bulk of a listing.
import {
  NFTA_COUNTER_BYTES,
  NFTA_COUNTER_PACKETS,
  NFTA_EXPR_DATA,
  NFTA_EXPR_NAME,
  NFTA_SET_ELEM_EXPR,
  NFTA_SET_ELEM_EXPRESSIONS,
  NFTA_SET_EXPR,
  NFTA_SET_EXPRESSIONS,
  NLA_HDRLEN,
  NLA_TYPE_MASK,
} from '../constants.js';

export interface CounterValues {
  packets: number;
  bytes: number;
}

/** "counter\0" as the two big-endian words an NFTA_EXPR_NAME payload holds: compared without a native call. */
const NAME_HI = 0x636f756e;
const NAME_LO = 0x74657200;

/** Start of the first attribute of `type` in buf[from, end), or -1. Malformed lengths end the search. */
function findAttribute(buf: Buffer, from: number, end: number, type: number): number {
  for (let at = from; at + NLA_HDRLEN <= end;) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) return -1;
    if ((buf.readUInt16LE(at + 2) & NLA_TYPE_MASK) === type) return at;
    at += (len + 3) & ~3;
  }
  return -1;
}

/** A big-endian u64 attribute's value (exact below 2^53), or -1 when the attribute is absent or short. */
function u64At(buf: Buffer, at: number): number {
  if (at < 0 || buf.readUInt16LE(at) < NLA_HDRLEN + 8) return -1;
  return buf.readUInt32BE(at + 4) * 0x1_0000_0000 + buf.readUInt32BE(at + 8);
}

/** True when buf[from, end), the body of an nft_expr_attributes nest, names the counter expression. */
function namesCounter(buf: Buffer, from: number, end: number): boolean {
  const name = findAttribute(buf, from, end, NFTA_EXPR_NAME);
  return (
    name >= 0 &&
    buf.readUInt16LE(name) === NLA_HDRLEN + 8 &&
    buf.readUInt32BE(name + 4) === NAME_HI &&
    buf.readUInt32BE(name + 8) === NAME_LO
  );
}

/** Into `out`, packets and bytes of a counter expression nest body buf[from, end); false for any other one. */
function counterIn(buf: Buffer, from: number, end: number, out: CounterValues): boolean {
  if (!namesCounter(buf, from, end)) return false;
  const data = findAttribute(buf, from, end, NFTA_EXPR_DATA);
  if (data < 0) return false;
  const body = data + NLA_HDRLEN;
  const dataEnd = data + buf.readUInt16LE(data);
  const packets = u64At(buf, findAttribute(buf, body, dataEnd, NFTA_COUNTER_PACKETS));
  const bytes = u64At(buf, findAttribute(buf, body, dataEnd, NFTA_COUNTER_BYTES));
  if (packets < 0 || bytes < 0) return false;
  out.packets = packets;
  out.bytes = bytes;
  return true;
}

/** The first counter among the expressions of a list nest body (nft_list_attributes, each an expression). */
function counterInList(buf: Buffer, from: number, end: number, out: CounterValues): boolean {
  for (let at = from; at + NLA_HDRLEN <= end;) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) return false;
    if (counterIn(buf, at + NLA_HDRLEN, at + len, out)) return true;
    at += (len + 3) & ~3;
  }
  return false;
}

/**
 * Into `out`, the counter of a set element attribute starting at buf[at]: NFTA_SET_ELEM_EXPR or
 * NFTA_SET_ELEM_EXPRESSIONS. False (out untouched) for any other attribute, or expressions without a counter.
 * The caller's `out` is reused from element to element: a 100k-element dump makes no object for it.
 */
export function readElementCounter(buf: Buffer, at: number, out: CounterValues): boolean {
  const type = buf.readUInt16LE(at + 2) & NLA_TYPE_MASK;
  const end = at + buf.readUInt16LE(at);
  if (type === NFTA_SET_ELEM_EXPR) return counterIn(buf, at + NLA_HDRLEN, end, out);
  if (type === NFTA_SET_ELEM_EXPRESSIONS) return counterInList(buf, at + NLA_HDRLEN, end, out);
  return false;
}

/** True when a set's attributes (a NEWSET reply's, after the nfgenmsg) declare a counter for its elements. */
export function setHasCounter(attrs: Map<number, Buffer>): boolean {
  const one = attrs.get(NFTA_SET_EXPR);
  if (one && namesCounter(one, 0, one.length)) return true;
  const list = attrs.get(NFTA_SET_EXPRESSIONS);
  if (!list) return false;
  for (let at = 0; at + NLA_HDRLEN <= list.length;) {
    const len = list.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > list.length) return false;
    if (namesCounter(list, at + NLA_HDRLEN, at + len)) return true;
    at += (len + 3) & ~3;
  }
  return false;
}
