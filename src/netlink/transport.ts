// The byte-level boundary: a transport sends one datagram made of several buffers (one sendmsg, iovec) and
// yields received datagrams. The socket transport wraps the `netlink` package's RawNetlinkSocket; tests put a
// recording transport in its place (test/helpers/nltest.ts).
import { writev } from 'node:fs';
import { createRequire } from 'node:module';
import type { RawNetlinkSocket as RawSocketType } from 'netlink/dist/raw.js';
import { NetlinkError, ENOBUFS } from './errors.js';
import { findNetlinkSocketFd } from './socket-fd.js';

export interface NetlinkTransport {
  /** Sends all buffers as one datagram (one sendmsg); rejects with NetlinkError on a socket error. */
  send(buffers: Uint8Array[]): Promise<void>;
  /** Next received datagram (may hold several messages). */
  receive(): Promise<Buffer>;
  /** Largest datagram send() accepts (netlink refuses len > sk_sndbuf - 32 with EMSGSIZE). */
  readonly maxSendBytes: number;
  close(): void;
}

type RawModule = typeof import('netlink/dist/raw.js');

let rawFailure: { error: unknown } | undefined;

/**
 * The package's raw socket module. As an ES module this file has no require of its own and makes one; inside the
 * fast-path bundle (CommonJS) it has the bundle's, and the literal call lets the bundler carry the package along.
 * A failed load (no binding for this machine) fails the same way every time: the bundle would otherwise hand out
 * the half-loaded module on the next call, where Node's require fails again.
 */
function loadRawModule(): RawModule {
  if (rawFailure) throw rawFailure.error;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (typeof require === 'function') return require('netlink/dist/raw.js') as RawModule;
    return createRequire(import.meta.url)('netlink/dist/raw.js') as RawModule;
  } catch (error) {
    rawFailure = { error };
    throw error;
  }
}

/** The package's raw socket type, for the one other user of a raw socket (capture/nflog.ts). */
export type RawNetlinkSocket = RawSocketType;

/**
 * A raw socket of the `netlink` package, for a caller that reads it as a stream (NFLOG) rather than through a
 * NetlinkConnection. This file stays the only one that loads the package, so its loading quirks live in one place.
 */
export function openRawSocket(
  protocol: number,
  opts: ConstructorParameters<RawModule['RawNetlinkSocket']>[1],
): RawNetlinkSocket {
  const { RawNetlinkSocket } = loadRawModule();
  return new RawNetlinkSocket(protocol, opts);
}

const RECEIVE_BUFFER = 128 * 1024;

export interface SocketTransportOptions {
  /** Requested SO_SNDBUF; the kernel caps it at net.core.wmem_max and doubles it. */
  sendBufferSize?: number;
  recvBufferSize?: number;
  /**
   * Sends with write(2) from libuv's thread pool instead of sendmsg on this thread. The kernel applies a request
   * inside the call that sends it, on the sending thread: an nf_tables batch of thousands of set elements is
   * milliseconds of kernel time per thousand, during which this thread could be reading the next batch.
   */
  sendFromThreadPool?: boolean;
}

export class SocketTransport implements NetlinkTransport {
  private readonly socket: RawSocketType;
  private readonly queue: Buffer[] = [];
  private waiter?: { resolve(b: Buffer): void; reject(e: unknown): void };
  private failure?: NetlinkError;
  private closed = false;
  readonly maxSendBytes: number;
  /** The socket's descriptor, when sends go through the thread pool. */
  private readonly fd: number | undefined;
  /** Writes handed to the pool and not yet done. */
  private writing = 0;

