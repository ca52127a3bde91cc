// Request/reply bookkeeping over a transport: sequence numbers, ACK matching by seq, dumps until NLMSG_DONE.
// One request at a time per connection (replies share one queue), so calls are serialised here.
import { NLMSG_DONE, NLMSG_ERROR, NLMSG_NOOP, NLMSG_OVERRUN, NLM_F_DUMP_INTR } from './constants.js';
import { NetlinkError, ETIMEDOUT } from './errors.js';
import { parseError, parseMessages, type NetlinkMessage } from './message.js';
import type { NetlinkTransport } from './transport.js';

export interface OutgoingMessage {
  seq: number;
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
  /** errno per awaited seq (0 = ACK), and per refused `inBatch` seq. */
  acks: Map<number, number>;
  /** A refusal of a message that was not awaited (e.g. BATCH_BEGIN: EPERM, ERESTART); the rest is then unanswered. */
  refused?: { seq: number; type: number; errno: number };
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

  nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
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
      const awaited = new Set<number>();
      const others = new Map<number, OutgoingMessage>();
      for (const m of messages) {
        if (m.acked) awaited.add(m.seq);
        else others.set(m.seq, m);
      }
      const acks = new Map<number, number>();
      let answered = 0;
      await this.transport.send(datagram ? [datagram] : messages.map((m) => m.buf));
      while (answered < awaited.size) {
        for (const msg of await this.receive()) {
          if (msg.type !== NLMSG_ERROR) continue;
          const reply = parseError(msg);
          const other = others.get(reply.requestSeq);
          if (awaited.has(reply.requestSeq)) {
            if (!acks.has(reply.requestSeq)) answered++;
            acks.set(reply.requestSeq, reply.errno);
          } else if (other && reply.errno !== 0) {
            if (other.inBatch) acks.set(reply.requestSeq, reply.errno);
            else return { acks, refused: { seq: reply.requestSeq, type: other.type, errno: reply.errno } };
          }
          // Anything else is a late reply to an earlier, abandoned request: not ours to act on.
        }
      }
      return { acks };
    });
  }

  /** Sends a dump request and collects every reply message for its seq up to NLMSG_DONE. */
  dump(seq: number, type: number, buf: Buffer): Promise<DumpResult> {
    return this.serialise(async () => {
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

  /** A single non-dump request: returns its data replies, or throws the kernel's refusal. */
  request(seq: number, type: number, buf: Buffer): Promise<NetlinkMessage[]> {
    return this.serialise(async () => {
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
