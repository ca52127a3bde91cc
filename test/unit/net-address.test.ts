import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalAddress,
  formatAddress,
  formatPrefix,
  isLoopback,
  parseAddress,
  parsePrefix,
  prefixContains,
} from '../../src/net/address.js';
import { isIPv4 } from 'node:net';
import { prng } from '../helpers/prng.js';

test('parsePrefix masks host bits on both sides (10.0.0.5/8 covers 10/8)', () => {
  const p = parsePrefix('10.0.0.5/8');
  assert.ok(typeof p !== 'string');
  assert.equal(formatPrefix(p), '10.0.0.0/8');
  assert.ok(prefixContains(p, 4, parseAddress('10.200.1.1')!.bytes));
  assert.ok(!prefixContains(p, 4, parseAddress('11.0.0.1')!.bytes));
});

test('parsePrefix names what is wrong', () => {
  assert.match(parsePrefix('10.0.0.300') as string, /not an IPv4 or IPv6 address/);
  assert.match(parsePrefix('10.0.0.1/33') as string, /0 to 32/);
  assert.match(parsePrefix('2001:db8::/129') as string, /0 to 128/);
});

test('IPv6 canonical form follows RFC 5952', () => {
  assert.equal(canonicalAddress('2001:0DB8:0:0:0:0:0:10'), '2001:db8::10');
  assert.equal(canonicalAddress('::1'), '::1');
  assert.equal(canonicalAddress('::'), '::');
  assert.equal(canonicalAddress('2001:db8:0:1:0:0:0:1'), '2001:db8:0:1::1');
  assert.equal(canonicalAddress('::ffff:192.0.2.1'), '::ffff:c000:201');
  assert.equal(canonicalAddress('fe80::1%eth0'), undefined);
});

test('IPv6 prefixes match only inside', () => {
  const p = parsePrefix('2001:db8:1::/48');
  assert.ok(typeof p !== 'string');
  assert.ok(prefixContains(p, 6, parseAddress('2001:db8:1:ffff::1')!.bytes));
  assert.ok(!prefixContains(p, 6, parseAddress('2001:db8:2::1')!.bytes));
  assert.ok(!prefixContains(p, 4, parseAddress('10.0.0.1')!.bytes));
});

test('loopback in both families', () => {
  assert.ok(isLoopback(4, parseAddress('127.1.2.3')!.bytes));
  assert.ok(isLoopback(6, parseAddress('::1')!.bytes));
  assert.ok(isLoopback(6, parseAddress('::ffff:127.0.0.1')!.bytes));
  assert.ok(!isLoopback(4, parseAddress('192.0.2.1')!.bytes));
});

test('formatAddress agrees with the WHATWG URL serializer on random IPv6 addresses with zero runs', () => {
  const rnd = prng(5);
  for (let n = 0; n < 20_000; n++) {
    const bytes = new Uint8Array(16);
    for (let i = 0; i < 16; i += 2) {
      const r = rnd();
      if (r < 0.5) continue; // zero words make runs of every length and position
      bytes[i + 1] = Math.floor(rnd() * 256);
      if (r > 0.75) bytes[i] = Math.floor(rnd() * 256);
    }
    const full = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] << 8) | bytes[2 * i + 1]).toString(16)).join(':');
    const expected = new URL(`http://[${full}]/`).hostname.slice(1, -1);
    assert.equal(formatAddress(6, bytes), expected, full);
  }
});

test('isLoopback: ::1 and IPv4-mapped 127/8 only', () => {
  const is = (text: string) => isLoopback(6, parseAddress(text)!.bytes);
  assert.equal(is('::1'), true);
  assert.equal(is('::ffff:127.0.0.1'), true);
  assert.equal(is('::ffff:127.255.0.9'), true);
  assert.equal(is('::'), false);
  assert.equal(is('::2'), false);
  assert.equal(is('1::1'), false);
  assert.equal(is('::ffff:128.0.0.1'), false);
  assert.equal(is('::fffe:127.0.0.1'), false);
  assert.equal(is('1::ffff:127.0.0.1'), false);
});

test('parseAddress takes as IPv4 exactly the texts node:net isIPv4 takes, with the same bytes', () => {
  const rnd = prng(11);
  const parts = [
    '0',
    '1',
    '9',
    '01',
    '00',
    '10',
    '99',
    '100',
    '255',
    '256',
    '300',
    '999',
    '1000',
    '0x1',
    'a',
    '',
    ' 1',
  ];
  for (let n = 0; n < 50_000; n++) {
    const count = 1 + Math.floor(rnd() * 5);
    const text = Array.from({ length: count }, () => parts[Math.floor(rnd() * parts.length)]).join(
      rnd() < 0.95 ? '.' : ':',
    );
    const a = parseAddress(text);
    assert.equal(a?.family === 4, isIPv4(text), JSON.stringify(text));
    if (a?.family === 4) assert.equal([...a.bytes].join('.'), text);
  }
});
