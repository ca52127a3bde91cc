// Packet times in reports: ISO 8601 UTC with microseconds, whatever order the timestamps come in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPacketTime } from '../../src/replay/time.js';
import { prng } from '../helpers/prng.js';

function reference(ts: number): string {
  const ms = Math.floor(ts / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(Math.floor(ts - ms * 1000)).padStart(3, '0')}Z`;
}

test('formatPacketTime matches the Date-based text for random and edge timestamps', () => {
  assert.equal(formatPacketTime(1_700_000_000_123_456), '2023-11-14T22:13:20.123456Z');
  assert.equal(formatPacketTime(0), '1970-01-01T00:00:00.000000Z');
  assert.equal(formatPacketTime(1_700_000_000_999_999), '2023-11-14T22:13:20.999999Z');
  assert.equal(formatPacketTime(1_700_000_001_000_000), '2023-11-14T22:13:21.000000Z');
  const rnd = prng(7);
  let ts = 1_790_000_000e6;
  for (let i = 0; i < 20_000; i++) {
    // mostly small steps (the cached second is reused), sometimes jumps back and forth
    ts = rnd() < 0.05 ? Math.floor(rnd() * 4e15) : ts + Math.floor(rnd() * 300_000);
    assert.equal(formatPacketTime(ts), reference(ts), String(ts));
  }
});
