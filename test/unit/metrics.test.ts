// The metrics registry's values after the events it is told of, the rule counters read from nft's JSON, and
// METRICS_LISTEN's HOST:PORT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortsentinelMetrics } from '../../src/metrics/registry.js';
import { countersFromChain } from '../../src/metrics/rule-counters.js';
import { parseListen } from '../../src/metrics/serve.js';

const sample = (text: string, name: string) =>
  Number(
    text
      .split('\n')
      .find((l) => l.startsWith(name + ' '))
      ?.slice(name.length + 1),
  );

test('pull results become bans by family, refusals and request counts', async () => {
  const m = new PortsentinelMetrics({ capture: () => ({ received: 7, decoded: 7, dropped: 2, restarts: 0 }) });
  m.pulled(
    { added: 3, added4: 2, removed: 0, refused: [{ target: 'x', origin: 'o', rule: 'r' }], ignored: {}, failed: [] },
    12,
  );
  m.pullFailed(30);
  m.pushed(1, 5);
  const text = await m.registry.metrics();
  assert.equal(sample(text, 'portsentinel_bans_total{origin="crowdsec",family="4"}'), 2);
  assert.equal(sample(text, 'portsentinel_bans_total{origin="crowdsec",family="6"}'), 1);
  assert.equal(sample(text, 'portsentinel_refusals_total{reason="never-ban"}'), 1);
  assert.equal(sample(text, 'portsentinel_lapi_requests_total{op="pull",result="ok"}'), 1);
  assert.equal(sample(text, 'portsentinel_lapi_requests_total{op="pull",result="error"}'), 1);
  assert.equal(sample(text, 'portsentinel_lapi_requests_total{op="push",result="error"}'), 0);
  assert.equal(sample(text, 'portsentinel_lapi_request_seconds_count{op="pull"}'), 2);
  assert.equal(sample(text, 'portsentinel_packets_seen_total'), 7);
  assert.equal(sample(text, 'portsentinel_nflog_dropped_total'), 2);
  // Counters from the capture are not counted twice by a second scrape.
  assert.equal(sample(await m.registry.metrics(), 'portsentinel_packets_seen_total'), 7);
});

test('rule counters per ban set from `nft -j list chain`', () => {
  const rule = (set: string, packets: number) => ({
    rule: {
      expr: [
        { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: `@${set}` } },
        { counter: { packets, bytes: packets * 60 } },
        { drop: null },
      ],
    },
  });
  const doc = {
    nftables: [
      { metainfo: {} },
      { chain: {} },
      rule('banned4', 5),
      rule('bannednet6', 0),
      { rule: { expr: [{ log: {} }] } },
    ],
  };
  assert.deepEqual(countersFromChain(doc), { banned4: 5, bannednet6: 0 });
  assert.deepEqual(countersFromChain(null), {});
});

test('METRICS_LISTEN is HOST:PORT', () => {
  assert.deepEqual(parseListen('127.0.0.1:9613'), { host: '127.0.0.1', port: 9613 });
  assert.deepEqual(parseListen('[::1]:9613'), { host: '::1', port: 9613 });
  assert.throws(() => parseListen('9613'), /METRICS_LISTEN "9613" is not HOST:PORT/);
  assert.throws(() => parseListen('h:70000'));
});
