// The pure parts of the watch's defences: which nf_tables notifications start a check, and the rate cap's window.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mentionsDeletion } from '../../src/netlink/nftables/monitor.js';
import { BanWindow } from '../../src/respond/rate-cap.js';

function notification(...types: number[]): Buffer {
  const parts = types.map((t) => {
    const b = Buffer.alloc(20);
    b.writeUInt32LE(20, 0);
    b.writeUInt16LE(t, 4);
    return b;
  });
  return Buffer.concat(parts);
}

test('deletions of tables, chains, rules and sets start a check; element changes and new objects do not', () => {
  const nft = (op: number) => (10 << 8) | op;
  for (const op of [2, 5, 8, 11]) assert.equal(mentionsDeletion(notification(nft(op))), true, `op ${op}`);
  for (const op of [0, 3, 6, 9, 12, 14, 15]) assert.equal(mentionsDeletion(notification(nft(op))), false, `op ${op}`);
  // A datagram carrying several messages (a flush ruleset): any deletion among them counts.
  assert.equal(mentionsDeletion(notification(nft(15), nft(14), nft(2))), true);
  // Another subsystem's message type with the same low byte is not ours.
  assert.equal(mentionsDeletion(notification((4 << 8) | 2)), false);
});

test('the window: the weakest ban is the one with fewest ports, then least recently seen; only bans already made', () => {
  let now = 0;
  const w = new BanWindow(3, () => now);
  const a = w.take('a', { ports: 1, lastSeen: 10 });
  const b = w.take('b', { ports: 1, lastSeen: 5 });
  const c = w.take('c', { ports: 4, lastSeen: 1 });
  assert.equal(w.hasRoom(), false);
  assert.equal(w.weakest(), undefined, 'nothing liftable while the bans are being made');
  for (const x of [a, b, c]) x.liftable = true;
  assert.equal(w.weakest(), b);
  w.release(b);
  assert.equal(w.used, 2);
  assert.equal(w.hasRoom(), true, 'a released slot is free again');
  w.take('d', { ports: 2, lastSeen: 11 });
  now = 60_000;
  assert.equal(w.hasRoom(), true, 'bans leave the window after 60 s');
  assert.equal(w.used, 0);
});
