// nfnetlink_log (include/uapi/linux/netfilter/nfnetlink_log.h): its config messages, framed with the shared
// netlink encoder, and the packet path, which walks attributes in place without allocating (a general attribute
// parser makes an object per attribute). Netlink headers are host order (little-endian on every platform we ship
// for); nfnetlink_log payloads are big-endian. Pure: no I/O.
import { attr, align4 } from '../netlink/attributes.js';
import { NLM_F_ACK, NLM_F_REQUEST, NLMSG_ERROR, NLMSG_HDRLEN } from '../netlink/constants.js';
import { encodeMessage } from '../netlink/message.js';
import { nfgenmsg } from '../netlink/nfnetlink.js';

const NFNL_SUBSYS_ULOG = 4;
export const NFULNL_MSG_PACKET = (NFNL_SUBSYS_ULOG << 8) | 0;
export const NFULNL_MSG_CONFIG = (NFNL_SUBSYS_ULOG << 8) | 1;
const NFGENMSG_LEN = 4;
const AF_UNSPEC = 0;

// enum nfulnl_attr_config
const NFULA_CFG_CMD = 1;
const NFULA_CFG_MODE = 2;
const NFULA_CFG_TIMEOUT = 4;
const NFULA_CFG_QTHRESH = 5;
// enum nfulnl_msg_config_cmds
export const NFULNL_CFG_CMD_BIND = 1;
export const NFULNL_CFG_CMD_UNBIND = 2;
const NFULNL_COPY_PACKET = 2;

// enum nfulnl_attr_type
const NFULA_TIMESTAMP = 3;
const NFULA_IFINDEX_INDEV = 4;
const NFULA_PAYLOAD = 9;

/** A config request (ACK asked for) to `group`: nfgenmsg AF_UNSPEC with res_id = group, then the attributes. */
function message(type: number, seq: number, group: number, attrs: Buffer[]): Buffer {
  return encodeMessage(type, NLM_F_REQUEST | NLM_F_ACK, seq, [nfgenmsg(AF_UNSPEC, group), ...attrs]);
}

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

/** NFULA_CFG_CMD: bind or unbind this socket to `group`. */
export function encodeCommand(seq: number, group: number, cmd: number): Buffer {
  return message(NFULNL_MSG_CONFIG, seq, group, [attr(NFULA_CFG_CMD, Buffer.from([cmd]))]);
}

/**
 * Copy mode COPY_PACKET with `copyRange` bytes (headers only: the detector needs IP + transport headers), queue
 * threshold 1 and flush timeout 0 so every packet is delivered at once instead of batched (batching is what adds
 * the milliseconds).
 */
export function encodeMode(seq: number, group: number, copyRange: number): Buffer {
  const mode = Buffer.alloc(6);
  mode.writeUInt32BE(copyRange, 0);
  mode[4] = NFULNL_COPY_PACKET;
  return message(NFULNL_MSG_CONFIG, seq, group, [
    attr(NFULA_CFG_MODE, mode),
    attr(NFULA_CFG_QTHRESH, be32(1)),
    attr(NFULA_CFG_TIMEOUT, be32(0)),
  ]);
}

/** A logged packet, as views into the received datagram (valid only during the callback). */
export interface NflogPacket {
  /** AF_INET (2) or AF_INET6 (10). */
  family: number;
  group: number;
  buf: Buffer;
  payloadOffset: number;
  payloadLength: number;
  /** Kernel timestamp in µs since the epoch, or -1 when the kernel did not stamp the packet. */
  tsMicros: number;
  inIfindex: number;
}

export interface AckReply {
  seq: number;
  /** 0 = ACK, else a positive errno. */
  errno: number;
}

/**
 * Walks one received datagram: logged packets go to `onPacket` (one reused record), NLMSG_ERROR replies to `onAck`.
 * Returns the number of messages that could not be parsed (counted by the caller, never thrown on a hot path).
 */
export function parseDatagram(
  buf: Buffer,
  onPacket: (p: NflogPacket) => void,
  onAck: (a: AckReply) => void,
  rec: NflogPacket = { family: 0, group: 0, buf, payloadOffset: 0, payloadLength: 0, tsMicros: -1, inIfindex: 0 },
): number {
  let bad = 0;
  let pos = 0;
  while (pos + NLMSG_HDRLEN <= buf.length) {
    const len = buf.readUInt32LE(pos);
    if (len < NLMSG_HDRLEN || pos + len > buf.length) return bad + 1;
    const type = buf.readUInt16LE(pos + 4);
    if (type === NLMSG_ERROR && len >= NLMSG_HDRLEN + 4 + NLMSG_HDRLEN) {
      const err = buf.readInt32LE(pos + NLMSG_HDRLEN);
      onAck({ seq: buf.readUInt32LE(pos + NLMSG_HDRLEN + 4 + 8), errno: -err });
    } else if (type === NFULNL_MSG_PACKET && len >= NLMSG_HDRLEN + NFGENMSG_LEN) {
      if (readPacket(buf, pos, pos + len, rec)) onPacket(rec);
      else bad++;
    }
    pos += align4(len);
  }
  return bad;
}

function readPacket(buf: Buffer, start: number, end: number, rec: NflogPacket): boolean {
  const g = start + NLMSG_HDRLEN;
  rec.buf = buf;
  rec.family = buf[g];
  rec.group = buf.readUInt16BE(g + 2);
  rec.payloadOffset = -1;
  rec.payloadLength = 0;
  rec.tsMicros = -1;
  rec.inIfindex = 0;
  let a = g + NFGENMSG_LEN;
  while (a + 4 <= end) {
    const alen = buf.readUInt16LE(a);
    if (alen < 4 || a + alen > end) return false;
    const type = buf.readUInt16LE(a + 2) & 0x3fff;
    const d = a + 4;
    if (type === NFULA_PAYLOAD) {
      rec.payloadOffset = d;
      rec.payloadLength = alen - 4;
    } else if (type === NFULA_TIMESTAMP && alen >= 20) {
      // struct nfulnl_msg_packet_timestamp { __aligned_be64 sec; __aligned_be64 usec; }
      rec.tsMicros = Number(buf.readBigUInt64BE(d)) * 1e6 + Number(buf.readBigUInt64BE(d + 8));
    } else if (type === NFULA_IFINDEX_INDEV && alen >= 8) {
      rec.inIfindex = buf.readUInt32BE(d);
    }
    a += align4(alen);
  }
  return rec.payloadOffset >= 0;
}
