// "Is this packet addressed to us?": the detector counts only probes to the host's own addresses, so broadcast and
// multicast chatter (DHCP, NetBIOS, mDNS) never trips a wire. Addresses come from the interfaces of our network
// namespace; a miss re-reads them (throttled) so an address added after start is picked up.
import { networkInterfaces } from 'node:os';
import { formatAddress, parseAddress } from '../net/address.js';
import type { Packet } from '../packet/types.js';

const REREAD_MS = 5000;

export class OwnAddresses {
  private v4 = new Set<number>();
  private v6 = new Set<string>();
  private readAt = -Infinity;

  constructor(private readonly now: () => number = () => performance.now()) {
    this.refresh();
  }

  refresh(): void {
    const v4 = new Set<number>();
    const v6 = new Set<string>();
    for (const infos of Object.values(networkInterfaces())) {
      for (const info of infos ?? []) {
        const a = parseAddress(info.address.split('%')[0]);
        if (!a) continue;
        if (a.family === 4) v4.add(((a.bytes[0] << 24) | (a.bytes[1] << 16) | (a.bytes[2] << 8) | a.bytes[3]) >>> 0);
        else v6.add(formatAddress(6, a.bytes));
      }
    }
    this.v4 = v4;
    this.v6 = v6;
    this.readAt = this.now();
  }

  readonly isProtected = (p: Packet): boolean => {
    if (this.has(p)) return true;
    if (this.now() - this.readAt < REREAD_MS) return false;
    this.refresh();
    return this.has(p);
  };

  /** One of our IPv4 addresses (as a uint32), if there is any. */
  firstV4(): number | undefined {
    for (const a of this.v4) return a;
    return undefined;
  }

  list(): string[] {
    return [...[...this.v4].map((n) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`), ...this.v6];
  }

  private has(p: Packet): boolean {
    return p.family === 4 ? this.v4.has(p.dst4 >>> 0) : this.v6.has(formatAddress(6, p.dst6));
  }
}
