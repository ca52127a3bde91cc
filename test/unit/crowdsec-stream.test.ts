// Reading decision stream answers as they arrive: the incremental scanner and the in-place decision reader must
// judge every answer exactly as JSON.parse of the whole body and checkDecision do (same decisions, same skips,
// an error exactly when that path errs), however the body is cut into chunks; and the held-decision table must
// answer as a plain map of maps would. Random answers and mutations, reproducible from their seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDecision, readStream, StreamFormatError, type Decision } from '../../src/crowdsec/decisions.js';
import { HeldDecisions } from '../../src/crowdsec/held.js';
import { readCommonDecision } from '../../src/crowdsec/read-decision.js';
import { MAX_VALUE_BYTES, parseElement, StreamScanner, type StreamList } from '../../src/crowdsec/stream-scanner.js';
import { prng } from '../helpers/prng.js';

const SEED = Number(process.env.CROWDSEC_FUZZ_SEED ?? 0x5eed);
const ITERATIONS = Number(process.env.CROWDSEC_FUZZ_ITERATIONS ?? 600);

interface Read {
  new: Decision[];
  deleted: Decision[];
  ignored: Record<string, number>;
}

/** The answer through the scanner and the reader bouncer.ts uses, in chunks cut at `cuts`. */
function scan(body: Buffer, cuts: number[], origins?: readonly string[]): Read {
  const wanted = origins && origins.length > 0 ? new Set(origins) : undefined;
  const out: Read = { new: [], deleted: [], ignored: {} };
  const scanner = new StreamScanner((list: StreamList, buf, from, to) => {
    const v =
      readCommonDecision(buf, from, to, wanted) ?? checkDecision(parseElement(buf.subarray(from, to), list), wanted);
    if ('skip' in v) out.ignored[v.skip] = (out.ignored[v.skip] ?? 0) + 1;
    // A copy: the reader may hand out one object again.
    else out[list].push({ ...v });
  });
  let at = 0;
  for (const cut of [...cuts, body.length]) {
    if (cut < at) continue;
    // Fresh memory per chunk, as the transport gives: nothing may be read from a chunk after it is passed on.
    scanner.push(Buffer.from(body.subarray(at, cut)));
    at = cut;
  }
  scanner.end();
  return out;
}

/** The reference: the whole body parsed, then checked. */
function whole(body: Buffer, origins?: readonly string[]): Read {
  const b = readStream(JSON.parse(body.toString('utf8')), origins);
  return { new: b.added, deleted: b.deleted, ignored: b.ignored };
}

type Outcome = { ok: Read } | { error: string };

function attempt(f: () => Read): Outcome {
  try {
    return { ok: f() };
  } catch (err) {
    if (err instanceof SyntaxError || err instanceof StreamFormatError) return { error: err.message };
    throw err;
  }
}

const IPS = ['192.0.2.1', '198.51.100.77', '0.0.0.0', '255.255.255.255', '10.0.0.1', '100.64.3.9'];
const VALUES = [
  ...IPS,
  '2001:db8::1',
  '2001:DB8:0:0::66',
  '::ffff:192.0.2.5',
  '198.51.100.0/24',
  '192.0.2.1/32',
  '2001:db8::/48',
  '192.0.2.300',
  '01.2.3.4',
  '1.2.3',
  '',
  'x'.repeat(70),
  'é.1.1.1',
];
const DURATIONS = ['1h', '3h59m58.5s', '23h59m58.00001s', '-1.5s', '500ms', '0', 'forever', '1d', '.5s', '1.s', '1µs'];
const LABELS = ['cscli', 'crowdsec', 'CAPI', 'lists', 'a"b', 'tab\there', 'ünïcode', '', 'x'.repeat(130)];

