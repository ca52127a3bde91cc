// nf_tables sets (nft_set_attributes in include/uapi/linux/netfilter/nf_tables.h). Sets are created by
// `nft -j` at setup; here we only read one back, to check its shape, learn its default timeout and whether its
// elements carry counters (NFTA_SET_EXPR / NFTA_SET_EXPRESSIONS naming `counter`).
import {
  NFTA_SET_FLAGS,
  NFTA_SET_KEY_LEN,
  NFTA_SET_KEY_TYPE,
  NFTA_SET_NAME,
  NFTA_SET_TABLE,
  NFTA_SET_TIMEOUT,
  NFT_MSG_GETSET,
  NFT_MSG_NEWSET,
  NLM_F_ACK,
  NLM_F_REQUEST,
} from '../constants.js';
import { attributeMap, readString, strAttr } from '../attributes.js';
import { ENOENT, isNetlinkError } from '../errors.js';
import { encodeMessage } from '../message.js';
import { nfgenmsg, nftType } from '../nfnetlink.js';
import type { NetlinkConnection } from '../connection.js';
import { setHasCounter } from './counter.js';

export interface SetInfo {
  table: string;
  name: string;
  /** NFT_SET_* flags. */
  flags: number;
  keyType: number;
  keyLen: number;
  /** Default element timeout in ms (undefined: none). */
  timeoutMs?: number;
  /** Declared with `counter`: every element added gets a counter of its own. */
  counter: boolean;
}

/** NFT_MSG_GETSET for one set; undefined when the table or set does not exist. */
export async function getSet(
  conn: NetlinkConnection,
  family: number,
  table: string,
  name: string,
): Promise<SetInfo | undefined> {
  const buf = encodeMessage(nftType(NFT_MSG_GETSET), NLM_F_REQUEST | NLM_F_ACK, 0, [
    nfgenmsg(family),
    strAttr(NFTA_SET_TABLE, table),
    strAttr(NFTA_SET_NAME, name),
  ]);
  try {
    const replies = await conn.request(buf);
    const msg = replies.find((m) => m.type === nftType(NFT_MSG_NEWSET));
    return msg && decodeSet(msg.payload);
  } catch (e) {
    if (isNetlinkError(e, ENOENT)) return undefined;
    throw e;
  }
}

/** A NEWSET message's payload (nfgenmsg, then the set's attributes). */
export function decodeSet(payload: Buffer): SetInfo {
  const a = attributeMap(payload, 4);
  const timeout = a.get(NFTA_SET_TIMEOUT);
  return {
    table: readString(a.get(NFTA_SET_TABLE) ?? Buffer.alloc(0)),
    name: readString(a.get(NFTA_SET_NAME) ?? Buffer.alloc(0)),
    flags: a.get(NFTA_SET_FLAGS)?.readUInt32BE(0) ?? 0,
    keyType: a.get(NFTA_SET_KEY_TYPE)?.readUInt32BE(0) ?? 0,
    keyLen: a.get(NFTA_SET_KEY_LEN)?.readUInt32BE(0) ?? 0,
    timeoutMs: timeout ? Number(timeout.readBigUInt64BE(0)) : undefined,
    counter: setHasCounter(a),
  };
}
