// The never-ban matcher (pure, over given lists) and the parsers of the files its lists come from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildNeverBanMatcher,
  gatherNeverBanLists,
  parseIPv4Routes,
  parseIPv6Routes,
  parseResolvConf,
  type NeverBanLists,
} from '../../src/firewall/never-ban.js';
import {
  formatAddress,
  parseAddress,
  parseDottedQuad,
  parsePrefix,
  uint32ToIPv4Bytes,
  type Prefix,
} from '../../src/net/address.js';
import type { IgnoreEntry } from '../../src/config/types.js';
import { prng } from '../helpers/prng.js';

const p = (text: string): Prefix => {
  const r = parsePrefix(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};

const ignore: IgnoreEntry[] = [
  { prefix: p('198.51.100.0/24'), file: '/etc/portsentry/portsentry.ignore', line: 3, text: '198.51.100.0/24' },
  { prefix: p('2001:db8:1::7'), file: '/etc/portsentry/portsentry.ignore', line: 4, text: '2001:db8:1::7' },
];

const routes4 =
  'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
  'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n' +
  'eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n';
const routes6 =
  '00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00450003 eth0\n' +
  '20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n';
const resolv = '# generated\nsearch example\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions ndots:1\n';

const lists: NeverBanLists = {
  hosts: [
    { address: '192.0.2.10', family: 4, bytes: p('192.0.2.10').bytes, why: "this host's own address (v0)" },
    ...parseIPv4Routes(routes4),
    ...parseIPv6Routes(routes6),
    ...parseResolvConf(resolv),
  ],
  ignore,
};
const m = buildNeverBanMatcher(lists);

test('the /proc and resolv.conf parsers find gateways and nameservers', () => {
  assert.deepEqual(
    parseIPv4Routes(routes4).map((h) => [h.address, h.why]),
    [['192.0.2.1', "this host's default gateway (eth0)"]],
  );
  assert.deepEqual(
    parseIPv6Routes(routes6).map((h) => h.address),
    ['fe80::1'],
  );
  assert.deepEqual(
    parseResolvConf(resolv).map((h) => [h.address, h.why]),
    [
      ['192.0.2.53', 'a nameserver (/etc/resolv.conf line 3)'],
      ['2001:db8::53', 'a nameserver (/etc/resolv.conf line 4)'],
    ],
  );
});

test('each rule refuses with a sentence naming it', () => {
  assert.equal(m.refusal(p('127.0.0.1')), '127.0.0.1 is loopback');
  assert.equal(m.refusal(p('127.3.4.5')), '127.3.4.5 is loopback');
  assert.equal(m.refusal(p('::1')), '::1 is loopback');
  assert.equal(m.refusal(p('0.0.0.0')), '0.0.0.0 is the unspecified address, not a host');
  assert.equal(m.refusal(p('192.0.2.10')), "192.0.2.10 is this host's own address (v0)");
  assert.equal(m.refusal(p('192.0.2.1')), "192.0.2.1 is this host's default gateway (eth0)");
  assert.equal(m.refusal(p('fe80::1')), "fe80::1 is this host's default gateway (eth0)");
  assert.equal(m.refusal(p('192.0.2.53')), '192.0.2.53 is a nameserver (/etc/resolv.conf line 3)');
  assert.equal(
    m.refusal(p('198.51.100.77')),
    '198.51.100.77 is in the ignore list (/etc/portsentry/portsentry.ignore line 3: 198.51.100.0/24)',
  );
  assert.match(m.refusal(p('2001:db8:1::7')) ?? '', /ignore list .* line 4/);
});

test('ordinary addresses pass', () => {
  for (const a of ['192.0.2.66', '203.0.113.5', '2001:db8::66', '198.51.101.1'])
    assert.equal(m.refusal(p(a)), undefined);
});

test('a prefix containing or overlapping anything protected is refused', () => {
  assert.equal(m.refusal(p('192.0.2.0/24')), "192.0.2.0/24 contains 192.0.2.10, this host's own address (v0)");
  assert.equal(m.refusal(p('0.0.0.0/0')), '0.0.0.0/0 contains loopback');
  assert.equal(m.refusal(p('::/0')), '::/0 contains loopback');
  assert.match(m.refusal(p('198.51.100.128/25')) ?? '', /^198\.51\.100\.128\/25 overlaps the ignore list/);
  assert.match(m.refusal(p('198.51.0.0/16')) ?? '', /overlaps the ignore list/);
  assert.equal(m.refusal(p('203.0.113.0/24')), undefined);
  assert.equal(m.refusal(p('2001:db8:2::/48')), undefined);
});

test('gathering reads this host (or namespace): its own addresses and loopback are protected', () => {
  const live = buildNeverBanMatcher(gatherNeverBanLists([]));
  assert.equal(live.refusal(p('127.0.0.1')), '127.0.0.1 is loopback');
  const own = gatherNeverBanLists().hosts.find((h) => h.why.startsWith("this host's own") && h.family === 4);
  if (own) assert.match(live.refusal(p(own.address)) ?? '', /own address|loopback/);
});

test('IPv4-mapped IPv6 forms of protected IPv4 hosts and ignored prefixes are refused', () => {
  assert.equal(
    m.refusal(p('::ffff:192.0.2.1')),
    "::ffff:c000:201 is IPv4-mapped: 192.0.2.1 is this host's default gateway (eth0)",
  );
  assert.match(m.refusal(p('::ffff:192.0.2.53')) ?? '', /IPv4-mapped: 192\.0\.2\.53 is a nameserver/);
  assert.match(m.refusal(p('::ffff:192.0.2.10')) ?? '', /IPv4-mapped: 192\.0\.2\.10 is this host's own address/);
  assert.match(m.refusal(p('::ffff:198.51.100.77')) ?? '', /IPv4-mapped: 198\.51\.100\.77 is in the ignore list/);
  assert.match(m.refusal(p('::ffff:127.0.0.1')) ?? '', /loopback/);
  assert.match(m.refusal(p('::ffff:192.0.2.0/120')) ?? '', /IPv4-mapped: 192\.0\.2\.0\/24 contains 192\.0\.2\.10/);
  assert.match(m.refusal(p('::ffff:0:0/96')) ?? '', /IPv4-mapped: 0\.0\.0\.0\/0 contains loopback/);
  assert.match(m.refusal(p('::ff00:0:0/88')) ?? '', /IPv4-mapped/);
  // Mapped forms of ordinary hosts, and IPv6 outside the mapped range, still pass.
  assert.equal(m.refusal(p('::ffff:192.0.2.66')), undefined);
  assert.equal(m.refusal(p('::ffff:203.0.113.0/120')), undefined);
  assert.equal(m.refusal(p('64:ff9b::c000:201')), undefined);
});

test('a canonical dotted quad is read as parseAddress reads it; anything else is left to parseAddress', () => {
  const rand = prng(0x5eed);
  const pieces = ['0', '1', '9', '10', '01', '99', '100', '199', '255', '256', '300', '000', '', ' ', '-1', 'a', '1e1'];
  const pick = () => pieces[Math.floor(rand() * pieces.length)];
  const samples = [
    '0.0.0.0',
    '255.255.255.255',
    '192.0.2.1',
    '1.2.3',
    '1.2.3.4.5',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    '::1',
  ];
  for (let i = 0; i < 5000; i++) samples.push(Array.from({ length: 3 + Math.floor(rand() * 3) }, pick).join('.'));
  for (const text of samples) {
    const v4 = parseDottedQuad(text);
    const fast = v4 < 0 ? undefined : uint32ToIPv4Bytes(v4);
    const ref = parseAddress(text);
    if (fast === undefined) {
      // Not taken: what parseAddress accepts here it must not write back the same (else the fast path missed it).
      if (ref?.family === 4) assert.notEqual(formatAddress(4, ref.bytes), text, text);
      continue;
    }
    assert.equal(ref?.family, 4, text);
    assert.deepEqual([...fast], [...ref.bytes], text);
    assert.equal(formatAddress(4, ref.bytes), text, text);
  }
});

test('without IPv6 the gathering leaves out IPv6 hosts only, and IPv4 targets are judged exactly as before', () => {
  const all = gatherNeverBanLists(ignore);
  const v4 = gatherNeverBanLists(ignore, { ipv6: false });
  assert.deepEqual(
    v4.hosts,
    all.hosts.filter((h) => h.family === 4),
  );
  assert.equal(v4.ignore, all.ignore);
  // The same holds for the parsers, on the fixed texts above.
  assert.deepEqual(
    parseResolvConf(resolv, undefined, false),
    parseResolvConf(resolv).filter((h) => h.family === 4),
  );
  // A matcher that knows this host's IPv4 hosts only answers every IPv4 question as the full one does.
  const extra = [...all.hosts, ...lists.hosts];
  const full = buildNeverBanMatcher({ hosts: extra, ignore });
  const narrow = buildNeverBanMatcher({ hosts: extra.filter((h) => h.family === 4), ignore });
  const rand = prng(4);
  const known = extra.filter((h) => h.family === 4).map((h) => h.address);
  const questions = [...known, '127.0.0.1', '0.0.0.0', '198.51.100.9', '192.0.2.0/24', '0.0.0.0/0', '10.0.0.0/8'];
  for (let i = 0; i < 2000; i++) {
    const v = Math.floor(rand() * 2 ** 32);
    const len = rand() < 0.5 ? 32 : Math.floor(rand() * 33);
    questions.push(`${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}/${len}`);
  }
  for (const q of questions) {
    const target = p(q);
    assert.equal(narrow.refusal(target), full.refusal(target), q);
    if (target.length === 32) {
      const v = ((target.bytes[0] << 24) | (target.bytes[1] << 16) | (target.bytes[2] << 8) | target.bytes[3]) >>> 0;
      assert.equal(narrow.refusal4?.(v), full.refusal4?.(v), q);
      assert.deepEqual(narrow.refusedAt4?.(Uint32Array.of(v)), full.refusedAt4?.(Uint32Array.of(v)), q);
    }
  }
});