function randomDecision(rand: () => number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const r = rand();
  if (r < 0.03) return pick([null, 'not a decision', 7, [], true, { nested: { deep: [1, 2] } }]);
  const d: Record<string, unknown> = {
    duration: rand() < 0.9 ? pick(DURATIONS) : 3600,
    id: rand() < 0.9 ? Math.floor(rand() * 1e6) : pick([-1, 1.5, 2 ** 60, '7', null, 1e3]),
    origin: rand() < 0.95 ? pick(LABELS) : 42,
    scenario: rand() < 0.9 ? pick(LABELS) : { s: 1 },
    scope: rand() < 0.85 ? 'Ip' : pick(['Range', 'range', 'IP', 'Country', 'ip', 7]),
    type: rand() < 0.9 ? 'ban' : pick(['captcha', 'BAN', 'bun', '', null]),
    value: rand() < 0.7 ? pick(IPS) : rand() < 0.95 ? pick(VALUES) : 5,
  };
  if (rand() < 0.2) d.until = '2030-01-01T00:00:00Z';
  if (rand() < 0.1) d.simulated = false;
  if (rand() < 0.05) delete d[pick(Object.keys(d))];
  return d;
}

/** A random answer as text: either list first, nulls, other keys, spaces, escapes, repeated fields. */
function randomBody(rand: () => number): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const list = () => {
    if (rand() < 0.1) return 'null';
    const n = Math.floor(rand() * 12);
    const items = Array.from({ length: n }, () => {
      let text = JSON.stringify(randomDecision(rand), null, rand() < 0.2 ? 1 : undefined);
      // A repeated key (JSON.parse keeps the last) and an escaped character the fast reader must leave alone.
      if (rand() < 0.05 && text.startsWith('{"')) text = `{"type":"captcha",${text.slice(1)}`;
      if (rand() < 0.05) text = text.replace('"Ip"', '"\\u0049p"');
      return text;
    });
    const sep = pick([',', ', ', ',\n', ' ,\t']);
    return `[${items.join(sep)}]`;
  };
  const parts = [`"new":${list()}`, `"deleted":${list()}`];
  if (rand() < 0.5) parts.reverse();
  if (rand() < 0.2)
    parts.splice(Math.floor(rand() * 3), 0, `"extra":${pick(['{"a":[1,{"b":"}"}]}', '"]"', '12.5e3', 'true'])}`);
  if (rand() < 0.1) parts.pop();
  const ws = pick(['', ' ', '\n', '\r\n\t']);
  return Buffer.from(`${ws}{${ws}${parts.join(`,${ws}`)}${ws}}${ws}`);
}

function randomCuts(rand: () => number, length: number): number[] {
  const n = Math.floor(rand() * 6);
  return Array.from({ length: n }, () => Math.floor(rand() * (length + 1))).sort((a, b) => a - b);
}

test('random answers, cut anywhere: the same decisions and skips as JSON.parse of the whole body', () => {
  const rand = prng(SEED);
  for (let i = 0; i < ITERATIONS; i++) {
    const body = randomBody(rand);
    const origins = rand() < 0.3 ? ['cscli', 'lists'] : undefined;
    const label = `seed ${SEED} iteration ${i}: ${body.toString('utf8').slice(0, 300)}`;
    const ref = attempt(() => whole(body, origins));
    const got = attempt(() => scan(body, randomCuts(rand, body.length), origins));
    if ('ok' in ref) assert.deepEqual(got, ref, label);
    else assert.ok('error' in got, `${label}: the scanner accepted what JSON.parse refuses (${ref.error})`);
  }
});

