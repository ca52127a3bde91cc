// parseIgnoreText: IPv4/IPv6 addresses and prefixes, comments, masking on both sides, bad lines by file and line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIgnoreText } from '../../src/config/ignore.js';
import { formatPrefix, parseAddress, prefixContains } from '../../src/net/address.js';

test('addresses and prefixes of both families, with comments and blank lines', () => {
  const { entries, problems } = parseIgnoreText(
    '# list\n127.0.0.1\n\n10.0.0.0/8  # lab\n  2001:db8::/32\n::1\n0.0.0.0\r\n',
    '/etc/portsentry/portsentry.ignore',
  );
  assert.deepEqual(problems, []);
  assert.deepEqual(
    entries.map((e) => [formatPrefix(e.prefix), e.line, e.text]),
    [
      ['127.0.0.1', 2, '127.0.0.1'],
      ['10.0.0.0/8', 4, '10.0.0.0/8'],
      ['2001:db8::/32', 5, '2001:db8::/32'],
      ['::1', 6, '::1'],
      ['0.0.0.0', 7, '0.0.0.0'],
    ],
  );
  assert.ok(entries.every((e) => e.file === '/etc/portsentry/portsentry.ignore'));
});

test('host bits are masked: 10.0.0.5/8 covers all of 10/8, with a warning', () => {
  const { entries, problems } = parseIgnoreText('10.0.0.5/8\n', 'ign');
  assert.equal(formatPrefix(entries[0].prefix), '10.0.0.0/8');
  assert.ok(prefixContains(entries[0].prefix, 4, parseAddress('10.99.1.2')!.bytes));
  assert.ok(!prefixContains(entries[0].prefix, 4, parseAddress('11.0.0.1')!.bytes));
  assert.equal(problems.length, 1);
  assert.equal(problems[0].severity, 'warning');
  assert.match(problems[0].message, /read as 10\.0\.0\.0\/8/);
});

test('bad lines are errors with the ignore file path, line and column', () => {
  const { entries, problems } = parseIgnoreText(
    '192.0.2.1\n10.0.0.300\n 192.0.2.0/33\n2001:db8::/129\nhost.example\n1.2.3.4 5.6.7.8\n',
    '/srv/ps.ignore',
  );
  assert.equal(entries.length, 1);
  assert.deepEqual(
    problems.map((p) => [p.severity, p.file, p.line, p.column, p.key]),
    [
      ['error', '/srv/ps.ignore', 2, 1, null],
      ['error', '/srv/ps.ignore', 3, 2, null],
      ['error', '/srv/ps.ignore', 4, 1, null],
      ['error', '/srv/ps.ignore', 5, 1, null],
      ['error', '/srv/ps.ignore', 6, 1, null],
    ],
  );
  assert.match(problems[0].message, /"10\.0\.0\.300" is not an IPv4 or IPv6 address/);
  assert.match(problems[1].message, /from 0 to 32/);
  assert.match(problems[2].message, /from 0 to 128/);
  assert.match(problems[4].message, /one address or prefix per line/);
});

test('a binary ignore file is one clean error', () => {
  const { entries, problems } = parseIgnoreText('\u0000\u0001\u0002garbage', 'ign');
  assert.deepEqual(entries, []);
  assert.equal(problems.length, 1);
  assert.match(problems[0].message, /binary file/);
});
