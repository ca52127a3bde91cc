// Capture containers: classic pcap in both byte orders and resolutions, pcapng sections and interfaces, streaming
// in arbitrary chunks and from stdin, and the clear errors for input that is not a usable capture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.js';
import { formatAddress, uint32ToIPv4 } from '../../src/net/address.js';
import { CaptureDecoder } from '../../src/packet/capture-decoder.js';
import { readCapture } from '../../src/packet/read-capture.js';
import type { CaptureStats, Packet } from '../../src/packet/types.js';
import { toolSkipReason } from '../helpers/tools.js';

const DIR = fileURLToPath(new URL('../../../fixtures/captures/decoder/', import.meta.url));
const RECORDINGS = fileURLToPath(new URL('../../../fixtures/captures', import.meta.url));
/** make-fixtures.py: first packet at this second, fraction 123456 µs; each next packet +1 s +1 µs. */
const T0 = 1_790_000_000 * 1e6 + 123456;

interface Seen {
  ts: number;
  src: string;
  dst: string;
  proto: number;
  srcPort: number;
  dstPort: number;
  tcpFlags: number;
  icmpType: number;
  wireLength: number;
  outgoing: boolean | undefined;
}

function see(p: Packet): Seen {
  return {
    ts: p.ts,
    src: p.family === 4 ? uint32ToIPv4(p.src4) : formatAddress(6, p.src6),
    dst: p.family === 4 ? uint32ToIPv4(p.dst4) : formatAddress(6, p.dst6),
    proto: p.proto,
    srcPort: p.srcPort,
    dstPort: p.dstPort,
    tcpFlags: p.tcpFlags,
    icmpType: p.icmpType,
    wireLength: p.wireLength,
    outgoing: p.outgoing,
  };
}

async function collect(name: string): Promise<{ seen: Seen[]; stats: CaptureStats }> {
  const seen: Seen[] = [];
  const stats = await readCapture(DIR + name, (p) => seen.push(see(p)));
  return { seen, stats };
}

/** Feeds `bytes` to a CaptureDecoder in pieces of `size` bytes. */
function decodeInPieces(bytes: Buffer, size: number, name = 'x'): { seen: Seen[]; stats: CaptureStats } {
  const seen: Seen[] = [];
  const d = new CaptureDecoder((p) => seen.push(see(p)), name);
  for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
  return { seen, stats: d.end() };
}

async function rejects(name: string, pattern: RegExp): Promise<void> {
  await assert.rejects(
    readCapture(DIR + name, () => {}),
    (err: unknown) => {
      assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes('\n'), 'one sentence, no stack');
      return true;
    },
  );
}

const BASIC = [
  { src: '192.0.2.66', dst: '192.0.2.10', proto: 6, srcPort: 40000, dstPort: 80, tcpFlags: 0x02, icmpType: -1 },
  { src: '192.0.2.66', dst: '192.0.2.10', proto: 17, srcPort: 40001, dstPort: 53, tcpFlags: 0, icmpType: -1 },
  { src: '192.0.2.66', dst: '192.0.2.10', proto: 1, srcPort: 0, dstPort: 0, tcpFlags: 0, icmpType: 8 },
  { src: '2001:db8::66', dst: '2001:db8::10', proto: 6, srcPort: 40002, dstPort: 443, tcpFlags: 0x02, icmpType: -1 },
];

for (const name of ['pcap-us-le.pcap', 'pcap-us-be.pcap']) {
  test(`${name}: microsecond pcap decodes every field`, async () => {
    const { seen, stats } = await collect(name);
    assert.equal(stats.format, 'pcap');
    assert.deepEqual(stats.linkTypes, ['EN10MB']);
    assert.equal(stats.packets, 4);
    assert.equal(stats.nanosecond, false);
    assert.equal(stats.truncated, false);
    assert.deepEqual(
      seen.map(({ src, dst, proto, srcPort, dstPort, tcpFlags, icmpType }) => ({
        src,
        dst,
        proto,
        srcPort,
        dstPort,
        tcpFlags,
        icmpType,
      })),
      BASIC,
    );
    assert.deepEqual(
      seen.map((s) => s.ts),
      [0, 1, 2, 3].map((i) => T0 + i * 1_000_001),
    );
    assert.deepEqual(
      seen.map((s) => s.wireLength),
      [54, 43, 42, 74],
    );
  });
}

