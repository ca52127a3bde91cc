// Classic tcp mode counts a connection PortSentry accepted, i.e. a completed handshake: the client's SYN to a
// listed port, then its ACK. A bare SYN (half-open scan) or a reset before the ACK is no hit, as with 1.2's
// accept(). Bounded: the oldest pending SYNs are dropped first.
import type { Packet } from '../packet/types.js';
import { TCP_ACK, TCP_RST, TCP_SYN } from '../packet/types.js';
import { formatAddress } from '../net/address.js';

const MAX_PENDING = 65536;

export class HandshakeTracker {
  // IPv4: key = source address * 65536 + source port (48 bits, exact in a double), value = destination port.
  private readonly pending4 = new Map<number, number>();
  private readonly pending6 = new Map<string, number>();

  /** True when this packet completes a handshake begun by a SYN seen earlier. */
  complete(p: Packet): boolean {
    const flags = p.tcpFlags;
    const syn = (flags & TCP_SYN) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    if (p.family === 4) return this.step(this.pending4, p.src4 * 65536 + p.srcPort, p.dstPort, syn, ack, rst);
    return this.step(this.pending6, `${formatAddress(6, p.src6)}#${p.srcPort}`, p.dstPort, syn, ack, rst);
  }

  private step<K>(map: Map<K, number>, key: K, port: number, syn: boolean, ack: boolean, rst: boolean): boolean {
    if (syn && !ack && !rst) {
      if (map.size >= MAX_PENDING) map.delete(map.keys().next().value as K);
      map.set(key, port);
      return false;
    }
    if (map.get(key) !== port) return false;
    if (rst) {
      map.delete(key);
      return false;
    }
    if (ack && !syn) {
      map.delete(key);
      return true;
    }
    return false;
  }
}
