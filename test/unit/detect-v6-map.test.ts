// The IPv6-keyed map behind the engine's source table and replay's survey, checked against a plain Map of strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { V6Map } from '../../src/detect/v6-map.js';
import { prng } from '../helpers/prng.js';

function keyOf(n: number): Uint8Array {
  // A few distinct keys that differ only in a late byte, so probe chains and collisions get exercised.
  const k = new Uint8Array(16);
  k[0] = 0x20;
  k[1] = 0x01;
  k[14] = n >> 8;
  k[15] = n & 0xff;
  return k;
}

const text = (k: Uint8Array) => Buffer.from(k).toString('hex');

test('V6Map agrees with a string-keyed Map under random set, get and delete', () => {
  for (const seed of [1, 2, 3]) {
    const rnd = prng(seed);
    const m = new V6Map<number>();
    const model = new Map<string, number>();
    for (let step = 0; step < 20_000; step++) {
      const k = keyOf(Math.floor(rnd() * 700));
      const r = rnd();
      if (r < 0.45) {
        m.set(k, step);
        // the model keeps first-insertion order on overwrite, as the map must
        model.set(text(k), step);
      } else if (r < 0.7) {
        assert.equal(m.delete(k), model.delete(text(k)), `delete at step ${step}`);
      } else {
        assert.equal(m.get(k), model.get(text(k)), `get at step ${step}`);
      }
      assert.equal(m.size, model.size);
    }
    const listed = [...m.entries()].map(([k, v]) => [text(k), v]);
    assert.deepEqual(listed, [...model.entries()]);
  }
});

test("V6Map copies its keys: changing the caller's buffer afterwards changes nothing", () => {
  const m = new V6Map<string>();
  const k = keyOf(1);
  m.set(k, 'a');
  k[15] = 2;
  assert.equal(m.get(k), undefined);
  assert.equal(m.get(keyOf(1)), 'a');
  const [[stored]] = [...m.entries()];
  stored[0] = 0xff; // an entry's key is a copy too
  assert.equal(m.get(keyOf(1)), 'a');
});

test('V6Map stays small under churn: deleted entries are dropped when it rehashes', () => {
  const m = new V6Map<number>();
  for (let i = 0; i < 100_000; i++) {
    m.set(keyOf(i & 0xffff), i);
    m.delete(keyOf(i & 0xffff));
  }
  assert.equal(m.size, 0);
  assert.deepEqual([...m.entries()], []);
  const internals = m as unknown as { keys: Uint8Array; slots: Int32Array };
  assert.ok(internals.slots.length <= 64 && internals.keys.length <= 64 * 8, 'storage grew with churn');
  m.set(keyOf(7), 7);
  assert.equal(m.get(keyOf(7)), 7);
});
