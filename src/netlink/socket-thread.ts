// The worker side of ThreadTransport: one SocketTransport, driven by messages from the thread that made it. Each
// send is answered once it is done (the kernel has applied it); every datagram received is passed on as it comes.
import { parentPort, workerData } from 'node:worker_threads';
import { NetlinkError } from './errors.js';
import type { FromSocketThread, SocketThreadData, ThreadFailure, ToSocketThread } from './thread-transport.js';
import { SocketTransport } from './transport.js';

function failureOf(err: unknown): ThreadFailure {
  return err instanceof NetlinkError ? { errno: err.errno, op: err.op } : { errno: 0, op: 'netlink socket thread' };
}

function post(m: FromSocketThread, transfer?: ArrayBuffer[]): void {
  parentPort!.postMessage(m, transfer);
}

function run(): void {
  const { protocol, opts } = workerData as SocketThreadData;
  let socket: SocketTransport;
  try {
    socket = new SocketTransport(protocol, opts);
  } catch (err) {
    post({ failure: failureOf(err) });
    return;
  }
  let closed = false;
  parentPort!.on('message', (m: ToSocketThread) => {
    if ('close' in m) {
      closed = true;
      socket.close();
      parentPort!.close();
      return;
    }
    socket.send([new Uint8Array(m.datagram)]).then(
      () => post({ sent: m.send }),
      (err: unknown) => post({ sent: m.send, failure: failureOf(err) }),
    );
  });
  post({ ready: true, maxSendBytes: socket.maxSendBytes });
  void (async () => {
    for (;;) {
      let datagram: Buffer;
      try {
        datagram = await socket.receive();
      } catch (err) {
        if (closed) return;
        // Reported once, as SocketTransport does; receiving goes on.
        post({ failure: failureOf(err) });
        continue;
      }
      // A copy of its own: the received buffer may share memory that is not this message's to give away.
      const copy = new Uint8Array(datagram).buffer;
      post({ datagram: copy }, [copy]);
    }
  })();
}

run();
