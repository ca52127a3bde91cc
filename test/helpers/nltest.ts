// A netlink transport for tests: it captures every datagram that would be sent and answers each with canned
// replies, so golden bytes and kernel refusals can be checked without a socket.
import { EMSGSIZE, NetlinkError } from '../../src/netlink/errors.js';
import { parseMessages, type NetlinkMessage } from '../../src/netlink/message.js';
import type { NetlinkTransport } from '../../src/netlink/transport.js';

/** Answers one sent datagram (already split into messages) with zero or more reply datagrams. */
export type Responder = (sent: NetlinkMessage[], raw: Buffer) => Buffer[];

export class RecordingTransport implements NetlinkTransport {
  /** Every datagram sent, in order, as one Buffer each. */
  readonly sent: Buffer[] = [];
  private readonly queue: Buffer[] = [];
  readonly maxSendBytes: number;

  constructor(
    private readonly responder: Responder,
    maxSendBytes = 425_984 - 32,
  ) {
    this.maxSendBytes = maxSendBytes;
  }

  async send(buffers: Uint8Array[]): Promise<void> {
    const raw = Buffer.concat(buffers);
    if (raw.length > this.maxSendBytes) throw new NetlinkError(EMSGSIZE, 'netlink send');
    this.sent.push(raw);
    this.queue.push(...this.responder(parseMessages(raw), raw));
  }

  async receive(): Promise<Buffer> {
    const next = this.queue.shift();
    if (!next) throw new NetlinkError(0, 'recording transport has no reply queued');
    return next;
  }

  close(): void {}
}
