// The ruleset generation (NFT_MSG_GETGEN, nft_gen_attributes in include/uapi/linux/netfilter/nf_tables.h).
// A successful GETGEN is the cheapest proof that nf_tables is present and that we may talk to it.
import { NFTA_GEN_ID, NFT_MSG_GETGEN, NFT_MSG_NEWGEN, NFPROTO_UNSPEC, NLM_F_ACK, NLM_F_REQUEST } from '../constants.js';
import { attributeMap } from '../attributes.js';
import { encodeMessage } from '../message.js';
import { nfgenmsg, nftType } from '../nfnetlink.js';
import type { NetlinkConnection } from '../connection.js';

export async function getGen(conn: NetlinkConnection): Promise<number> {
  const buf = encodeMessage(nftType(NFT_MSG_GETGEN), NLM_F_REQUEST | NLM_F_ACK, 0, [nfgenmsg(NFPROTO_UNSPEC)]);
  const replies = await conn.request(buf);
  const msg = replies.find((m) => m.type === nftType(NFT_MSG_NEWGEN));
  const id = msg && attributeMap(msg.payload, 4).get(NFTA_GEN_ID);
  if (!id) throw new RangeError('NFT_MSG_NEWGEN reply without NFTA_GEN_ID');
  return id.readUInt32BE(0);
}