  constructor(protocol: number, opts: SocketTransportOptions = {}) {
    // The package is CommonJS with a native binding; load it lazily so pure modules never touch it, and load only
    // its raw socket: the package index also loads every generic-netlink family it knows (~20 ms at start-up).
    const { RawNetlinkSocket } = loadRawModule();
    try {
      // A real receive buffer instead of the package's 1-byte MSG_PEEK: the kernel sizes dump replies by the
      // largest buffer recvmsg was given (up to 32 KiB), and every dump continuation of a hash set re-walks it
      // from the start, so 4 KiB replies made a 100k-element listing 8x slower. 128 KiB also holds the
      // largest error echo (a refused ~65 KB NEWSETELEM message).
      this.socket = new RawNetlinkSocket(protocol, {
        messagePeeking: false,
        msgBufferSize: RECEIVE_BUFFER,
        sendBufferSize: opts.sendBufferSize ?? 4 << 20,
        recvBufferSize: opts.recvBufferSize ?? 4 << 20,
      });
    } catch (e) {
      const errno = (e as { errno?: number }).errno;
      throw new NetlinkError(
        typeof errno === 'number' ? Math.abs(errno) : 0,
        'netlink socket',
        undefined,
        undefined,
        e,
      );
    }
    this.socket.unref();
    // The package does not hand out its descriptor; without it, sends stay on this thread.
    this.fd = opts.sendFromThreadPool ? findNetlinkSocketFd(protocol, this.socket.address().port) : undefined;
    // A refused batch is answered with every refused message echoed whole (an ENOENT for each message when the
    // table is gone): a batch no larger than half the receive buffer leaves room for all of its echoes, so the
    // socket never overruns (an overrun is an error the binding cannot survive, whatever the batch was).
    this.maxSendBytes = Math.min(this.socket.getSendBufferSize(), this.socket.getRecvBufferSize() >> 1) - 32;
    // The native binding cannot survive re-entry (a send issued while its read or send callback is still on the
    // stack aborts the process), so every continuation is moved out of the native callback with setImmediate.
    this.socket.on('message', (msg: Buffer) => setImmediate(() => this.deliver(msg)));
    this.socket.on('truncatedMessage', () =>
      setImmediate(() => this.fail(new NetlinkError(ENOBUFS, 'netlink receive (truncated)'))),
    );
    this.socket.on('error', (err: { errno?: number }) =>
      setImmediate(() =>
        this.fail(new NetlinkError(Math.abs(err.errno ?? 0), 'netlink receive', undefined, undefined, err)),
      ),
    );
  }

  private deliver(msg: Buffer): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.socket.unref();
      w.resolve(msg);
    } else this.queue.push(msg);
  }

  private fail(err: NetlinkError): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      this.socket.unref();
      w.reject(err);
    } else this.failure = err;
  }

  send(buffers: Uint8Array[]): Promise<void> {
    const fd = this.fd;
    if (fd !== undefined) {
      if (this.closed) return Promise.reject(new NetlinkError(0, 'netlink socket closed'));
      // One writev is one datagram, as one sendmsg with these buffers as its iovec; replies still arrive through
      // the package's socket, which reads the same descriptor.
      this.writing++;
      return new Promise((resolve, reject) => {
        writev(fd, buffers, (err) => {
          if (--this.writing === 0 && this.closed) this.socket.close();
          if (err) reject(new NetlinkError(Math.abs(err.errno ?? 0), 'netlink send', undefined, undefined, err));
          else resolve();
        });
      });
    }
    return new Promise((resolve, reject) => {
      this.socket.send(buffers, {}, (err) =>
        setImmediate(() =>
          err ? reject(new NetlinkError(Math.abs(err.errno), 'netlink send', undefined, undefined, err)) : resolve(),
        ),
      );
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
      this.socket.ref();
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    // The receive waiting is failed first: it holds a reference on the socket, which is not touched once closed.
    this.fail(new NetlinkError(0, 'netlink socket closed'));
    // Not while a write is still to run in the pool: the descriptor's number could by then name another file.
    if (this.writing === 0) this.socket.close();
  }

  /** Whether sends go through the thread pool (the descriptor was found). */
  get sendsFromThreadPool(): boolean {
    return this.fd !== undefined;
  }
}
