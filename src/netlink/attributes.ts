// Netlink attribute (TLV) encoding and decoding. Headers (nla_len, nla_type) are host order as netlink requires;
// payload helpers are explicit about byte order because nf_tables wants big-endian integers and rtnetlink host order.
import { NLA_HDRLEN, NLA_TYPE_MASK, NLA_F_NESTED } from './constants.js';

export const align4 = (n: number): number => (n + 3) & ~3;

/** One encoded attribute: header + payload + padding, ready to concatenate. */
export function attr(type: number, payload: Uint8Array): Buffer {
  const len = NLA_HDRLEN + payload.length;
  const out = Buffer.alloc(align4(len));
  out.writeUInt16LE(len, 0);
  out.writeUInt16LE(type, 2);
  out.set(payload, NLA_HDRLEN);
  return out;
}

/** A nested attribute; NLA_F_NESTED is set as nft does. Throws when the nest outgrows the u16 nla_len. */
export function nested(type: number, children: Uint8Array[]): Buffer {
  const body = Buffer.concat(children);
  if (body.length + NLA_HDRLEN > 0xffff)
    throw new RangeError(`nested attribute of ${body.length} bytes exceeds nla_len`);
  return attr(type | NLA_F_NESTED, body);
}

export const strAttr = (type: number, value: string): Buffer => attr(type, Buffer.from(`${value}\0`, 'utf8'));
export const bytesAttr = (type: number, value: Uint8Array): Buffer => attr(type, value);

export function be32Attr(type: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0, 0);
  return attr(type, b);
}

export function be64Attr(type: number, value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(value, 0);
  return attr(type, b);
}

/** Host-order u32, for rtnetlink attributes such as RTA_TABLE and RTA_PRIORITY. */
export function u32Attr(type: number, value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0, 0);
  return attr(type, b);
}

export interface Attribute {
  /** Type with NLA_F_NESTED / NLA_F_NET_BYTEORDER masked off (the kernel does not always set them in replies). */
  type: number;
  data: Buffer;
}

/** Splits a run of attributes; a truncated trailing attribute is an error, not silently dropped. */
export function parseAttributes(buf: Buffer, offset = 0, end = buf.length): Attribute[] {
  const out: Attribute[] = [];
  let pos = offset;
  while (pos + NLA_HDRLEN <= end) {
    const len = buf.readUInt16LE(pos);
    const type = buf.readUInt16LE(pos + 2) & NLA_TYPE_MASK;
    if (len < NLA_HDRLEN || pos + len > end) throw new RangeError(`malformed attribute at offset ${pos}`);
    out.push({ type, data: buf.subarray(pos + NLA_HDRLEN, pos + len) });
    pos += align4(len);
  }
  return out;
}

/** First attribute of each type (later duplicates ignored), for struct-like attribute sets. */
export function attributeMap(buf: Buffer, offset = 0, end = buf.length): Map<number, Buffer> {
  const map = new Map<number, Buffer>();
  for (const a of parseAttributes(buf, offset, end)) if (!map.has(a.type)) map.set(a.type, a.data);
  return map;
}

export const readString = (data: Buffer): string => {
  const nul = data.indexOf(0);
  return data.toString('utf8', 0, nul < 0 ? data.length : nul);
};