test('mutated and truncated answers: a StreamFormatError exactly when JSON.parse or the shape check fails', () => {
  const rand = prng(SEED + 1);
  const pick = (n: number) => Math.floor(rand() * n);
  const bytes = Buffer.from('{}[]",:\\ \n0123456789.-eEtrufalsn\u00e9x\u0000');
  for (let i = 0; i < ITERATIONS * 2; i++) {
    let body = randomBody(rand);
    const kind = pick(4);
    if (kind === 0) body = body.subarray(0, pick(body.length + 1));
    else {
      body = Buffer.from(body);
      for (let r = 1 + pick(3); r > 0 && body.length > 0; r--) {
        const at = pick(body.length);
        if (kind === 1) body[at] = bytes[pick(bytes.length)];
        else if (kind === 2) body = Buffer.concat([body.subarray(0, at), body.subarray(at + 1)]);
        else
          body = Buffer.concat([
            body.subarray(0, at),
            bytes.subarray(pick(bytes.length)).subarray(0, 2),
            body.subarray(at),
          ]);
      }
    }
    const label = `seed ${SEED + 1} iteration ${i}: ${JSON.stringify(body.toString('latin1').slice(0, 300))}`;
    const ref = attempt(() => whole(body));
    const got = attempt(() => scan(body, randomCuts(rand, body.length)));
    if ('ok' in ref) {
      // The one answer JSON.parse takes and a stream cannot: a list named twice (it keeps the last).
      if ('error' in got && /appears twice/.test(got.error)) continue;
      assert.deepEqual(got, ref, label);
    } else assert.ok('error' in got, `${label}: the scanner accepted what JSON.parse refuses (${ref.error})`);
  }
});

test('an answer cut once or twice at every offset, or byte by byte: the same as JSON.parse of the whole body', () => {
  // Escapes (a quote, a backslash before the closing quote), braces and brackets inside strings, nesting, scalars
  // and blank space, each of which a cut may split.
  const body = Buffer.from(
    '{ "extra": {"a": ["}", "\\\\", {"b": "]\\""}]}, "n": -12.5e3 ,\n' +
      '"new": [{"duration":"23h58m35.432856216s","id":1,"origin":"lists","scenario":"a/b","scope":"Ip",' +
      '"type":"ban","value":"100.64.0.1"}, 7 ,"x\\"}", null, [1,[2]], ' +
      '{"duration":"1h","id":2,"origin":"cs\\u0063li","scope":"Ip","type":"ban","value":"192.0.2.9"},\t' +
      '{"duration":"-1.5s","id":3,"origin":"lists","scope":"Range","type":"ban","value":"198.51.100.0/24"}],' +
      '"deleted": [ {"duration":"1m","id":4,"origin":"lists","scope":"Ip","type":"ban","value":"10.0.0.1"} ] }',
  );
  const ref = whole(body);
  assert.equal(ref.new.length, 3);
  for (let a = 0; a <= body.length; a++) {
    assert.deepEqual(scan(body, [a]), ref, `cut at ${a}`);
    for (let b = a + 1; b <= Math.min(body.length, a + 9); b++)
      assert.deepEqual(scan(body, [a, b]), ref, `cut at ${a}, ${b}`);
  }
  assert.deepEqual(
    scan(
      body,
      Array.from({ length: body.length }, (_, i) => i),
    ),
    ref,
  );
});

/** A flat object near the edges of the fast reader: its keys, near-misses of them, odd numbers and literals. */
function randomFlat(rand: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const keys = ['id', 'value', 'duration', 'origin', 'scenario', 'scope', 'type'];
  const nearKeys = ['ids', 'i', 'scop', 'scopes', 'scenari', '', 'Type', 'valu\\u0065', 'origin ', 'durations', 's'];
  // Mostly the common decision, each field sometimes off.
  const often = <T>(xs: readonly T[]): T => (rand() < 0.75 ? xs[0] : pick(xs));
  const good: Record<string, string> = {
    id: pick(['1', '0', '-0', '42', '1.5', '1e3', '1E+2', '9007199254740993', '123456789012345678']),
    value: `"${often(['192.0.2.1', '10.0.0.255', '1.2.3.04', '255.255.255.256', '2001:db8::1', '1.2.3.4/32'])}"`,
    duration: `"${often(['1h', '23h58m35.432856216s', '-1.5s', '0', '.5s', '1.s', '1d', '1h1'])}"`,
    origin: `"${often(['lists', 'cscli', 'CAPI', '', 'é', 'a\\"b', 'tab\there'])}"`,
    scenario: `"${often(['a/b', '', 'crowdsecurity/ssh-bf'])}"`,
    scope: `"${often(['Ip', 'ip', 'IP', 'Range', 'Ipx', 'I'])}"`,
    type: `"${often(['ban', 'Ban', 'captcha', 'ba', 'bann'])}"`,
  };
  const odd = [
    '-',
    '-01',
    '01',
    '1.',
    '.5',
    '1e',
    '1e+',
    'tru',
    'true',
    'nul',
    'null',
    'false',
    'fals',
    '""',
    '"x',
    '{}',
    '[1]',
    'NaN',
  ];
  const ws = () => pick(['', '', ' ', '\n', '\t ']);
  const fields = keys.filter(() => rand() < 0.97).map((k) => [k, rand() < 0.95 ? good[k] : pick(odd)]);
  if (rand() < 0.3) fields.push([pick(nearKeys), pick([...Object.values(good), ...odd])]);
  if (rand() < 0.1) fields.push([pick(keys), pick([...Object.values(good), ...odd])]);
  for (let k = fields.length - 1; k > 0; k--) {
    const j = Math.floor(rand() * (k + 1));
    [fields[k], fields[j]] = [fields[j], fields[k]];
  }
  const text = fields.map(([k, v]) => `${ws()}"${k}"${ws()}:${ws()}${v}${ws()}`).join(',');
  return pick(['{', ' {']) + text + (rand() < 0.8 ? pick(['}', '} ']) : pick(['', '}}', '},']));
}

