// Live packets from nfnetlink_log: the ban table's NFLOG rules copy candidate packets (TCP without ACK/RST, new
// UDP) to a group; we bind that group on a NETLINK_NETFILTER socket and decode each payload as it arrives. Uses
// a raw socket from netlink/transport.ts; messages are encoded in ./nflog-wire.ts.
import { NETLINK_NETFILTER } from '../netlink/constants.js';
import { openRawSocket, type RawNetlinkSocket } from '../netlink/transport.js';
import { createPacket } from '../packet/packet.js';
import { decodeIpPacket } from '../packet/decode-ip.js';
import { EnvironmentError, OperationError } from '../errors.js';
import type { CaptureCounters, CaptureNotice, LiveCapture, PacketSink } from './source.js';
import {
  encodeCommand,
  encodeMode,
  parseDatagram,
  NFULNL_CFG_CMD_BIND,
  NFULNL_CFG_CMD_UNBIND,
  type AckReply,
  type NflogPacket,
} from './nflog-wire.js';

const ENOBUFS = 105;
const EPERM = 1;
const EBUSY = 16;

export interface NflogOptions {
  group: number;
  /** Bytes of each packet copied to us: enough for IPv6 + extension headers + TCP header. */
  copyRange?: number;
  /** Only packets that came in on this interface (undefined = any). */
  ifindex?: number;
  onPacket: PacketSink;
  notice?: CaptureNotice;
}

export class NflogCapture implements LiveCapture {
  readonly kind = 'nflog' as const;
  private socket?: RawNetlinkSocket;
  private seq = 1;
  private readonly pendingAcks = new Map<number, (a: AckReply) => void>();
  private readonly packet = createPacket();
  private readonly rec: NflogPacket = {
    family: 0,
    group: 0,
    buf: Buffer.alloc(0),
    payloadOffset: 0,
    payloadLength: 0,
    tsMicros: -1,
    inIfindex: 0,
  };
  private readonly stats: CaptureCounters = { received: 0, decoded: 0, dropped: 0, restarts: 0 };
  private dropNoticeAt = 0;

  constructor(private readonly opts: NflogOptions) {}

  counters(): CaptureCounters {
    return { ...this.stats };
  }

  async start(): Promise<void> {
    let socket: RawNetlinkSocket;
    try {
      // A large receive buffer absorbs a scan burst while a ban is being written.
      socket = openRawSocket(NETLINK_NETFILTER, { recvBufferSize: 8 << 20, sendBufferSize: 1 << 16 });
    } catch (err) {
      throw new EnvironmentError(`Cannot open a netfilter netlink socket for NFLOG (${errText(err)}).`, 'E_NFLOG');
    }
    this.socket = socket;
    socket.on('message', (msg: Buffer) => this.receive(msg));
    socket.on('error', (err: { errno?: number; message?: string }) => this.onSocketError(err));
    const group = this.opts.group;
    await this.configure(encodeCommand(this.nextSeq(), group, NFULNL_CFG_CMD_BIND), 'bind');
    await this.configure(encodeMode(this.nextSeq(), group, this.opts.copyRange ?? 128), 'set the copy mode of');
    this.warm();
  }

  /**
   * Runs made-up logged SYNs through the real receive path (this socket's record, parser, decoder and sink; the
   * sink drops them, see sampleDatagram) until V8 has compiled it, so the first real probe is not handled by interpreted code: that
   * first probe is the one whose ban is on the clock. The datagrams look like the kernel's in every way the
   * compiled code depends on (a buffer made like the binding's, a kernel timestamp, an input interface), else the
   * first real one would throw the compiled code away again.
   */
  private warm(): void {
    const { msg, tsAt } = sampleDatagram(this.opts.group, this.opts.ifindex ?? 1);
    const stats = { ...this.stats };
    try {
      for (let i = 0; i < 2000; i++) {
        const now = Date.now();
        msg.writeBigUInt64BE(BigInt(Math.floor(now / 1000)), tsAt);
        msg.writeBigUInt64BE(BigInt((now % 1000) * 1000 + (i % 1000)), tsAt + 8);
        this.receive(msg);
      }
    } finally {
      Object.assign(this.stats, stats);
    }
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.socket = undefined;
    // Closing the socket also releases the group in the kernel; the explicit unbind is a courtesy.
    await new Promise<void>((resolve) =>
      socket.send(encodeCommand(this.nextSeq(), this.opts.group, NFULNL_CFG_CMD_UNBIND), {}, () => resolve()),
    );
    socket.close();
  }

  private nextSeq(): number {
    this.seq = (this.seq + 1) >>> 0 || 1;
    return this.seq;
  }

