// struct nlmsghdr framing (include/uapi/linux/netlink.h): encode one message, split a datagram into messages,
// and read NLMSG_ERROR replies. Header fields are host order (little-endian on every platform we ship for).
import { NLMSG_ERROR, NLMSG_HDRLEN } from './constants.js';
import { align4 } from './attributes.js';

export interface NetlinkMessage {
  type: number;
  flags: number;
  seq: number;
  portid: number;
  /** Bytes after the 16-byte header (family header + attributes). */
  payload: Buffer;
}

export function encodeMessage(type: number, flags: number, seq: number, parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const len = NLMSG_HDRLEN + body.length;
  const out = Buffer.alloc(align4(len));
  out.writeUInt32LE(len, 0);
  out.writeUInt16LE(type, 4);
  out.writeUInt16LE(flags, 6);
  out.writeUInt32LE(seq >>> 0, 8);
  out.writeUInt32LE(0, 12);
  out.set(body, NLMSG_HDRLEN);
  return out;
}

/** Splits one received datagram (or a concatenation of sent messages) into messages. */
export function parseMessages(buf: Buffer): NetlinkMessage[] {
  const out: NetlinkMessage[] = [];
  let pos = 0;
  while (pos + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(pos);
    if (len < NLMSG_HDRLEN || pos + len > buf.length) throw new RangeError(`malformed netlink message at ${pos}`);
    out.push({
      type: buf.readUInt16LE(pos + 4),
      flags: buf.readUInt16LE(pos + 6),
      seq: buf.readUInt32LE(pos + 8),
      portid: buf.readUInt32LE(pos + 12),
      payload: buf.subarray(pos + NLMSG_HDRLEN, pos + len),
    });
    pos += align4(len);
  }
  return out;
}

export interface ErrorReply {
  /** 0 for an ACK, else a positive errno. */
  errno: number;
  /** The header of the request it answers (payload is echoed too on failure, unused here). */
  requestType: number;
  requestSeq: number;
}

/** struct nlmsgerr: s32 error (-errno) then the original nlmsghdr. */
export function parseError(msg: NetlinkMessage): ErrorReply {
  if (msg.type !== NLMSG_ERROR || msg.payload.length < 4) throw new RangeError('not an NLMSG_ERROR message');
  const err = msg.payload.readInt32LE(0);
  const hasHeader = msg.payload.length >= 4 + NLMSG_HDRLEN;
  return {
    errno: -err,
    requestType: hasHeader ? msg.payload.readUInt16LE(8) : 0,
    requestSeq: hasHeader ? msg.payload.readUInt32LE(12) : msg.seq,
  };
}

/** An ACK or error reply, as the kernel would send it (used by the recording transport and tests). */
export function encodeErrorReply(errno: number, request: NetlinkMessage, echoPayload = errno !== 0): Buffer {
  const head = Buffer.alloc(4 + NLMSG_HDRLEN);
  head.writeInt32LE(-errno, 0);
  const reqLen = NLMSG_HDRLEN + request.payload.length;
  head.writeUInt32LE(reqLen, 4);
  head.writeUInt16LE(request.type, 8);
  head.writeUInt16LE(request.flags, 10);
  head.writeUInt32LE(request.seq, 12);
  head.writeUInt32LE(request.portid, 16);
  const parts = echoPayload ? [head, request.payload] : [head];
  const msg = encodeMessage(NLMSG_ERROR, echoPayload ? 0 : 0x100 /* NLM_F_CAPPED */, request.seq, parts);
  return msg;
}
