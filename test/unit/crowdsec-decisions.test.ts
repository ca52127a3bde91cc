// Reading Local API answers: Go durations, and each decision of a stream answer checked, kept or counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, readGoDuration } from '../../src/crowdsec/go-duration.js';
import { readStream, StreamFormatError } from '../../src/crowdsec/decisions.js';
import { HeldDecisions } from '../../src/crowdsec/held.js';
import { prng } from '../helpers/prng.js';

test('Go durations as the Local API writes them', () => {
  assert.equal(parseGoDuration('3h59m58.5s'), (3 * 3600 + 59 * 60 + 58.5) * 1000);
  assert.equal(parseGoDuration('-1.5s'), -1500);
  assert.equal(parseGoDuration('500ms'), 500);
  assert.equal(parseGoDuration('59m58.46634061s'), (59 * 60 + 58.46634061) * 1000);
  assert.equal(parseGoDuration('0'), 0);
  for (const bad of ['', '1d', 'forever', '1h-2m', 'h', '1'.repeat(80) + 's', '1.2.3s']) {
    assert.equal(parseGoDuration(bad), undefined, bad);
  }
});

/** Durations as the Local API writes them. */
const DURATIONS_SEEN = [
  '23h58m35.432856216s',
  '3h59m58.5s',
  '-1.5s',
  '500ms',
  '59m58.46634061s',
  '1h0m0s',
  '2562047h47m16.854775807s',
];

/** A random Go duration, well formed or nearly: parts of random digits, fractions, units, signs and stray bytes. */
function randomDuration(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const digits = (max: number) =>
    Array.from({ length: Math.floor(rand() * max) }, () => pick([...'0123456789'])).join('');
  if (rand() < 0.15) {
    return Array.from({ length: Math.floor(rand() * 12) }, () => pick([...'0123456789.+-hmsun\u00b5x '])).join('');
  }
  let text = rand() < 0.2 ? pick(['-', '+', '--']) : '';
  for (let parts = 1 + Math.floor(rand() * 4); parts > 0; parts--) {
    text += digits(rand() < 0.1 ? 25 : 8);
    if (rand() < 0.4) text += `.${digits(rand() < 0.1 ? 25 : 12)}`;
    text += pick(['h', 'm', 's', 'ms', 'us', '\u00b5s', 'ns', 'n', 'u', 'x', '', 'd']);
  }
  return rand() < 0.05 ? text.repeat(6) : text;
}

test('Go durations from bytes: the same value, to the bit, as from the text, wherever the bytes sit', () => {
  const rand = prng(0x60d0);
  const fixed = [
    '0',
    '-0s',
    '+0s',
    '1.s',
    '.5s',
    '.s',
    '1e3s',
    '0x10s',
    '1h1',
    '1m',
    '1ms',
    '1mss',
    '999999999999999.9s',
  ];
  const texts = [...fixed, ...DURATIONS_SEEN, ...Array.from({ length: 20_000 }, () => randomDuration(rand))];
  let valid = 0;
  for (const text of texts) {
    const bytes = Buffer.from(text, 'latin1');
    // Bytes around it that would read as a unit or digit if the reader strayed past either end.
    const before = Buffer.from(rand() < 0.5 ? '9' : '');
    const after = Buffer.from(rand() < 0.5 ? 's' : rand() < 0.5 ? '5s' : '');
    const b = Buffer.concat([before, bytes, after]);
    const got = readGoDuration(b, before.length, before.length + bytes.length);
    const want = parseGoDuration(bytes.toString('latin1'));
    assert.ok(Object.is(got, want), `${JSON.stringify(text)}: ${got} from bytes, ${want} from text`);
    if (want !== undefined) valid++;
  }
  // Most are durations: the values compared, not only the refusals.
  assert.ok(valid > texts.length / 8, `${valid} of ${texts.length} valid`);
});

const d = (over: Record<string, unknown>) => ({
  id: 1,
  origin: 'cscli',
  scenario: 's',
  scope: 'Ip',
  type: 'ban',
  value: '192.0.2.1',
  duration: '1h',
  ...over,
});

