// The byte-level ban file reader and the packed target list against the general text parser they stand in for:
// random and edge-case files must give the same targets in the same order, or the same error; never-ban
// screening of a packed list must refuse exactly what screening target by target refuses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTargetArgs, parseTargetBytes, parseTargetText } from '../../src/bans/targets.js';
import { prefixOf, TargetList, type Target } from '../../src/net/targets.js';
import { screenTargets, type Refusal } from '../../src/bans/ban.js';
import { buildNeverBanMatcher, type NeverBanMatcher } from '../../src/firewall/never-ban.js';
import { parsePrefix, type Prefix } from '../../src/net/address.js';
import { prng } from '../helpers/prng.js';

type Rand = () => number;
const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const octet = (rand: Rand): number =>
  rand() < 0.2 ? pick(rand, [0, 1, 9, 10, 99, 100, 199, 255]) : Math.floor(rand() * 256);
const quad = (rand: Rand): string => `${octet(rand)}.${octet(rand)}.${octet(rand)}.${octet(rand)}`;

/** One line of a ban file: mostly addresses, with every kind of oddity the readers must agree on. */
function randomLine(rand: Rand, recent: string[]): string {
  const r = rand();
  if (r < 0.35) return quad(rand);
  if (r < 0.42 && recent.length > 0) return pick(rand, recent); // a repeat
  const blank = () => pick(rand, ['', ' ', '\t', '  ', '\r', '\v', '\f', ' \t ']);
  return pick(rand, [
    () => `${blank()}${quad(rand)}${blank()}`,
    () => `${quad(rand)}\r`,
    () => `${quad(rand)} # ${pick(rand, ['comment', '10.0.0.1', '', '#'])}`,
    () => `${quad(rand)}#x`,
    () => `# ${quad(rand)}`,
    () => blank(),
    () => '#',
    () => `0${quad(rand)}`,
    () => `${octet(rand)}.0${octet(rand)}.${octet(rand)}.${octet(rand)}`,
    () => `${quad(rand)}/${pick(rand, [0, 8, 24, 31, 32, 33, 99, '', 'x'])}`,
    () => `${octet(rand)}.${octet(rand)}.${octet(rand)}.0/24`,
    () =>
      pick(rand, ['2001:db8::1', '2001:DB8:0::1', '::1', '::', '::ffff:192.0.2.1', '2001:db8::/64', 'fe80::1%eth0']),
    () => pick(rand, ['256.1.1.1', '1.2.3.256', '1.2.3', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1000.1.1.1']),
    () =>
      pick(rand, [
        'example.com',
        '1.2.3.4 5',
        '1.2.3.4,',
        '\u00a01.2.3.4',
        '\ufeff1.2.3.4',
        '１.２.３.４',
        '1.2.3.4\u0000',
      ]),
    () => pick(rand, ['é', '\u2028', '\u00a0', '0.0.0.0', '255.255.255.255', '127.0.0.1', '00.0.0.0', '0.0.0.00']),
  ])();
}

function randomFile(rand: Rand, lines: number, garbage: boolean): string {
  const recent: string[] = [];
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    let line = randomLine(rand, recent);
    if (!garbage) {
      try {
        parseTargetText(line, 'probe');
      } catch {
        line = quad(rand);
      }
    }
    out.push(line);
    recent.push(line);
    if (recent.length > 8) recent.shift();
  }
  const text = out.join('\n');
  return rand() < 0.5 ? `${text}\n` : text;
}

const view = (t: Target) => ({ target: t.target, family: t.family, isPrefix: t.isPrefix, v4: t.v4 });

/** The general path: what `ban` did before the byte reader (arguments first, then the file's new targets). */
function reference(args: string[], text: string): Target[] | string {
  try {
    const targets = parseTargetArgs(args, 'ban');
    const seen = new Set(targets.map((t) => t.target));
    for (const t of parseTargetText(text, 'list.txt', 'ban')) if (!seen.has(t.target)) targets.push(t);
    return targets;
  } catch (e) {
    return (e as Error).message;
  }
}

function fast(args: string[], bytes: Buffer): TargetList | string {
  try {
    return parseTargetBytes(bytes, 'list.txt', 'ban', parseTargetArgs(args, 'ban'));
  } catch (e) {
    return (e as Error).message;
  }
}

function assertSame(args: string[], text: string, bytes = Buffer.from(text, 'utf8')): void {
  const want = reference(args, text);
  const got = fast(args, bytes);
  const input = JSON.stringify({ args, text });
  if (typeof want === 'string') {
    assert.equal(got, want, input);
    return;
  }
  assert.ok(got instanceof TargetList, `${got} for ${input}`);
  assert.deepEqual(got.toArray().map(view), want.map(view), input);
  assert.deepEqual(
    got.texts(),
    want.map((t) => t.target),
    input,
  );
  assert.equal(got.length, want.length);
}

test('edge cases read from bytes as the text parser reads them', () => {
  const cases = [
    '',
    '\n',
    '192.0.2.1',
    '192.0.2.1\n192.0.2.1\n',
    '192.0.2.1\r\n192.0.2.2\r\n',
    '  192.0.2.1  \n\t192.0.2.2\t# why\n192.0.2.3#x\n# 192.0.2.4\n#\n\n \r\n',
    '0.0.0.0\n255.255.255.255\n1.1.1.1',
    '010.0.0.1\n',
    '192.0.2.01\n',
    '192.0.2.1/32\n192.0.2.1\n',
    '192.0.2.0/24\n192.0.2.1\n2001:db8::1\n2001:DB8::1\n192.0.2.0/24\n',
    '192.0.2.300\n',
    '1.2.3.4.5\n',
    '1.2.3.4 5\n',
    '\u00a0192.0.2.1\n',
    '\ufeff192.0.2.1\n192.0.2.2\n',
    '10.0.0.5/8\n',
    'x\ny\nz\n',
    '10.0.0.3\n10.0.0.1\n10.0.0.2\n10.0.0.1\n10.0.0.3\n',
    '10.0.0.1\n2001:db8::/64\n10.0.0.0\n10.0.0.2\n10.0.0.1\n::1\n',
    '10.0.0.0/8\n10.0.0.0/08\n',
    '10.0.0.0/8x\n10.0.0.0 /8\n10.0.0.0/\n10.0.0.0/8/8\n10.0.0.0/33\n10.0.0.0/100\n10.0.0.0/-8\n',
    ' 10.0.0.0/8 # why\n\t192.0.2.0/24\r\n0.0.0.0/0\n10.0.0.1/32\n10.0.0.1\n255.255.255.255/32',
    '10.1.0.0/16\n10.0.0.0/8\n10.0.0.0\n10.0.0.0/32\n10.1.0.0/16\n10.0.0.0/8#x\n2001:db8::/64\n',
    '10.0.0.1/8\n10.0.0.0/24',
    '172.16.0.0/31\n172.16.0.2/31\n172.16.0.4/30\n172.16.0.0/29\n',
  ];
  for (const text of cases) {
    assertSame([], text);
    assertSame(['10.0.0.1', '2001:db8::1', '192.0.2.1'], text);
  }
});

test('random files: same targets in the same order, or the same error naming file and line', () => {
  const rand = prng(0x5eed);
  for (let i = 0; i < 1500; i++) {
    const text = randomFile(rand, 1 + Math.floor(rand() * 40), rand() < 0.3);
    const args = rand() < 0.3 ? [quad(rand), pick(rand, ['2001:db8::9', '198.51.100.0/24', quad(rand)])] : [];
    assertSame(args, text);
  }
});

test('bytes that are not UTF-8 give the same error as their decoded text', () => {
  const rand = prng(0xb17e5);
  for (let i = 0; i < 300; i++) {
    const bytes = Buffer.from(randomFile(rand, 1 + Math.floor(rand() * 10), false), 'utf8');
    const noisy = Buffer.concat([bytes, Buffer.from([0x0a, 0xc3, 0x28, 0xe2, 0x82, 0x0a, 0xff, 0x31, 0x0a])]);
    for (let k = Math.floor(rand() * 3); k > 0; k--)
      noisy[Math.floor(rand() * noisy.length)] = Math.floor(rand() * 256);
    assertSame([], noisy.toString('utf8'), noisy);
  }
});

test('a long sorted file and a shuffled one with repeats both come out deduplicated in first-seen order', () => {
  const rand = prng(42);
  const sorted = Array.from({ length: 5000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  assertSame([], sorted.join('\n'));
  const shuffled = sorted
    .map((s) => [rand(), s] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, s]) => s);
  const withRepeats = [...shuffled, ...shuffled.slice(0, 700), '2001:db8::1', ...shuffled.slice(100, 200)];
  assertSame(['10.0.0.7'], withRepeats.join('\n'));
  const list = parseTargetBytes(Buffer.from(withRepeats.join('\n')), 'f');
  assert.equal(list.v4.length, 5000);
  assert.deepEqual(list.otherAt, [5000]);
});

test('TargetList.from and toArray round-trip, texts(max) is a prefix of texts()', () => {
  const targets = parseTargetArgs(['2001:db8::1', '192.0.2.1', '198.51.100.0/24', '192.0.2.2', '::/0']);
  const list = TargetList.from(targets);
  assert.deepEqual(list.toArray().map(view), targets.map(view));
  assert.deepEqual(list.texts(), ['2001:db8::1', '192.0.2.1', '198.51.100.0/24', '192.0.2.2', '::/0']);
  assert.deepEqual(list.texts(3), ['2001:db8::1', '192.0.2.1', '198.51.100.0/24']);
  assert.deepEqual(list.texts(0), []);
  assert.equal(list.length, 5);
});

const p = (text: string): Prefix => {
  const r = parsePrefix(text);
  if (typeof r === 'string') throw new Error(r);
  return r;
};
const host = (address: string, why: string) => ({ address, family: 4 as const, bytes: p(address).bytes, why });

const matcher = buildNeverBanMatcher({
  hosts: [
    host('192.0.2.10', "this host's own address (v0)"),
    host('192.0.2.1', "this host's default gateway (eth0)"),
    host('10.1.2.3', 'a nameserver (/etc/resolv.conf line 3)'),
    { address: 'fe80::1', family: 6, bytes: p('fe80::1').bytes, why: "this host's default gateway (eth0)" },
  ],
  ignore: [
    { prefix: p('198.51.100.0/24'), file: 'ignore', line: 3, text: '198.51.100.0/24' },
    { prefix: p('10.9.0.0/16'), file: 'ignore', line: 4, text: '10.9.0.0/16' },
    { prefix: p('2001:db8:1::7'), file: 'ignore', line: 5, text: '2001:db8:1::7' },
  ],
});

/** Screening one target at a time, as `ban` did before targets were packed. */
function screenOneByOne(targets: Target[], m: NeverBanMatcher, force: boolean) {
  const allowed: string[] = [];
  const refused: Refusal[] = [];
  const forced: Refusal[] = [];
  for (const t of targets) {
    const rule = m.refusal(prefixOf(t), t.target);
    if (rule === undefined) allowed.push(t.target);
    else if (force) {
      forced.push({ address: t.target, rule });
      allowed.push(t.target);
    } else refused.push({ address: t.target, rule });
  }
  return { allowed, refused, forced };
}

test('refusedAt4 finds exactly the addresses refusal4 refuses, and refusal4 says what refusal says', () => {
  const rand = prng(7);
  const values = new Uint32Array(20_000);
  const special = ['0.0.0.0', '127.0.0.1', '127.255.255.255', '192.0.2.10', '192.0.2.1', '10.1.2.3', '198.51.100.9'];
  for (let i = 0; i < values.length; i++) {
    const text = rand() < 0.05 ? pick(rand, special) : rand() < 0.1 ? `10.9.${octet(rand)}.${octet(rand)}` : quad(rand);
    const b = p(text).bytes;
    values[i] = ((b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]) >>> 0;
  }
  const want: number[] = [];
  values.forEach((v, i) => {
    const text = `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
    const rule = matcher.refusal4!(v);
    assert.equal(rule, matcher.refusal(p(text), text), text);
    assert.equal(matcher.refusal4!(v, text), rule);
    if (rule !== undefined) want.push(i);
  });
  assert.ok(want.length > 100);
  assert.deepEqual(matcher.refusedAt4!(values), want);
});

test('screening a packed list refuses, forces and keeps in input order, as screening one by one does', () => {
  const rand = prng(99);
  const refusable = ['127.0.0.1', '0.0.0.0', '192.0.2.10', '192.0.2.1', '10.1.2.3', '198.51.100.20', '10.9.1.1'];
  const others = [
    'fe80::1',
    '2001:db8:1::7',
    '::1',
    '192.0.2.0/24',
    '2001:db8::/64',
    '203.0.113.0/24',
    '::ffff:10.1.2.3',
  ];
  for (let i = 0; i < 400; i++) {
    const args: string[] = [];
    for (let n = Math.floor(rand() * 30); n > 0; n--) {
      const r = rand();
      args.push(r < 0.5 ? quad(rand) : r < 0.75 ? pick(rand, refusable) : pick(rand, others));
    }
    const targets = parseTargetArgs(args);
    const list = TargetList.from(targets);
    for (const force of [false, true]) {
      const want = screenOneByOne(targets, matcher, force);
      const got = screenTargets(list, matcher, force);
      assert.deepEqual(got.refused, want.refused, JSON.stringify(args));
      assert.deepEqual(got.forced, want.forced, JSON.stringify(args));
      assert.deepEqual(got.allowed.texts(), want.allowed, JSON.stringify(args));
      if (want.refused.length === 0) assert.equal(got.allowed, list, 'nothing dropped: the same list');
    }
    // A matcher with only the general method screens the same way.
    const plain: NeverBanMatcher = { refusal: (t, text) => matcher.refusal(t, text) };
    assert.deepEqual(screenTargets(list, plain).allowed.texts(), screenOneByOne(targets, matcher, false).allowed);
  }
});
