// Request/reply bookkeeping over a transport: the connection owns sequence numbers (callers encode messages with
// seq 0 and it stamps each one as it sends), matches replies to requests by seq and validates them, and reads
// dumps until NLMSG_DONE. One request at a time per connection (replies share one queue), so calls are
// serialised here.
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR } from './constants.js';
import { NetlinkError, ETIMEDOUT } from './errors.js';
import { parseError, parseMessages, type NetlinkMessage } from './message.js';
import type { NetlinkTransport } from './transport.js';

export interface OutgoingMessage {
  type: number;
  buf: Buffer;
  /** True when the message asked for NLM_F_ACK, so a reply for its seq is awaited. */
  acked: boolean;
  /**
   * A message inside a batch sent without NLM_F_ACK: the kernel answers it only to refuse it, and then still
   * answers the batch's acked message, so its refusal is recorded in `acks` and the waiting goes on.
   */
  inBatch?: boolean;
}

export interface ExchangeResult {
  /** The seq the connection gave each message, by index. */
  seqs: number[];
  /** errno per message, by index: 0 = ACK for an awaited one, the refusal of an `inBatch` one, else undefined. */
  errnos: Array<number | undefined>;
  /** A refusal of a message that was not awaited (e.g. BATCH_BEGIN: EPERM, ERESTART); the rest is then unanswered. */
  refused?: { index: number; seq: number; type: number; errno: number };
}

export interface DumpResult {
  messages: NetlinkMessage[];
  /** The kernel flagged the dump as inconsistent (the object changed while it was being read). */
  interrupted: boolean;
}

export class NetlinkConnection {
  private seq: number;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly transport: NetlinkTransport,
    private readonly timeoutMs = 30_000,
    firstSeq = Math.floor(Date.now() / 1000) & 0x3fffffff,
  ) {
    this.seq = firstSeq;
  }

  /** Gives the message in `buf` the next sequence number (nlmsg_seq, host order at offset 8) and returns it. */
  private stamp(buf: Buffer): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    buf.writeUInt32LE(this.seq, 8);
    return this.seq;
  }

  get maxSendBytes(): number {
    return this.transport.maxSendBytes;
  }

  private serialise<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async receive(): Promise<NetlinkMessage[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NetlinkError(ETIMEDOUT, 'no netlink reply')), this.timeoutMs);
    });
    try {
      return parseMessages(await Promise.race([this.transport.receive(), timeout]));
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends the messages in ONE datagram (`datagram`, when the caller already has them in one buffer) and waits for
   * the ACK of every `acked` one (or an early refusal).
   */
  exchange(messages: OutgoingMessage[], datagram?: Buffer): Promise<ExchangeResult> {
    return this.serialise(async () => {
      // Each message's buf is a view into `datagram` when one is given, so stamping it stamps the datagram.
      const seqs = messages.map((m) => this.stamp(m.buf));
      const indexOf = new Map(seqs.map((seq, i) => [seq, i]));
      const errnos: Array<number | undefined> = new Array(messages.length).fill(undefined);
      let awaiting = messages.filter((m) => m.acked).length;
      await this.transport.send(datagram ? [datagram] : messages.map((m) => m.buf));
      while (awaiting > 0) {
        for (const msg of await this.receive()) {
          if (msg.type !== NLMSG_ERROR) continue;
          const reply = parseError(msg);
          const i = indexOf.get(reply.requestSeq);
          // A reply to no message of this exchange is a late one to an earlier, abandoned request: not ours.
          if (i === undefined) continue;
          const m = messages[i];
          if (m.acked) {
            if (errnos[i] === undefined) awaiting--;
            errnos[i] = reply.errno;
          } else if (reply.errno !== 0) {
            if (m.inBatch) errnos[i] = reply.errno;
            else
              return { seqs, errnos, refused: { index: i, seq: reply.requestSeq, type: m.type, errno: reply.errno } };
          }
        }
      }
      return { seqs, errnos };
    });
  }

  /** Sends a dump request (encoded with any seq) and collects every reply message for it up to NLMSG_DONE. */
  dump(buf: Buffer): Promise<DumpResult> {
    return this.serialise(async () => {
      const seq = this.stamp(buf);
      const type = buf.readUInt16LE(4);
      await this.transport.send([buf]);
      const messages: NetlinkMessage[] = [];
      let interrupted = false;
      for (;;) {
        for (const msg of await this.receive()) {
          if (msg.seq !== seq) continue;
          if (msg.flags & NLM_F_DUMP_INTR) interrupted = true;
          if (msg.type === NLMSG_DONE) {
            const err = msg.payload.length >= 4 ? msg.payload.readInt32LE(0) : 0;
            if (err < 0) throw new NetlinkError(-err, 'netlink dump', type, seq);
            return { messages, interrupted };
          }
          if (msg.type === NLMSG_ERROR) {
            const reply = parseError(msg);
            if (reply.errno !== 0) throw new NetlinkError(reply.errno, 'netlink dump', type, seq);
            continue;
          }
          if (msg.type === NLMSG_NOOP || msg.type === NLMSG_OVERRUN) continue;
          messages.push(msg);
        }
      }
    });
  }

  /** A single non-dump request (encoded with any seq): returns its data replies, or throws the kernel's refusal. */
  request(buf: Buffer): Promise<NetlinkMessage[]> {
    return this.serialise(async () => {
      const seq = this.stamp(buf);
      const type = buf.readUInt16LE(4);
      await this.transport.send([buf]);
      const messages: NetlinkMessage[] = [];
      for (;;) {
        for (const msg of await this.receive()) {
          if (msg.seq !== seq) continue;
          if (msg.type === NLMSG_ERROR) {
            const reply = parseError(msg);
            if (reply.errno !== 0) throw new NetlinkError(reply.errno, 'netlink request', type, seq);
            return messages;
          }
          messages.push(msg);
        }
      }
    });
  }

  close(): void {
    this.transport.close();
  }
}
