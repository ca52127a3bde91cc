// nf_tables tables (nft_table_attributes in include/uapi/linux/netfilter/nf_tables.h): existence check and
// removal of exactly one named table, which is all teardown needs.
import {
  NFTA_TABLE_NAME,
  NFT_MSG_DELTABLE,
  NFT_MSG_DESTROYTABLE,
  NFT_MSG_GETTABLE,
  NLM_F_ACK,
  NLM_F_REQUEST,
} from '../constants.js';
import { strAttr } from '../attributes.js';
import { ENOENT, isNetlinkError } from '../errors.js';
import { encodeMessage } from '../message.js';
import { nfgenmsg, nftType, type NftMessage } from '../nfnetlink.js';
import type { NetlinkConnection } from '../connection.js';

export function deleteTable(family: number, name: string): NftMessage {
  return { type: nftType(NFT_MSG_DELTABLE), flags: 0, family, attrs: [strAttr(NFTA_TABLE_NAME, name)] };
}

/** NFT_MSG_DESTROYTABLE (kernel >= 6.3): no error when the table is already gone. */
export function destroyTable(family: number, name: string): NftMessage {
  return { type: nftType(NFT_MSG_DESTROYTABLE), flags: 0, family, attrs: [strAttr(NFTA_TABLE_NAME, name)] };
}

export async function hasTable(conn: NetlinkConnection, family: number, name: string): Promise<boolean> {
  const buf = encodeMessage(nftType(NFT_MSG_GETTABLE), NLM_F_REQUEST | NLM_F_ACK, 0, [
    nfgenmsg(family),
    strAttr(NFTA_TABLE_NAME, name),
  ]);
  try {
    await conn.request(buf);
    return true;
  } catch (e) {
    if (isNetlinkError(e, ENOENT)) return false;
    throw e;
  }
}
