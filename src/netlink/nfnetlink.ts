// nfnetlink framing (include/uapi/linux/netfilter/nfnetlink.h): struct nfgenmsg, and transactional batches
// BATCH_BEGIN … messages … BATCH_END sent in one datagram. A batch commits all or nothing; its last message asks
// for an ACK, which the kernel sends after any refusal, so success is proven rather than assumed from silence.
import {
  NFNETLINK_V0,
  NFNL_BATCH_GENID,
  NFNL_MSG_BATCH_BEGIN,
  NFNL_MSG_BATCH_END,
  NFNL_SUBSYS_NFTABLES,
  NLM_F_ACK,
  NLM_F_REQUEST,
  NFPROTO_UNSPEC,
  NLMSG_HDRLEN,
} from './constants.js';
import { align4, be32Attr } from './attributes.js';
import { NetlinkError } from './errors.js';
import type { NetlinkConnection, OutgoingMessage } from './connection.js';

/** struct nfgenmsg: u8 nfgen_family, u8 version, be16 res_id. */
export function nfgenmsg(family: number, resId = 0): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt8(family, 0);
  b.writeUInt8(NFNETLINK_V0, 1);
  b.writeUInt16BE(resId, 2);
  return b;
}

export const nftType = (op: number): number => (NFNL_SUBSYS_NFTABLES << 8) | op;

/** One nf_tables message body before framing: full nlmsg_type, extra flags, table family, attributes. */
export interface NftMessage {
  type: number;
  flags: number;
  family: number;
  attrs: Buffer[];
}

/** Encoded size of a message once framed (header + nfgenmsg + attributes). */
export const messageSize = (m: NftMessage): number => 16 + 4 + m.attrs.reduce((n, a) => n + a.length, 0);

/** Size of the BATCH_BEGIN + BATCH_END pair around a batch (with a genid attribute when given). */
export const BATCH_OVERHEAD = 20 + 28;

export interface BatchOptions {
  /** NFNL_BATCH_GENID: the kernel refuses the batch with ERESTART if the ruleset generation moved on. */
  genid?: number;
}

/**
 * The batch as one datagram in one Buffer (each message a view into it). Only the last inner message asks for an
 * ACK, as nft does: the kernel answers every refused message anyway, and processes the whole batch before it
 * answers at all, so that one ACK arrives after every refusal. Success is still proven, not assumed from silence.
 */
export function encodeBatch(messages: NftMessage[], opts: BatchOptions = {}): OutgoingMessage[] {
  return encodeBatchDatagram(messages, opts).out;
}

/** The batch's messages (seq 0: the connection stamps them as it sends) and the one datagram they are views into. */
function encodeBatchDatagram(messages: NftMessage[], opts: BatchOptions): { out: OutgoingMessage[]; datagram: Buffer } {
  const beginAttrs = opts.genid === undefined ? [] : [be32Attr(NFNL_BATCH_GENID, opts.genid)];
  let size = 2 * (NLMSG_HDRLEN + 4) + beginAttrs.reduce((n, a) => n + a.length, 0);
  for (const m of messages) size += align4(messageSize(m));
  const buf = Buffer.allocUnsafe(size);
  const out: OutgoingMessage[] = [];
  let pos = 0;
  const put = (type: number, flags: number, family: number, resId: number, attrs: Buffer[], last?: boolean) => {
    const start = pos;
    buf.writeUInt16LE(type, pos + 4);
    buf.writeUInt16LE(flags | (last ? NLM_F_ACK : 0), pos + 6);
    buf.writeUInt32LE(0, pos + 8);
    buf.writeUInt32LE(0, pos + 12);
    buf[pos + 16] = family;
    buf[pos + 17] = NFNETLINK_V0;
    buf.writeUInt16BE(resId, pos + 18);
    pos += NLMSG_HDRLEN + 4;
    for (const a of attrs) {
      buf.set(a, pos);
      pos += a.length;
    }
    buf.writeUInt32LE(pos - start, start);
    while (pos & 3) buf[pos++] = 0;
    const message: OutgoingMessage = { type, buf: buf.subarray(start, pos), acked: last === true };
    if (last === false) message.inBatch = true;
    out.push(message);
  };
  put(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES, beginAttrs);
  messages.forEach((m, i) => put(m.type, NLM_F_REQUEST | m.flags, m.family, 0, m.attrs, i === messages.length - 1));
  put(NFNL_MSG_BATCH_END, NLM_F_REQUEST, NFPROTO_UNSPEC, NFNL_SUBSYS_NFTABLES, []);
  return { out, datagram: buf };
}

/** A refused batch: nothing in it was committed. `index` is the first refused inner message (-1: the batch itself). */
export class BatchError extends NetlinkError {
  readonly index: number;
  constructor(errno: number, messageType: number, seq: number, index: number) {
    super(errno, index < 0 ? 'nfnetlink batch' : `nfnetlink batch message ${index}`, messageType, seq);
    this.name = 'BatchError';
    this.index = index;
  }
}

/** Sends one batch and resolves when every message was ACKed; throws BatchError otherwise. */
export async function sendBatch(
  conn: NetlinkConnection,
  messages: NftMessage[],
  opts: BatchOptions = {},
): Promise<void> {
  if (messages.length === 0) return;
  const { out, datagram } = encodeBatchDatagram(messages, opts);
  const { seqs, errnos, refused } = await conn.exchange(out, datagram);
  if (refused) throw new BatchError(refused.errno, refused.type, refused.seq, -1);
  for (let i = 1; i < out.length - 1; i++) {
    const errno = errnos[i] ?? 0;
    if (errno !== 0) throw new BatchError(errno, out[i].type, seqs[i], i - 1);
  }
}

/** Groups messages into batches whose datagram fits `maxBytes`, preserving order. */
export function splitBatches(messages: NftMessage[], maxBytes: number): NftMessage[][] {
  const batches: NftMessage[][] = [];
  let current: NftMessage[] = [];
  let size = BATCH_OVERHEAD;
  for (const m of messages) {
    const s = messageSize(m);
    if (current.length > 0 && size + s > maxBytes) {
      batches.push(current);
      current = [];
      size = BATCH_OVERHEAD;
    }
    current.push(m);
    size += s;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
