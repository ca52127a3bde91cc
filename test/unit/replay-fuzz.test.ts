// Mutation fuzzing of replay as a whole: every field a capture can set (lengths, interface options such as
// if_tsresol and if_tsoffset, timestamps) must end in a report (with warnings) or one InputError, never another
// exception. The decoder alone cannot show this: the report formats times the decoder passes on untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortsentinelError } from '../../src/errors.js';
import { runReplay } from '../../src/replay/run-replay.js';
import { prng } from '../helpers/prng.js';

const CAPTURES = fileURLToPath(new URL('../../../fixtures/captures/', import.meta.url));
const SEED = Number(process.env.REPLAY_FUZZ_SEED ?? 0x7153);
const ITERATIONS = Number(process.env.REPLAY_FUZZ_ITERATIONS ?? 400);

const seeds = [
  ...readdirSync(join(CAPTURES, 'decoder'))
    .filter((f) => /\.(pcap|pcapng)$/.test(f))
    .map((f) => join(CAPTURES, 'decoder', f)),
  join(CAPTURES, 'timestamp_out_of_range', 'capture.pcapng'),
]
  .map((p) => readFileSync(p))
  .filter((b) => b.length > 0);

// Values that reach the edges of the timestamp arithmetic: unit bytes, the largest counts, signed offsets.
const WORDS = [0, 1, 6, 9, 0x7f, 0x80, 0x89, 0xff, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

function mutate(rand: () => number): Buffer {
  const pick = (n: number) => Math.floor(rand() * n);
  const b = Buffer.from(seeds[pick(seeds.length)]);
  for (let r = 1 + pick(6); r > 0 && b.length >= 4; r--) {
    const at = pick(b.length - 3);
    const kind = pick(3);
    if (kind === 0) b[at] = WORDS[pick(WORDS.length)] & 0xff;
    else if (kind === 1) b.writeUInt32LE(WORDS[pick(WORDS.length)] >>> 0, at);
    else b.writeUInt32LE(Math.floor(rand() * 2 ** 32) >>> 0, at);
  }
  return b;
}

test(`mutated captures replay to a report or one InputError (${ITERATIONS} iterations, seed ${SEED})`, async () => {
  const rand = prng(SEED);
  const dir = mkdtempSync(join(tmpdir(), 'psn-replay-fuzz-'));
  let reports = 0;
  let warned = 0;
  try {
    for (let i = 0; i < ITERATIONS; i++) {
      const file = join(dir, `fuzz-${i}.pcapng`);
      writeFileSync(file, mutate(rand));
      try {
        const report = await runReplay({ captures: [file], configPath: 'embedded', keepAlerts: true, keepLog: true });
        reports++;
        if (report.warnings.some((w) => w.includes('timestamp outside'))) warned++;
        JSON.stringify(report);
      } catch (err) {
        if (!(err instanceof PortsentinelError)) {
          assert.fail(`iteration ${i} (seed ${SEED}) threw ${(err as Error)?.stack ?? String(err)}`);
        }
        assert.ok(!err.message.includes('\n'), `iteration ${i}: ${err.message}`);
      }
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.ok(reports > ITERATIONS / 4, `only ${reports} reports`);
  assert.ok(warned > 0, 'no mutation reached an out-of-range timestamp');
});
