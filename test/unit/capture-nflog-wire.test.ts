import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  encodeCommand,
  encodeMode,
  parseDatagram,
  NFULNL_CFG_CMD_BIND,
  type NflogPacket,
} from '../../src/capture/nflog-wire.js';

const hex = (b: Buffer) =>
  b
    .toString('hex')
    .replace(/(.{8})/g, '$1 ')
    .trim();

test('bind command: type 0x0401, REQUEST|ACK, nfgenmsg AF_UNSPEC with the group big-endian, CFG_CMD=1', () => {
  assert.equal(
    hex(encodeCommand(7, 42, NFULNL_CFG_CMD_BIND)),
    '1c000000 01040500 07000000 00000000 0000002a 05000100 01000000',
  );
});

test('mode: copy range be32 + COPY_PACKET, qthresh be32 1, timeout be32 0', () => {
  assert.equal(
    hex(encodeMode(8, 42, 128)),
    '30000000 01040500 08000000 00000000 0000002a ' +
      '0a000200 00000080 02000000 ' + // NFULA_CFG_MODE {be32 128, u8 2, pad}
      '08000500 00000001 ' + // NFULA_CFG_QTHRESH
      '08000400 00000000', // NFULA_CFG_TIMEOUT
  );
});

function attr(type: number, payload: Buffer): Buffer {
  const b = Buffer.alloc((4 + payload.length + 3) & ~3);
  b.writeUInt16LE(4 + payload.length, 0);
  b.writeUInt16LE(type, 2);
  payload.copy(b, 4);
  return b;
}

function packetMessage(family: number, group: number, attrs: Buffer[]): Buffer {
  const body = Buffer.concat(attrs);
  const m = Buffer.alloc(20 + body.length);
  m.writeUInt32LE(m.length, 0);
  m.writeUInt16LE(0x0400, 4);
  m[16] = family;
  m.writeUInt16BE(group, 18);
  body.copy(m, 20);
  return m;
}

test('packet messages: payload, kernel timestamp and in-interface; ACKs matched by sequence', () => {
  const ip = Buffer.from('4500002800010000400600000a0000014a000001', 'hex');
  const ts = Buffer.alloc(16);
  ts.writeBigUInt64BE(1_700_000_000n, 0);
  ts.writeBigUInt64BE(123_456n, 8);
  const ifx = Buffer.alloc(4);
  ifx.writeUInt32BE(3, 0);
  const hdr = Buffer.from([0x08, 0x00, 1, 0]);
  const m1 = packetMessage(2, 5, [attr(1, hdr), attr(3, ts), attr(4, ifx), attr(9, ip)]);
  const m2 = packetMessage(10, 5, [attr(9, Buffer.from('60', 'hex'))]);
  const ack = Buffer.alloc(36);
  ack.writeUInt32LE(36, 0);
  ack.writeUInt16LE(2, 4);
  ack.writeInt32LE(-16, 16); // -EBUSY
  ack.writeUInt32LE(99, 16 + 4 + 8);
  const got: Array<Omit<NflogPacket, 'buf'> & { payload: string }> = [];
  const acks: Array<{ seq: number; errno: number }> = [];
  const bad = parseDatagram(
    Buffer.concat([m1, m2, ack]),
    (p) =>
      got.push({
        ...p,
        buf: undefined,
        payload: p.buf.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength).toString('hex'),
      } as never),
    (a) => acks.push(a),
  );
  assert.equal(bad, 0);
  assert.equal(got.length, 2);
  assert.equal(got[0].family, 2);
  assert.equal(got[0].group, 5);
  assert.equal(got[0].tsMicros, 1_700_000_000_123_456);
  assert.equal(got[0].inIfindex, 3);
  assert.equal(got[0].payload, ip.toString('hex'));
  assert.equal(got[1].family, 10);
  assert.equal(got[1].tsMicros, -1, 'no NFULA_TIMESTAMP: the caller stamps it');
  assert.deepEqual(acks, [{ seq: 99, errno: 16 }]);
});

test('a malformed attribute or a packet without payload is counted, not thrown', () => {
  const noPayload = packetMessage(2, 5, [attr(4, Buffer.alloc(4))]);
  const broken = packetMessage(2, 5, [attr(9, Buffer.alloc(8))]);
  broken.writeUInt16LE(200, 20); // nla_len past the end of the message
  let n = 0;
  const bad = parseDatagram(
    Buffer.concat([noPayload, broken]),
    () => n++,
    () => undefined,
  );
  assert.equal(n, 0);
  assert.equal(bad, 2);
});
