// Parsing ban targets from arguments and files: canonical forms, comments, and errors that name the place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetArgs, parseTargetText } from '../../src/bans/targets.js';
import { parseTarget, type Target } from '../../src/net/targets.js';
import { InputError } from '../../src/errors.js';
import { formatPrefix, maskBytes, parseDottedQuad, parsePrefix } from '../../src/net/address.js';
import { prng } from '../helpers/prng.js';

test('arguments become canonical targets, duplicates dropped', () => {
  const t = parseTargetArgs(['192.0.2.66', '2001:DB8:0::66', '198.51.100.0/24', '192.0.2.66/32', '2001:db8::/64']);
  assert.deepEqual(
    t.map((x) => [x.target, x.family, x.isPrefix]),
    [
      ['192.0.2.66', 4, false],
      ['2001:db8::66', 6, false],
      ['198.51.100.0/24', 4, true],
      ['2001:db8::/64', 6, true],
    ],
  );
});

test('a file allows comments and blank lines, and names the bad line', () => {
  const text = '# list\n192.0.2.1\n\n  192.0.2.2  # trailing comment\n2001:db8::1\n';
  assert.deepEqual(
    parseTargetText(text, 'list.txt').map((x) => x.target),
    ['192.0.2.1', '192.0.2.2', '2001:db8::1'],
  );
  assert.throws(
    () => parseTargetText('192.0.2.1\n192.0.2.300\n', 'list.txt', 'ban'),
    (e: unknown) =>
      e instanceof InputError &&
      e.exitCode === 1 &&
      e.message.startsWith('list.txt line 2: "192.0.2.300" is not an IPv4 or IPv6 address or prefix') &&
      e.message.includes('nothing was changed'),
  );
});

test('bad arguments, host bits and prefix lengths are named with a fix', () => {
  assert.throws(() => parseTargetArgs(['192.0.2.1', 'example.com']), /argument 2: "example.com" is not an IPv4/);
  assert.throws(() => parseTargetArgs(['10.0.0.5/8']), /host bits set; write the network, 10\.0\.0\.0\/8/);
  assert.throws(() => parseTargetArgs(['10.0.0.0/33']), /prefix length "33" must be a whole number from 0 to 32/);
  assert.throws(() => parseTargetArgs(['x', 'y', 'z']), /and 2 more bad values/);
});

test('IPv4 networks read by the quick path are the targets the general parser makes of them', () => {
  // The general parser's reading of one value, as parseTarget had it before the quick path.
  const general = (text: string): Target | 'refused' => {
    const p = parsePrefix(text, false);
    if (typeof p === 'string') return 'refused';
    if (maskBytes(p.bytes, p.length).some((b, i) => b !== p.bytes[i])) return 'refused';
    const target = formatPrefix(p);
    if (p.family === 4 && p.length === 32) return { target, family: 4, isPrefix: false, v4: parseDottedQuad(target) };
    return { target, family: p.family, prefix: p, isPrefix: p.length < (p.family === 4 ? 32 : 128) };
  };
  const rnd = prng(31);
  const octets = ['0', '1', '10', '128', '192', '255', '256', '01'];
  const lengths = ['0', '1', '7', '8', '16', '24', '31', '32', '33', '05', '024', '', 'x'];
  for (let n = 0; n < 30_000; n++) {
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
    const addr = rnd() < 0.5 ? [pick(octets), pick(octets), pick(octets), pick(octets)].join('.') : randomQuad(rnd);
    const text = `${addr}/${pick(lengths)}`;
    const got = parseTarget(text, 'x');
    const want = general(text);
    if (want === 'refused') assert.equal(typeof got, 'string', text);
    else assert.deepEqual(got, want, text);
  }
});

function randomQuad(rnd: () => number): string {
  const a = Math.floor(rnd() * 2 ** 32);
  const zeros = Math.floor(rnd() * 33);
  const net = zeros === 32 ? 0 : a - (a % 2 ** zeros);
  return [net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.');
}
