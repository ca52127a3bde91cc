// Mutation fuzzing of the capture decoder: damaged captures must give stats or an InputError, never another
// exception and never unbounded work. Seeded, so a failure names an iteration that can be replayed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { CaptureDecoder } from '../../src/packet/capture-decoder.js';
import { decodeIpPacket } from '../../src/packet/decode-ip.js';
import { Reassembler } from '../../src/packet/ip/reassembler.js';
import { createPacket } from '../../src/packet/packet.js';
import { prng } from '../helpers/prng.js';

const DIR = fileURLToPath(new URL('../../../fixtures/captures/decoder/', import.meta.url));
const SEED = Number(process.env.PACKET_FUZZ_SEED ?? 0x5eed);
const ITERATIONS = Number(process.env.PACKET_FUZZ_ITERATIONS ?? 6000);

const fixtures = readdirSync(DIR)
  .filter((f) => /\.(pcap|pcapng)$/.test(f))
  .map((f) => readFileSync(DIR + f))
  .filter((b) => b.length > 0);

const INTERESTING = [
  0, 1, 3, 4, 11, 12, 13, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x40000, 0x40001, 0x1000000, 0xfffffff0, 0xffffffff,
];

function mutate(rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  let b = Buffer.from(fixtures[pick(fixtures.length)]);
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const kind = pick(5);
    if (kind === 0) {
      for (let i = 1 + pick(8); i > 0; i--) b[pick(b.length)] ^= 1 << pick(8);
    } else if (kind === 1) {
      b = b.subarray(0, pick(b.length + 1));
    } else if (kind === 2) {
      const other = fixtures[pick(fixtures.length)];
      const from = pick(other.length);
      const piece = other.subarray(from, from + pick(200));
      const at = pick(b.length + 1);
      b = Buffer.concat([b.subarray(0, at), piece, b.subarray(at + pick(64))]);
    } else if (b.length >= 4) {
      // Lengths are where readers go wrong: write plausible and absurd 32- and 16-bit values anywhere.
      const value = kind === 3 ? INTERESTING[pick(INTERESTING.length)] : Math.floor(rand() * 2 ** 32);
      const at = pick(b.length - 3);
      if (rand() < 0.5) b.writeUInt32LE(value >>> 0, at);
      else b.writeUInt32BE(value >>> 0, at);
    }
    if (b.length === 0) break;
  }
  return b;
}

test(`mutated captures give stats or an InputError (${ITERATIONS} iterations, seed ${SEED})`, () => {
  const rand = prng(SEED);
  let errors = 0;
  let packets = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const bytes = mutate(rand);
    let calls = 0;
    const d = new CaptureDecoder(() => calls++, `fuzz-${i}`);
    try {
      const step = 1 + Math.floor(rand() * 600);
      for (let o = 0; o < bytes.length; o += step) d.push(bytes.subarray(o, o + step));
      const stats = d.end();
      packets += stats.packets;
      // Bounded work: every record takes at least 12 bytes of input, and each yields at most one packet.
      assert.ok(
        stats.packets <= bytes.length / 12,
        `iteration ${i}: ${stats.packets} records from ${bytes.length} bytes`,
      );
      assert.ok(calls <= stats.packets, `iteration ${i}`);
    } catch (err) {
      if (!(err instanceof InputError)) {
        assert.fail(`iteration ${i} (seed ${SEED}) threw ${(err as Error)?.stack ?? String(err)}`);
      }
      assert.ok(err.message.length < 400 && !err.message.includes('\n'), `iteration ${i}: ${err.message}`);
      errors++;
    }
  }
  // The mutations must exercise both outcomes, or the fuzzer tests nothing.
  assert.ok(errors > ITERATIONS / 20, `only ${errors} errors`);
  assert.ok(packets > ITERATIONS, `only ${packets} packets decoded`);
});

test('random bytes as bare IP packets never throw, with or without a reassembler', () => {
  const rand = prng(SEED + 1);
  const p = createPacket();
  const r = new Reassembler({ maxDatagrams: 64 });
  const buf = Buffer.alloc(256);
  let decoded = 0;
  for (let i = 0; i < ITERATIONS * 4; i++) {
    const len = Math.floor(rand() * buf.length);
    for (let j = 0; j < len; j++) buf[j] = Math.floor(rand() * 256);
    // Make most of them look like IP so the deeper decoders see hostile headers too.
    if (len > 0 && rand() < 0.8) buf[0] = rand() < 0.5 ? 0x45 + (Math.floor(rand() * 11) & 0x0f) - 5 : 0x60;
    if (len > 7 && rand() < 0.3) buf[6] = rand() < 0.5 ? 0x20 : 0; // IPv4 MF set or clear
    if (decodeIpPacket(buf, 0, len, i, p, rand() < 0.5 ? r : undefined)) decoded++;
  }
  assert.ok(decoded > 0);
  assert.ok(r.pending <= 64);
});