for (const name of ['pcap-ns-le.pcap', 'pcap-ns-be.pcap']) {
  test(`${name}: nanosecond pcap rounds timestamps down to µs`, async () => {
    const { seen, stats } = await collect(name);
    assert.equal(stats.nanosecond, true);
    assert.equal(seen.length, 4);
    // Fraction 123456789 ns + i µs → 123456 µs + i (the 789 ns are dropped).
    assert.deepEqual(
      seen.map((s) => s.ts),
      [0, 1, 2, 3].map((i) => T0 + i * 1_000_001),
    );
    assert.equal(seen[3].dstPort, 443);
  });
}

test('pcapng: sections of both byte orders, interfaces with their own link type and resolution, SPB', async () => {
  const { seen, stats } = await collect('sections.pcapng');
  assert.equal(stats.format, 'pcapng');
  assert.deepEqual(stats.linkTypes, ['EN10MB', 'RAW', 'LINUX_SLL2']);
  assert.equal(stats.packets, 4, 'NRB, custom and ISB blocks are not packets');
  assert.equal(stats.undecoded, 0);
  assert.equal(stats.nanosecond, true);
  assert.deepEqual(
    seen.map((s) => [s.dst, s.dstPort]),
    [
      ['192.0.2.10', 50],
      ['2001:db8::10', 51],
      ['192.0.2.10', 52],
      ['192.0.2.10', 53],
    ],
  );
  const S = 1_790_000_000 * 1e6;
  assert.equal(seen[0].ts, S + 111111, 'default resolution is µs');
  assert.equal(seen[1].ts, S + 10_000_000 + 222222, 'ns units rounded down, plus the +10 s if_tsoffset');
  assert.equal(seen[2].ts, S + 1_000_000 + 500000, '2^-20 s units');
  assert.equal(seen[3].ts, seen[2].ts, 'an SPB has no time of its own: it keeps the last one');
  assert.equal(seen[3].proto, 17);
});

test('records split across chunks of any size decode the same as whole files', async () => {
  for (const name of ['pcap-us-be.pcap', 'sections.pcapng', 'ipv4-fragments.pcap', 'nmap-f-any.pcap']) {
    const bytes = readFileSync(DIR + name);
    const whole = decodeInPieces(bytes, bytes.length);
    for (const size of [1, 3, 7, 16, 25, 100]) {
      const pieces = decodeInPieces(bytes, size);
      assert.deepEqual(pieces.seen, whole.seen, `${name} in ${size}-byte pieces`);
      assert.deepEqual(pieces.stats, whole.stats);
    }
  }
});

test("'-' reads the capture from stdin (tcpdump -w - | portsentinel replay -)", async () => {
  const bytes = readFileSync(DIR + 'pcap-us-le.pcap');
  const stdin = Readable.from([bytes.subarray(0, 30), bytes.subarray(30, 31), bytes.subarray(31)]);
  const seen: number[] = [];
  const stats = await readCapture('-', (p) => seen.push(p.dstPort), { stdin });
  assert.deepEqual(seen, [80, 53, 0, 443]);
  assert.equal(stats.packets, 4);
});

test('stdin that is not a capture is named as standard input', async () => {
  const stdin = Readable.from([Buffer.from('hello world\n')]);
  await assert.rejects(
    readCapture('-', () => {}, { stdin }),
    /^InputError: standard input is not a pcap/,
  );
});

test('onProgress reports the bytes read and the file size at the end', async () => {
  const calls: Array<[number, number | undefined]> = [];
  await readCapture(DIR + 'pcap-us-le.pcap', () => {}, { onProgress: (r, t) => calls.push([r, t]) });
  assert.deepEqual(calls, [[301, 301]]);
});

test('a file cut mid-record: the complete records are judged, the cut is reported', async () => {
  const { seen, stats } = await collect('truncated.pcap');
  assert.equal(seen.length, 3);
  assert.equal(stats.truncated, true);
  // The fourth record starts after the file header and three records (16-byte headers + 54, 43, 42 bytes).
  assert.equal(stats.truncatedAt, 24 + 16 * 3 + 54 + 43 + 42);
});

