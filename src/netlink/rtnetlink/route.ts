// rtnetlink routes (include/uapi/linux/rtnetlink.h: struct rtmsg, RTM_*ROUTE, RTA_*). Only what a blackhole ban
// needs: add/delete a blackhole route for a prefix under our own rtm_protocol, and dump routes to find ours.
// rtnetlink has no transactions: several requests share one datagram, each ACKed on its own.
import {
  AF_INET,
  AF_INET6,
  NLM_F_ACK,
  NLM_F_CREATE,
  NLM_F_DUMP,
  NLM_F_EXCL,
  NLM_F_REQUEST,
  RTA_DST,
  RTA_TABLE,
  RTM_DELROUTE,
  RTM_GETROUTE,
  RTM_NEWROUTE,
  RTN_BLACKHOLE,
  RT_SCOPE_UNIVERSE,
  RT_TABLE_MAIN,
} from '../constants.js';
import { attr, attributeMap, u32Attr } from '../attributes.js';
import { encodeMessage, type NetlinkMessage } from '../message.js';
import type { NetlinkConnection, OutgoingMessage } from '../connection.js';

export interface RouteSpec {
  family: typeof AF_INET | typeof AF_INET6;
  /** Destination network bytes (4 or 16). */
  dst: Uint8Array;
  dstLen: number;
  protocol: number;
  type?: number;
  table?: number;
}

export interface RouteInfo extends RouteSpec {
  type: number;
  table: number;
}

/** struct rtmsg (12 bytes). */
function rtmsg(r: RouteSpec, forDump = false): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(r.family, 0);
  b.writeUInt8(forDump ? 0 : r.dstLen, 1);
  b.writeUInt8(0, 2); // rtm_src_len
  b.writeUInt8(0, 3); // rtm_tos
  b.writeUInt8(forDump ? 0 : Math.min(r.table ?? RT_TABLE_MAIN, 255), 4);
  b.writeUInt8(forDump ? 0 : r.protocol, 5);
  b.writeUInt8(RT_SCOPE_UNIVERSE, 6);
  b.writeUInt8(forDump ? 0 : (r.type ?? RTN_BLACKHOLE), 7);
  b.writeUInt32LE(0, 8); // rtm_flags
  return b;
}

function routeAttrs(r: RouteSpec): Buffer[] {
  const attrs = [u32Attr(RTA_TABLE, r.table ?? RT_TABLE_MAIN)];
  if (r.dstLen > 0) attrs.unshift(attr(RTA_DST, r.dst));
  return attrs;
}

/** RTM_NEWROUTE with NLM_F_EXCL: never replaces a route someone else owns (EEXIST instead). */
export function newRoute(r: RouteSpec): OutgoingMessage {
  const flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  return { type: RTM_NEWROUTE, acked: true, buf: encodeMessage(RTM_NEWROUTE, flags, 0, [rtmsg(r), ...routeAttrs(r)]) };
}

/** RTM_DELROUTE: the kernel only deletes a route whose rtm_protocol matches, so others' routes are safe. */
export function delRoute(r: RouteSpec): OutgoingMessage {
  const flags = NLM_F_REQUEST | NLM_F_ACK;
  return { type: RTM_DELROUTE, acked: true, buf: encodeMessage(RTM_DELROUTE, flags, 0, [rtmsg(r), ...routeAttrs(r)]) };
}

export function decodeRoute(msg: NetlinkMessage): RouteInfo | undefined {
  if (msg.type !== RTM_NEWROUTE || msg.payload.length < 12) return undefined;
  const p = msg.payload;
  const family = p.readUInt8(0);
  if (family !== AF_INET && family !== AF_INET6) return undefined;
  const a = attributeMap(p, 12);
  const size = family === AF_INET ? 4 : 16;
  const dst = Buffer.alloc(size);
  a.get(RTA_DST)?.copy(dst);
  return {
    family,
    dstLen: p.readUInt8(1),
    dst,
    table: a.get(RTA_TABLE)?.readUInt32LE(0) ?? p.readUInt8(4),
    protocol: p.readUInt8(5),
    type: p.readUInt8(7),
  };
}

/** RTM_GETROUTE dump of one family (all tables). */
export async function getRoutes(
  conn: NetlinkConnection,
  family: typeof AF_INET | typeof AF_INET6,
): Promise<RouteInfo[]> {
  const buf = encodeMessage(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 0, [
    rtmsg({ family, dst: new Uint8Array(0), dstLen: 0, protocol: 0 }, true),
  ]);
  const { messages } = await conn.dump(buf);
  return messages.map(decodeRoute).filter((r): r is RouteInfo => r !== undefined);
}
