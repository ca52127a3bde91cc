// Kernel constants, named exactly as in the uapi headers they come from, so they can be grepped against the source.
// Only the values portsentinel sends or reads are listed.

// include/uapi/linux/netlink.h
export const NETLINK_ROUTE = 0;
export const NETLINK_NETFILTER = 12;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
export const NLM_F_ACK = 0x4;
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_ROOT = 0x100;
export const NLM_F_MATCH = 0x200;
export const NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
export const NLM_F_REPLACE = 0x100;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const NLMSG_HDRLEN = 16;
export const NLA_HDRLEN = 4;
export const NLA_F_NESTED = 0x8000;
export const NLA_F_NET_BYTEORDER = 0x4000;
export const NLA_TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

// include/uapi/linux/netfilter/nfnetlink.h
export const NFNETLINK_V0 = 0;
export const NFNL_SUBSYS_NFTABLES = 10;
export const NFNL_MSG_BATCH_BEGIN = 0x10; // NLMSG_MIN_TYPE
export const NFNL_MSG_BATCH_END = 0x11;
export const NFNL_BATCH_GENID = 1;

// include/uapi/linux/netfilter.h
export const NFPROTO_UNSPEC = 0;
export const NFPROTO_INET = 1;
export const NFPROTO_IPV4 = 2;
export const NFPROTO_IPV6 = 10;

// include/uapi/linux/netfilter/nf_tables.h — enum nf_tables_msg_types
export const NFT_MSG_NEWTABLE = 0;
export const NFT_MSG_GETTABLE = 1;
export const NFT_MSG_DELTABLE = 2;
export const NFT_MSG_NEWCHAIN = 3;
export const NFT_MSG_DELCHAIN = 5;
export const NFT_MSG_NEWRULE = 6;
export const NFT_MSG_DELRULE = 8;
export const NFT_MSG_NEWSET = 9;
export const NFT_MSG_GETSET = 10;
export const NFT_MSG_DELSET = 11;
export const NFT_MSG_NEWSETELEM = 12;
export const NFT_MSG_GETSETELEM = 13;
export const NFT_MSG_DELSETELEM = 14;
export const NFT_MSG_NEWGEN = 15;
export const NFT_MSG_GETGEN = 16;
export const NFT_MSG_DESTROYTABLE = 26;
export const NFT_MSG_DESTROYSETELEM = 30;

// enum nft_table_attributes
export const NFTA_TABLE_NAME = 1;
// enum nft_set_attributes
export const NFTA_SET_TABLE = 1;
export const NFTA_SET_NAME = 2;
export const NFTA_SET_FLAGS = 3;
export const NFTA_SET_KEY_TYPE = 4;
export const NFTA_SET_KEY_LEN = 5;
export const NFTA_SET_TIMEOUT = 11;
export const NFTA_SET_EXPR = 17;
export const NFTA_SET_EXPRESSIONS = 18;
// enum nft_set_flags
export const NFT_SET_ANONYMOUS = 0x1;
export const NFT_SET_CONSTANT = 0x2;
export const NFT_SET_INTERVAL = 0x4;
export const NFT_SET_MAP = 0x8;
export const NFT_SET_TIMEOUT = 0x10;
export const NFT_SET_EVAL = 0x20;
// enum nft_set_elem_list_attributes
export const NFTA_SET_ELEM_LIST_TABLE = 1;
export const NFTA_SET_ELEM_LIST_SET = 2;
export const NFTA_SET_ELEM_LIST_ELEMENTS = 3;
export const NFTA_SET_ELEM_LIST_SET_ID = 4;
// enum nft_list_attributes
export const NFTA_LIST_ELEM = 1;
// enum nft_set_elem_attributes
export const NFTA_SET_ELEM_KEY = 1;
export const NFTA_SET_ELEM_DATA = 2;
export const NFTA_SET_ELEM_FLAGS = 3;
export const NFTA_SET_ELEM_TIMEOUT = 4;
export const NFTA_SET_ELEM_EXPIRATION = 5;
export const NFTA_SET_ELEM_USERDATA = 6;
export const NFTA_SET_ELEM_EXPR = 7;
export const NFTA_SET_ELEM_PAD = 8;
export const NFTA_SET_ELEM_EXPRESSIONS = 11;
// enum nft_set_elem_flags
export const NFT_SET_ELEM_INTERVAL_END = 0x1;
// enum nft_data_attributes
export const NFTA_DATA_VALUE = 1;
// enum nft_expr_attributes
export const NFTA_EXPR_NAME = 1;
export const NFTA_EXPR_DATA = 2;
// enum nft_counter_attributes
export const NFTA_COUNTER_BYTES = 1;
export const NFTA_COUNTER_PACKETS = 2;
// enum nft_gen_attributes
export const NFTA_GEN_ID = 1;

// include/uapi/linux/rtnetlink.h
export const RTM_NEWROUTE = 24;
export const RTM_DELROUTE = 25;
export const RTM_GETROUTE = 26;
export const RTN_UNICAST = 1;
export const RTN_BLACKHOLE = 6;
export const RT_TABLE_MAIN = 254;
export const RT_SCOPE_UNIVERSE = 0;
export const RTA_DST = 1;
export const RTA_PRIORITY = 6;
export const RTA_TABLE = 15;
/**
 * Our own rtm_protocol value. rtnetlink.h reserves 0..4 for the kernel and names routing daemons up to 99
 * (/etc/iproute2/rt_protos); 0x99 = 153 is unassigned, so `ip route show proto 153` lists exactly our routes
 * and nothing else is ever matched by listing or removal.
 */
export const RTPROT_PORTSENTINEL = 0x99;

// include/uapi/linux/socket.h
export const AF_INET = 2;
export const AF_INET6 = 10;

// include/uapi/linux/netfilter/nfnetlink.h — enum nfnetlink_groups: nf_tables change notifications (`nft monitor`).
export const NFNLGRP_NFTABLES = 7;