  private configure(msg: Buffer, what: string): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new OperationError('NFLOG capture is not open.'));
    const seq = msg.readUInt32LE(8);
    const group = this.opts.group;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pendingAcks.delete(seq);
        reject(new OperationError(`The kernel did not answer the request to ${what} NFLOG group ${group}.`));
      }, 5000);
      this.pendingAcks.set(seq, (a) => {
        clearTimeout(timer);
        if (a.errno === 0) return resolve();
        // The kernel answers EPERM both to a caller without CAP_NET_ADMIN and, as root, when another socket
        // (another watch) has the group bound.
        if (a.errno === EPERM && process.geteuid?.() === 0) {
          return reject(
            new EnvironmentError(
              `NFLOG group ${group} is already bound (another watch running?); stop it, or pick another group with --nflog-group.`,
              'E_NFLOG',
            ),
          );
        }
        if (a.errno === EPERM) {
          return reject(
            new EnvironmentError(`Binding NFLOG group ${group} needs CAP_NET_ADMIN (run as root).`, 'E_NFLOG'),
          );
        }
        if (a.errno === EBUSY) {
          return reject(
            new EnvironmentError(
              `NFLOG group ${group} is already bound by another process (stop it, or pick another group).`,
              'E_NFLOG',
            ),
          );
        }
        reject(
          new EnvironmentError(`The kernel refused to ${what} NFLOG group ${group} (errno ${a.errno}).`, 'E_NFLOG'),
        );
      });
      socket.send(msg, {}, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pendingAcks.delete(seq);
        reject(new EnvironmentError(`Cannot ${what} NFLOG group ${group}: ${errText(err)}.`, 'E_NFLOG'));
      });
    });
  }

  private receive(msg: Buffer): void {
    parseDatagram(msg, this.onRecord, this.onAck, this.rec);
  }

  private readonly onAck = (a: AckReply): void => {
    const cb = this.pendingAcks.get(a.seq);
    if (cb) {
      this.pendingAcks.delete(a.seq);
      cb(a);
    }
  };

  private readonly onRecord = (r: NflogPacket): void => {
    this.stats.received++;
    if (this.opts.ifindex !== undefined && r.inIfindex !== this.opts.ifindex) return;
    const ts = r.tsMicros >= 0 ? r.tsMicros : Date.now() * 1000;
    if (!decodeIpPacket(r.buf, r.payloadOffset, r.payloadLength, ts, this.packet)) return;
    this.stats.decoded++;
    this.opts.onPacket(this.packet);
  };

  private onSocketError(err: { errno?: number; message?: string }): void {
    // ENOBUFS: the kernel dropped log messages because our receive queue was full. The socket stays usable;
    // count it and keep reading (the NFLOG rules are rate-limited, so this only happens under a flood).
    if (Math.abs(err.errno ?? 0) === ENOBUFS) {
      this.stats.dropped++;
      const now = Date.now();
      if (now - this.dropNoticeAt > 10_000) {
        this.dropNoticeAt = now;
        this.opts.notice?.(`NFLOG receive queue overflowed; packets were dropped (${this.stats.dropped} times so far)`);
      }
      return;
    }
    this.opts.notice?.(`NFLOG socket error: ${err.message ?? String(err.errno)}`);
  }
}

/**
 * A logged SYN as the kernel sends it for the log rules: the attributes in the kernel's order (packet header,
 * prefix, input interface, hardware address, type, length and header, timestamp, payload), from 198.51.100.1
 * (TEST-NET-2) to 255.255.255.255, which is never one of ours: the detector drops it after its first checks. Returns the datagram and where the timestamp's seconds are.
 */
function sampleDatagram(group: number, ifindex: number): { msg: Buffer; tsAt: number } {
  // IPv4 header (20 bytes) + TCP header (20 bytes): SYN from port 50000 to port 1.
  const packet = Buffer.from(
    '450000280001000040060000' + 'c6336401ffffffff' + 'c350000100000001000000005002020000000000',
    'hex',
  );
  const mac = Buffer.from('020000000001', 'hex');
  const attrs: Array<[number, Buffer]> = [
    [1, Buffer.from([0x08, 0x00, 1, 0])],
    [10, Buffer.from([0])],
    [4, be32(ifindex)],
    [8, Buffer.concat([Buffer.from([0, 6, 0, 0]), mac, Buffer.alloc(2)])],
    [15, Buffer.from([0, 1])],
    [17, Buffer.from([0, 14])],
    [16, Buffer.concat([mac, mac, Buffer.from([0x08, 0x00])])],
    [3, Buffer.alloc(16)],
    [9, packet],
  ];
  const size = 20 + attrs.reduce((n, [, d]) => n + ((4 + d.length + 3) & ~3), 0);
  const msg = bindingBuffer(size);
  msg.writeUInt32LE(size, 0);
  msg.writeUInt16LE(0x0400, 4);
  msg[16] = 2;
  msg.writeUInt16BE(group, 18);
  let at = 20;
  let tsAt = 0;
  for (const [type, data] of attrs) {
    msg.writeUInt16LE(4 + data.length, at);
    msg.writeUInt16LE(type, at + 2);
    data.copy(msg, at + 4);
    if (type === 3) tsAt = at + 4;
    at += (4 + data.length + 3) & ~3;
  }
  return { msg, tsAt };
}

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0, 0);
  return b;
}

/**
 * A buffer made the way the native binding makes received datagrams (a Uint8Array given Buffer's prototype), so
 * code compiled while warming up expects the same object shape as the real ones.
 */
function bindingBuffer(size: number): Buffer {
  return Object.setPrototypeOf(new Uint8Array(size), Buffer.prototype) as Buffer;
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