test('flat objects at the edges of the fast reader: the verdict of JSON.parse and checkDecision, alone or in a list cut anywhere', () => {
  const rand = prng(SEED + 3);
  let read = 0;
  for (let i = 0; i < ITERATIONS * 4; i++) {
    const text = randomFlat(rand);
    const bytes = Buffer.from(`${text}"s5`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    // Alone, with bytes after it that would read as more of it.
    const got = readCommonDecision(bytes, 0, bytes.length - 3, undefined);
    if (got !== undefined) {
      read++;
      assert.notEqual(parsed, undefined, `${text}: read, but not JSON`);
      assert.deepEqual({ ...got }, checkDecision(parsed, undefined), text);
    }
    // In a list, cut at random places, against the whole body parsed.
    if (parsed === undefined || typeof parsed !== 'object' || Array.isArray(parsed) || parsed === null) continue;
    const body = Buffer.from(`{"new":[${text.trim()},${text.trim()}],"deleted":[${text.trim()}]}`);
    const label = `seed ${SEED + 3} iteration ${i}: ${text}`;
    const ref = attempt(() => whole(body));
    const scanned = attempt(() => scan(body, randomCuts(rand, body.length)));
    if ('ok' in ref) assert.deepEqual(scanned, ref, label);
    else assert.ok('error' in scanned, label);
  }
  // The fast reader takes a good share, not only the refusals.
  assert.ok(read > ITERATIONS / 4, `${read} read in place`);
});

test('a chunk whose memory is used again: the reader never takes fields left from its earlier contents', () => {
  const flat = '{"duration":"1h","id":1,"origin":"lists","scope":"Ip","type":"ban","value":"192.0.2.1"}';
  const chunk = Buffer.from(`{"new":[${flat}, `);
  const seen: unknown[] = [];
  let calls = 0;
  const scanner = new StreamScanner((_list, buf, from, to) => {
    // The first element is left unread; the second, at the same place of the same memory, is read.
    if (calls++ === 0) return;
    seen.push(readCommonDecision(buf, from, to, undefined));
  });
  scanner.push(chunk);
  // The same bytes at the same place, but in brackets: not an object, and not JSON.
  chunk.write(`        [${flat.slice(1, -1)}]]}`, 'latin1');
  scanner.push(chunk);
  scanner.end();
  assert.deepEqual(seen, [undefined]);
});

test('bounded: a value longer than the limit, or nested too deep, is one StreamFormatError', () => {
  const long = Buffer.from(`{"new":[{"value":"${'1'.repeat(MAX_VALUE_BYTES)}"}],"deleted":null}`);
  assert.throws(() => scan(long, [10, 40_000]), StreamFormatError);
  const deep = Buffer.from(`{"new":[${'['.repeat(100)}${']'.repeat(100)}]}`);
  assert.throws(() => scan(deep, []), /nested more than 64 deep/);
  // Blank space between the elements is never kept, however much of it.
  const spaces = Buffer.concat([Buffer.from('{"new":['), Buffer.alloc(4 * MAX_VALUE_BYTES, 0x20), Buffer.from(']}')]);
  assert.deepEqual(scan(spaces, [100, 70_000, 200_000]).new, []);
});

test('messages say what is wrong and where', () => {
  const err = (text: string) => {
    try {
      scan(Buffer.from(text), []);
    } catch (e) {
      return e as StreamFormatError;
    }
    assert.fail(`no error for ${text}`);
  };
  assert.equal(err('').message, 'the answer is empty');
  assert.equal(err('').notJson, true);
  assert.match(err('{"new": [{"id": 1, "value": ').message, /cut short/);
  assert.match(err('{"new": [] "deleted": []}').message, /"," or "}" expected at byte 11/);
  assert.equal(err('[]').notJson, false);
  assert.equal(err('{"new": "x"}').message, '"new" or "deleted" is not a list');
  assert.equal(err('<html>').notJson, true);
});

/** The held-decision semantics as a map of maps: target → id → [end, answer]. */
class HeldModel {
  private readonly map = new Map<string, Map<number, [number, number]>>();
  private answer = 0;
  startAnswer(startup: boolean) {
    if (startup) this.map.clear();
    this.answer++;
  }
  deleted(t: string, id: number, now: number): boolean {
    const ids = this.map.get(t);
    if (!ids) return true;
    for (const [k, [until, a]] of ids) if (a !== this.answer && (k === id || until <= now)) ids.delete(k);
    if (ids.size > 0) return false;
    this.map.delete(t);
    return true;
  }
  added(t: string, id: number, until: number): [number, boolean] {
    let ids = this.map.get(t);
    if (!ids) this.map.set(t, (ids = new Map()));
    let before = -1;
    for (const [u, a] of ids.values()) if (a === this.answer && u > before) before = u;
    ids.set(id, [until, this.answer]);
    let longest = until;
    for (const [u] of ids.values()) if (u > longest) longest = u;
    return [before >= 0 && longest <= before ? -1 : longest, before >= 0];
  }
  drop(t: string) {
    this.map.delete(t);
  }
  get size() {
    return this.map.size;
  }
  has(t: string) {
    return this.map.has(t);
  }
}

test('held decisions: random adds, deletes and drops answer as a map of maps (table growth and deletion)', () => {
  const rand = prng(SEED + 2);
  const held = new HeldDecisions();
  const model = new HeldModel();
  // Few distinct addresses for many operations: long probe runs, chains, deletions inside runs.
  const targets = Array.from({ length: 3000 }, (_, i) =>
    i % 10 === 9 ? `2001:db8::${i.toString(16)}` : `10.${(i * 7) & 255}.${(i >> 3) & 255}.${i & 7}`,
  );
  const v4Of = (t: string) => (t.includes(':') ? -1 : t.split('.').reduce((a, o) => a * 256 + Number(o), 0));
  let now = 1_000_000;
  for (let round = 0; round < 40; round++) {
    const startup = rand() < 0.1;
    held.startAnswer(startup);
    model.startAnswer(startup);
    for (let k = 0; k < 2000; k++) {
      const t = targets[Math.floor(rand() * (round < 5 ? targets.length : 600))];
      const id = Math.floor(rand() * 8);
      const r = rand();
      if (r < 0.55) {
        const until = now + Math.floor(rand() * 10_000) - 2000;
        const got = held.added(t, v4Of(t), id, until);
        const [want, before] = model.added(t, id, until);
        assert.equal(got, want, `added ${t} ${id}`);
        assert.equal(held.addedBefore, before);
      } else if (r < 0.95) assert.equal(held.deleted(t, v4Of(t), id, now), model.deleted(t, id, now), `deleted ${t}`);
      else {
        held.drop(t, v4Of(t));
        model.drop(t);
      }
    }
    now += 1500;
    assert.equal(held.size, model.size, `round ${round}`);
    for (const t of targets.slice(0, 700)) assert.equal(held.has(t), model.has(t), `has ${t}`);
  }
});
