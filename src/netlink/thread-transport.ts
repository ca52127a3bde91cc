// A netlink socket on a thread of its own. The kernel does the work of a request inside sendmsg, on the sending
// thread: a batch of thousands of set elements is a few milliseconds of kernel time per thousand, during which a
// socket on the main thread would stop everything else. Here the socket lives in a worker thread (socket-thread.ts)
// that sends and receives for this transport, so a caller that has the next batch to read and encode (the
// decision stream's reader) goes on while the kernel applies the last one. Same contract as SocketTransport.
import { Worker } from 'node:worker_threads';
import { NetlinkError } from './errors.js';
import type { NetlinkTransport, SocketTransportOptions } from './transport.js';

/** What the socket thread is started with. */
export interface SocketThreadData {
  protocol: number;
  opts: SocketTransportOptions;
}

/** From this side to the socket thread. */
export type ToSocketThread = { send: number; datagram: ArrayBuffer } | { close: true };

/** From the socket thread to this side. */
export type FromSocketThread =
  | { ready: true; maxSendBytes: number }
  | { sent: number; failure?: ThreadFailure }
  | { datagram: ArrayBuffer }
  | { failure: ThreadFailure };

/** A NetlinkError as it crosses threads. */
export interface ThreadFailure {
  errno: number;
  op: string;
}

/** The worker's file: beside this module, unbundled or in the fast path's bundle directory. */
const THREAD_URL = new URL('./socket-thread.js', import.meta.url);

/** One copy of the buffers, in memory of its own that can be handed to the other thread without a second one. */
function joinBuffers(buffers: Uint8Array[]): ArrayBuffer {
  let size = 0;
  for (const b of buffers) size += b.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const b of buffers) {
    out.set(b, at);
    at += b.length;
  }
  return out.buffer;
}

export class ThreadTransport implements NetlinkTransport {
  private readonly sends = new Map<number, { resolve(): void; reject(e: unknown): void }>();
  private nextSend = 1;
  private readonly queue: Buffer[] = [];
  private waiter?: { resolve(b: Buffer): void; reject(e: unknown): void };
  private failure?: NetlinkError;
  private closed = false;
  private readonly ended: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    readonly maxSendBytes: number,
  ) {
    worker.on('message', (m: FromSocketThread) => this.receiveFromThread(m));
    worker.on('error', (err) => this.fail(new NetlinkError(0, 'netlink socket thread', undefined, undefined, err)));
    this.ended = new Promise((resolve) =>
      worker.once('exit', () => {
        this.fail(new NetlinkError(0, 'netlink socket closed'));
        resolve();
      }),
    );
    worker.unref();
  }

  /** Starts the socket thread; rejects with the NetlinkError opening the socket met (EPERM, EPROTONOSUPPORT, ...). */
  static open(protocol: number, opts: SocketTransportOptions = {}): Promise<ThreadTransport> {
    const data: SocketThreadData = { protocol, opts };
    // None of this process's flags: some are refused in a worker (--input-type), and the thread needs none.
    const worker = new Worker(THREAD_URL, { workerData: data, execArgv: [] });
    return new Promise((resolve, reject) => {
      const settle = () => {
        worker.off('error', onError);
        worker.off('exit', onExit);
        worker.off('message', onMessage);
      };
      const onMessage = (m: FromSocketThread) => {
        settle();
        if ('ready' in m) resolve(new ThreadTransport(worker, m.maxSendBytes));
        else {
          void worker.terminate();
          const f = 'failure' in m ? m.failure : undefined;
          reject(new NetlinkError(f?.errno ?? 0, f?.op ?? 'netlink socket'));
        }
      };
      const onError = (err: Error) => {
        settle();
        reject(new NetlinkError(0, 'netlink socket thread', undefined, undefined, err));
      };
      // Ended without a word (killed, out of memory).
      const onExit = (code: number) => {
        settle();
        reject(new NetlinkError(0, `netlink socket thread (exit ${code})`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
    });
  }

  /** The worker keeps this process alive only while something here waits for it. */
  private holdOpen(): void {
    if (this.closed) return;
    if (this.waiter !== undefined || this.sends.size > 0) this.worker.ref();
    else this.worker.unref();
  }

  private receiveFromThread(m: FromSocketThread): void {
    if ('datagram' in m) {
      const b = Buffer.from(m.datagram);
      const w = this.waiter;
      if (w) {
        this.waiter = undefined;
        this.holdOpen();
        w.resolve(b);
      } else this.queue.push(b);
    } else if ('sent' in m) {
      const s = this.sends.get(m.sent);
      if (!s) return;
      this.sends.delete(m.sent);
      this.holdOpen();
      if (m.failure) s.reject(new NetlinkError(m.failure.errno, m.failure.op));
      else s.resolve();
    } else if ('failure' in m) this.failReceive(new NetlinkError(m.failure.errno, m.failure.op));
  }

  /** A receive failure, as SocketTransport reports one: to the waiting receive, else to the next. */
  private failReceive(err: NetlinkError): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w.reject(err);
    else this.failure ??= err;
    this.holdOpen();
  }

  /** The thread is gone: every send and receive waiting fails. */
  private fail(err: NetlinkError): void {
    for (const s of this.sends.values()) s.reject(err);
    this.sends.clear();
    const w = this.waiter;
    this.waiter = undefined;
    if (w) w.reject(err);
    else this.failure ??= err;
    this.holdOpen();
  }

  send(buffers: Uint8Array[]): Promise<void> {
    if (this.closed) return Promise.reject(new NetlinkError(0, 'netlink socket closed'));
    const id = this.nextSend++;
    const datagram = joinBuffers(buffers);
    return new Promise((resolve, reject) => {
      this.sends.set(id, { resolve, reject });
      this.holdOpen();
      const m: ToSocketThread = { send: id, datagram };
      this.worker.postMessage(m, [datagram]);
    });
  }

  receive(): Promise<Buffer> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.failure) {
      const f = this.failure;
      this.failure = undefined;
      return Promise.reject(f);
    }
    if (this.closed) return Promise.reject(new NetlinkError(0, 'netlink socket closed'));
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.holdOpen();
    });
  }

  /**
   * Resolves once the thread has closed its socket and ended. Until then it keeps the process alive: a thread torn
   * down by the process's exit while its socket is open takes the process with it (the binding aborts).
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.fail(new NetlinkError(0, 'netlink socket closed'));
      this.worker.ref();
      const m: ToSocketThread = { close: true };
      this.worker.postMessage(m);
    }
    return this.ended;
  }
}
