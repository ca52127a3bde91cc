// Ethernet II frames (LINKTYPE_ETHERNET): destination, source, EtherType, with any number of 802.1Q / 802.1ad
// (QinQ) tags in front of the real EtherType.
import type { Reassembler } from '../ip/reassembler.js';
import { SHORT, UNDECODED, type DecodeStatus } from '../status.js';
import type { Packet } from '../types.js';
import { decodeEthertype, ETH_P_8021AD, ETH_P_8021Q, ETH_P_QINQ1 } from './ethertype.js';

const ETH_HLEN = 14;
const VLAN_HLEN = 4;
/** Bounds the tag walk; two tags (QinQ) is the most seen in practice. */
const MAX_VLAN_TAGS = 8;

export function decodeEthernet(
  b: Uint8Array,
  o: number,
  caplen: number,
  out: Packet,
  reassembler: Reassembler | undefined,
): DecodeStatus {
  if (caplen < ETH_HLEN) return SHORT;
  const end = o + caplen;
  let type = (b[o + 12] << 8) | b[o + 13];
  let p = o + ETH_HLEN;
  for (let tags = 0; type === ETH_P_8021Q || type === ETH_P_8021AD || type === ETH_P_QINQ1; tags++) {
    if (tags === MAX_VLAN_TAGS) return UNDECODED;
    if (p + VLAN_HLEN > end) return SHORT;
    type = (b[p + 2] << 8) | b[p + 3];
    p += VLAN_HLEN;
  }
  return decodeEthertype(type, b, p, end, out, reassembler);
}
