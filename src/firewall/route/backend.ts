// The route BanSet: one blackhole route per ban (RTN_BLACKHOLE in the main table), tagged with
// RTPROT_PORTSENTINEL so listing and removal only ever see our own routes. Routes cannot expire: timeouts are
// ignored here and expiry is applied by the caller from the ban journal.
import { checkTimeoutCount, type BanSet, type BanSetStatus, type BanTimeouts, type KernelBan } from '../banset.js';
import type { TargetList } from '../../net/targets.js';
import { OperationError } from '../../errors.js';
import { formatPrefix } from '../../net/address.js';
import { NetlinkConnection, type OutgoingMessage } from '../../netlink/connection.js';
import { AF_INET, AF_INET6, NETLINK_ROUTE, RTN_BLACKHOLE, RTPROT_PORTSENTINEL } from '../../netlink/constants.js';
import { EEXIST, ENOENT } from '../../netlink/errors.js';
import { toPortsentinelError } from '../netlink-failure.js';
import { delRoute, getRoutes, newRoute, type RouteSpec } from '../../netlink/rtnetlink/route.js';
import { SocketTransport, type NetlinkTransport } from '../../netlink/transport.js';
import { NetlinkError } from '../../netlink/errors.js';
import { prefixOf } from '../../net/targets.js';
import { targetOf } from '../targets.js';
import { constants } from 'node:os';

const ESRCH = constants.errno.ESRCH;

export interface RouteOptions {
  transport?: NetlinkTransport;
  /** rtm_protocol to tag routes with (tests only). */
  protocol?: number;
}

export class RouteBanSet implements BanSet {
  readonly kind = 'route' as const;
  private readonly conn: NetlinkConnection;
  private readonly protocol: number;

  constructor(opts: RouteOptions = {}) {
    this.conn = new NetlinkConnection(opts.transport ?? new SocketTransport(NETLINK_ROUTE));
    this.protocol = opts.protocol ?? RTPROT_PORTSENTINEL;
  }

  private spec(target: string): RouteSpec & { text: string } {
    const t = targetOf(target);
    const { bytes, length } = prefixOf(t);
    return {
      text: t.target,
      family: t.family === 4 ? AF_INET : AF_INET6,
      dst: bytes,
      dstLen: length,
      protocol: this.protocol,
      type: RTN_BLACKHOLE,
    };
  }

  private async guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toPortsentinelError(e, what);
    }
  }

  /** Sends requests many per datagram (each ACKed separately); returns errno per request, in order. */
  private async sendMany(messages: OutgoingMessage[]): Promise<number[]> {
    const errnos: number[] = [];
    let start = 0;
    while (start < messages.length) {
      let size = 0;
      let end = start;
      while (end < messages.length && (end === start || size + messages[end].buf.length <= this.conn.maxSendBytes)) {
        size += messages[end].buf.length;
        end++;
      }
      const chunk = messages.slice(start, end);
      const r = await this.conn.exchange(chunk);
      for (const e of r.errnos) errnos.push(e ?? 0);
      start = end;
    }
    return errnos;
  }

  async setup(): Promise<void> {
    // Nothing to create; reading our routes proves rtnetlink answers.
    await this.list();
  }

  async teardown(): Promise<void> {
    await this.remove((await this.list()).map((b) => b.target));
  }

  async status(): Promise<BanSetStatus> {
    await this.list();
    return { kind: this.kind, ready: true, problems: [] };
  }

  async add(list: TargetList, timeouts: BanTimeouts): Promise<void> {
    checkTimeoutCount(list, timeouts);
    const specs = list.texts().map((t) => this.spec(t));
    await this.guard('Adding blackhole routes', async () => {
      const errnos = await this.sendMany(specs.map((s) => newRoute(s)));
      const failed = errnos.findIndex((e) => e !== 0 && e !== EEXIST);
      if (failed >= 0) throw new NetlinkError(errnos[failed], `blackhole route for ${specs[failed].text}`);
      // EEXIST is a ban already in place only when the route there is ours: someone else's route for the same
      // destination (a host route, say) would leave the address reachable while we reported it banned.
      const existing = specs.filter((_, i) => errnos[i] === EEXIST);
      if (existing.length > 0) {
        const ours = new Set((await this.list()).map((b) => b.target));
        const foreign = existing.find((sp) => !ours.has(sp.text));
        if (foreign) {
          throw new OperationError(
            `a route for ${foreign.text} already exists and is not portsentinel's (see \`ip route show ${foreign.text}\`); remove it, or ban with the nftables backend`,
            'E_ROUTE_FOREIGN',
          );
        }
      }
    });
  }

  async remove(targets: string[]): Promise<string[]> {
    const specs = [...new Map(targets.map((t) => this.spec(t)).map((s) => [s.text, s])).values()];
    return this.guard('Removing blackhole routes', async () => {
      const errnos = await this.sendMany(specs.map((s) => delRoute(s)));
      const removed: string[] = [];
      errnos.forEach((e, i) => {
        if (e === 0) removed.push(specs[i].text);
        else if (e !== ESRCH && e !== ENOENT) throw new NetlinkError(e, `blackhole route for ${specs[i].text}`);
      });
      return removed;
    });
  }

  async list(): Promise<KernelBan[]> {
    return this.guard('Listing blackhole routes', async () => {
      const out: KernelBan[] = [];
      for (const family of [AF_INET, AF_INET6] as const) {
        for (const r of await getRoutes(this.conn, family)) {
          if (r.protocol !== this.protocol || r.type !== RTN_BLACKHOLE) continue;
          const fam = family === AF_INET ? 4 : 6;
          out.push({ target: formatPrefix({ family: fam, bytes: r.dst, length: r.dstLen }), family: fam });
        }
      }
      return out;
    });
  }

  async has(target: string): Promise<boolean> {
    const text = this.spec(target).text;
    return (await this.list()).some((b) => b.target === text);
  }

  async close(): Promise<void> {
    this.conn.close();
  }
}