test('a record cut short by the snaplen is counted as short and skipped', async () => {
  const { seen, stats } = await collect('snaplen-short.pcap');
  assert.equal(stats.packets, 2);
  assert.equal(stats.short, 1);
  assert.deepEqual(
    seen.map((s) => s.dstPort),
    [42],
    'the first SYN, cut after 40 bytes, has its ports but not its flags: skipped',
  );
  assert.equal(stats.undecoded, 0);
});

test('a text file is not a capture: the message shows the bytes it starts with', async () => {
  await rejects(
    'not-a-capture.txt',
    /"[^"]*not-a-capture\.txt" is not a pcap or pcapng capture: it starts with bytes 23 21 2f 75 \("#!\/u"\)$/,
  );
});

test('an empty file is named as empty', async () => {
  await rejects('empty.pcap', /empty\.pcap" is empty/);
});

test('absurd lengths are errors naming the byte offset, never allocations', async () => {
  await rejects(
    'absurd-caplen.pcap',
    /absurd-caplen\.pcap" is damaged at byte 94: a record claims 2147483632 captured bytes/,
  );
  // SHB (32 bytes) + IDB (20 bytes): the NRB with the patched length starts at byte 52.
  await rejects('bad-block-length.pcapng', /is damaged at byte 52: a block claims a length of 19088743 bytes/);
});

test('a missing file and a directory are InputErrors naming the path', async () => {
  await rejects('no-such-file.pcap', /no-such-file\.pcap" cannot be read: no such file/);
  await assert.rejects(
    readCapture(DIR, () => {}),
    (err: unknown) => err instanceof InputError && /directory/.test(err.message),
  );
});

test('a file that ends inside its header is an error, not an empty capture', () => {
  const bytes = readFileSync(DIR + 'pcap-us-le.pcap');
  assert.throws(
    () => decodeInPieces(bytes.subarray(0, 20), 5, 'cut.pcap'),
    /"cut\.pcap" ends after 20 bytes, inside its file header/,
  );
  assert.throws(() => decodeInPieces(bytes.subarray(0, 2), 5, 'two.pcap'), /it holds only 2 bytes/);
});

test(
  'every recorded scan capture decodes as many packets as tcpdump reads',
  { skip: toolSkipReason('tcpdump') },
  async () => {
    const files = readdirSync(RECORDINGS).flatMap((d) =>
      ['capture.pcap', 'capture.pcapng'].map((f) => `${RECORDINGS}/${d}/${f}`).filter((f) => existsSync(f)),
    );
    assert.ok(files.length >= 20);
    for (const file of files) {
      const d = file.slice(RECORDINGS.length + 1);
      const lines = execFileSync('tcpdump', ['-nr', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')
        .filter((l) => l !== '');
      let decoded = 0;
      const stats = await readCapture(file, () => decoded++);
      assert.equal(stats.packets, lines.length, `${d}: records`);
      // tcpdump prints "IP " or "IP6 " for every IP packet, fragments included; each must reach the detector,
      // the fragments of one datagram as one reassembled packet.
      const ip = lines.filter((l) => / IP6? /.test(l)).length;
      // Records whose timestamp lies past any date (timestamp_out_of_range) are counted and skipped.
      assert.equal(decoded, ip - stats.fragments + stats.reassembled - stats.badTimes, `${d}: decoded IP packets`);
      assert.equal(stats.undecoded, lines.length - ip, `${d}: undecoded`);
      assert.equal(stats.truncated, false);
    }
  },
);

test('the same recording as pcap, as pcapng (editcap) and as ns pcap (tcpdump) decodes identically', async () => {
  const pcap = await collect('nmap-f-any.pcap');
  const ng = await collect('nmap-f-any.pcapng');
  const ns = await collect('nmap-f-any-ns.pcap');
  assert.ok(pcap.seen.length > 10);
  assert.deepEqual(ng.seen, pcap.seen);
  assert.deepEqual(ns.seen, pcap.seen);
  assert.equal(ng.stats.format, 'pcapng');
  assert.equal(ns.stats.nanosecond, true);
  assert.deepEqual(
    [ng.stats.packets, ng.stats.undecoded, ng.stats.reassembled],
    [pcap.stats.packets, pcap.stats.undecoded, pcap.stats.reassembled],
  );
});
