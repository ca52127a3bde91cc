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

const COUNTER_NAME = Buffer.from('counter\0', 'latin1');

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
  if (name < 0 || buf.readUInt16LE(name) !== NLA_HDRLEN + COUNTER_NAME.length) return false;
  return buf.compare(COUNTER_NAME, 0, COUNTER_NAME.length, name + NLA_HDRLEN, name + buf.readUInt16LE(name)) === 0;
}

/** Packets and bytes of a counter expression nest body buf[from, end); undefined for any other expression. */
function counterIn(buf: Buffer, from: number, end: number): CounterValues | undefined {
  if (!namesCounter(buf, from, end)) return undefined;
  const data = findAttribute(buf, from, end, NFTA_EXPR_DATA);
  if (data < 0) return undefined;
  const body = data + NLA_HDRLEN;
  const dataEnd = data + buf.readUInt16LE(data);
  const packets = u64At(buf, findAttribute(buf, body, dataEnd, NFTA_COUNTER_PACKETS));
  const bytes = u64At(buf, findAttribute(buf, body, dataEnd, NFTA_COUNTER_BYTES));
  return packets < 0 || bytes < 0 ? undefined : { packets, bytes };
}

/** The first counter among the expressions of a list nest body (nft_list_attributes, each an expression). */
function counterInList(buf: Buffer, from: number, end: number): CounterValues | undefined {
  for (let at = from; at + NLA_HDRLEN <= end;) {
    const len = buf.readUInt16LE(at);
    if (len < NLA_HDRLEN || at + len > end) return undefined;
    const c = counterIn(buf, at + NLA_HDRLEN, at + len);
    if (c) return c;
    at += (len + 3) & ~3;
  }
  return undefined;
}

/**
 * The counter of a set element attribute starting at buf[at]: NFTA_SET_ELEM_EXPR or NFTA_SET_ELEM_EXPRESSIONS.
 * Undefined for any other attribute, or when the element's expressions hold no counter.
 */
export function elementCounter(buf: Buffer, at: number): CounterValues | undefined {
  const type = buf.readUInt16LE(at + 2) & NLA_TYPE_MASK;
  const end = at + buf.readUInt16LE(at);
  if (type === NFTA_SET_ELEM_EXPR) return counterIn(buf, at + NLA_HDRLEN, end);
  if (type === NFTA_SET_ELEM_EXPRESSIONS) return counterInList(buf, at + NLA_HDRLEN, end);
  return undefined;
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