test('usable decisions are kept in canonical form; ranges keep their length', () => {
  const b = readStream({
    new: [
      d({ value: '192.0.2.1' }),
      d({ id: 2, value: '2001:DB8:0:0::66' }),
      d({ id: 3, scope: 'Range', value: '198.51.100.0/24' }),
      d({ id: 4, scope: 'range', value: '2001:db8:1::/48' }),
    ],
    deleted: [d({ id: 5, value: '192.0.2.9', duration: '-3.2s' })],
  });
  assert.deepEqual(
    b.added.map((x) => [x.target, x.family, x.isRange]),
    [
      ['192.0.2.1', 4, false],
      ['2001:db8::66', 6, false],
      ['198.51.100.0/24', 4, true],
      ['2001:db8:1::/48', 6, true],
    ],
  );
  assert.equal(b.deleted[0].remainingMs, -3200);
  assert.deepEqual(b.ignored, {});
});

test('other types and scopes, bad values, durations and fields are counted, never thrown', () => {
  const b = readStream(
    {
      new: [
        d({ type: 'captcha' }),
        d({ scope: 'Country', value: 'FR' }),
        d({ value: '192.0.2.300' }),
        d({ scope: 'Range', value: '192.0.2.1' }),
        d({ duration: 'forever' }),
        d({ origin: 'a"b' }),
        d({ value: 7 }),
        null,
        'x',
        [],
        d({ origin: 'CAPI' }),
      ],
      deleted: null,
    },
    ['cscli', 'crowdsec'],
  );
  assert.equal(b.added.length, 0);
  assert.deepEqual(b.ignored, { 'type:captcha': 1, 'scope:Country': 1, malformed: 8, 'origin:CAPI': 1 });
});

test('an answer that is not an object of lists is a StreamFormatError', () => {
  for (const body of [null, [], 'x', 3, { new: 'x' }, { deleted: {} }]) {
    assert.throws(() => readStream(body), StreamFormatError);
  }
  assert.deepEqual(readStream({ new: null, deleted: null }).added, []);
});

test('two decisions on one address: deleting one keeps the ban, the kernel keeps the longest', () => {
  const held = new HeldDecisions();
  const now = 1_000_000;
  const t = '192.0.2.1';
  const v4 = 0xc0000201;
  held.startAnswer(true);
  assert.equal(held.added(t, v4, 1, now + 3_600_000), now + 3_600_000);
  assert.equal(held.addedBefore, false);
  assert.equal(held.added(t, v4, 2, now + 7_200_000), now + 7_200_000);
  assert.equal(held.addedBefore, true);
  // A shorter decision of the same answer asks nothing more of the kernel.
  assert.equal(held.added(t, v4, 3, now + 60_000), -1);
  held.startAnswer(false);
  assert.equal(held.deleted(t, v4, 2, now), false);
  assert.equal(held.deleted(t, v4, 3, now), false);
  assert.equal(held.deleted(t, v4, 1, now), true);
  assert.equal(held.has(t), false);
  // A delete and a fresh decision in one answer, in either order: deletes count first, the add wins.
  held.startAnswer(false);
  assert.equal(held.deleted(t, v4, 3, now), true);
  assert.equal(held.added(t, v4, 4, now + 1000), now + 1000);
  held.startAnswer(false);
  assert.equal(held.added(t, v4, 5, now + 2000), now + 2000);
  assert.equal(held.deleted(t, v4, 5, now), false, 'the add of this answer wins over its delete');
  assert.equal(held.deleted(t, v4, 4, now), false);
  // Decisions already over go when any delete names their target.
  held.startAnswer(false);
  assert.equal(held.deleted(t, v4, 99, now + 5000), true);
  // A startup answer forgets what was held.
  held.added('192.0.2.2', 0xc0000202, 9, now + 1000);
  held.startAnswer(true);
  assert.equal(held.size, 0);
});
