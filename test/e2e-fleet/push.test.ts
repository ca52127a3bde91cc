// The whole fleet: a real nmap scan of host A → A's watch bans the scanner and pushes the ban to the Local API as
// an alert → host B (crowdsec pull, 1 s poll) enforces it within two poll intervals, and the scanner can no
// longer open a TCP connection to B. A's push queue survives the Local API being down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason, type Netns } from '../helpers/netns.js';
import { makeLapi } from './lapi.js';
import { cliIn, connects, listen, openFleet, setElements, startIn, within, writeMemberConfig } from './fleet-lab.js';

const skip = kernelSkipReason('nft', 'ip', 'nmap', 'crowdsec', 'cscli', 'curl', 'promtool');

/** GET /metrics inside a namespace, checked by promtool. */
function scrape(ns: Netns): string {
  const text = ns.exec('curl', ['-sf', 'http://127.0.0.1:9613/metrics']);
  const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr} ${text}`);
  return text;
}

/** The value of one sample line (name with its labels, as exposed), or undefined. */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(sample + ' '));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}
const PORT = 8088;

test('a scan of host A is banned on host B through the Local API', { skip, timeout: 180_000 }, async () => {
  const fleet = openFleet();
  const lapiHost = fleet.host('l', 1);
  const a = fleet.host('a', 10);
  const b = fleet.host('b', 20);
  const scanner = fleet.host('s', 66);
  const lapi = makeLapi(lapiHost.ns, lapiHost.v4, join(fleet.dir, 'lapi'));
  const serverB = listen(b.ns, PORT);
  let watchA: ReturnType<typeof startIn> | undefined;
  let pullB: ReturnType<typeof startIn> | undefined;
  try {
    const machineA = lapi.addMachine('host-a');
    const keyB = lapi.addBouncer('host-b');
    const keyA = lapi.addBouncer('host-a');
    for (const d of ['state-a', 'state-b']) mkdirSync(join(fleet.dir, d));
    const confA = writeMemberConfig(fleet.dir, 'a', {
      CROWDSEC_LAPI_URL: lapi.url,
      CROWDSEC_MACHINE_CREDENTIALS: machineA,
      CROWDSEC_BOUNCER_KEY_FILE: keyA,
      CROWDSEC_POLL_INTERVAL: '1s',
      METRICS_LISTEN: '127.0.0.1:9613',
    });
    const confB = writeMemberConfig(fleet.dir, 'b', {
      CROWDSEC_LAPI_URL: lapi.url,
      CROWDSEC_BOUNCER_KEY_FILE: keyB,
      CROWDSEC_POLL_INTERVAL: '1s',
      METRICS_LISTEN: '127.0.0.1:9613',
    });
    // A starts while the Local API is down: its first ban waits in the queue.
    watchA = startIn(a.ns, ['watch', '--config', confA, '--state-dir', join(fleet.dir, 'state-a'), '--no-syslog']);
    await watchA.waitFor(/ready/, 60_000);
    pullB = startIn(b.ns, ['crowdsec', 'pull', '--config', confB, '--state-dir', join(fleet.dir, 'state-b')]);
    await within(5000, 'B to connect before the scan', () => connects(scanner.ns, b.v4, PORT));

    const scan = spawn(
      'ip',
      ['netns', 'exec', scanner.ns.name, 'nmap', '-n', '-Pn', '--max-retries', '0', '-sS', '-p', '1-200', a.v4],
      {
        stdio: 'ignore',
      },
    );
    await new Promise((r) => scan.on('close', r));
    await within(10_000, 'A to ban the scanner', () => setElements(a.ns, 'banned4').includes(scanner.v4));
    await watchA.waitFor(/pushing bans failed/, 10_000);
    const queue = join(fleet.dir, 'state-a', 'crowdsec-queue.jsonl');
    assert.ok(existsSync(queue) && readFileSync(queue, 'utf8').includes(scanner.v4), 'the ban is not queued');

    await lapi.start();
    await watchA.waitFor(/takes pushed bans again/, 70_000);
    // Pushed: within two poll intervals of B, enforced there.
    const ms = await within(70_000, 'B to enforce the pushed ban', () =>
      setElements(b.ns, 'banned4').includes(scanner.v4),
    );
    assert.equal(connects(scanner.ns, b.v4, PORT), false, 'the scanner still connects to B');
    type Listed = Array<{
      scenario: string;
      message: string;
      decisions: Array<{ origin: string; value: string; scope: string; scenario: string }>;
    }>;
    const listed = JSON.parse(lapi.cscli('decisions', 'list', '-a', '-o', 'json')) as Listed;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].scenario, 'portsentinel/portscan');
    assert.match(listed[0].message, /TCP port \d+ \(mode atcp\)/);
    const pushed = listed[0].decisions.find((x) => x.value === scanner.v4);
    assert.equal(pushed?.origin, 'portsentinel');
    assert.equal(pushed?.scope, 'Ip');
    // A pulls too, but its own decision is never pushed back: one alert only.
    await new Promise((r) => setTimeout(r, 2500));
    const again = JSON.parse(lapi.cscli('decisions', 'list', '-a', '-o', 'json')) as Listed;
    assert.equal(again.length, 1, 'a ban learnt from the Local API was pushed back');
    assert.equal(readFileSync(queue, 'utf8'), '');
    void ms;
    // A pulled its own decision back: its journal keeps the ban as the local detection it is.
    const listA = cliIn(a.ns, ['bans', 'list', '--json', '--config', confA, '--state-dir', join(fleet.dir, 'state-a')]);
    const rowA = JSON.parse(listA.stdout).bans.find((x: { address: string }) => x.address === scanner.v4);
    assert.equal(rowA.origin, 'watch');

    // Metrics on both hosts: well-formed for Prometheus, and the values match what happened.
    const metricsA = scrape(a.ns);
    const metricsB = scrape(b.ns);
    assert.equal(value(metricsA, 'portsentinel_bans_total{origin="watch",family="4"}'), 1);
    assert.ok(value(metricsA, 'portsentinel_packets_seen_total')! >= 1);
    assert.ok(value(metricsA, 'portsentinel_detections_total{mode="atcp",verdict="banned"}')! >= 1);
    assert.equal(value(metricsA, 'portsentinel_lapi_requests_total{op="push",result="ok"}'), 1);
    assert.ok(value(metricsA, 'portsentinel_lapi_requests_total{op="push",result="error"}')! >= 1);
    assert.ok(value(metricsA, 'portsentinel_lapi_requests_total{op="pull",result="ok"}')! >= 1);
    assert.equal(value(metricsB, 'portsentinel_bans_total{origin="crowdsec",family="4"}'), 1);
    assert.ok(value(metricsB, 'portsentinel_lapi_request_seconds_count{op="pull"}')! >= 2);
    // The scanner's refused connection attempts to B were dropped by B's banned4 rule.
    assert.ok(value(metricsB, 'portsentinel_banset_dropped_packets{set="banned4"}')! >= 1);
  } catch (e) {
    console.log('watch A:', watchA?.output(), '\npull B:', pullB?.output());
    throw e;
  } finally {
    await pullB?.stop();
    await watchA?.stop();
    serverB.stop();
    await lapi.stop();
    fleet.close();
  }
});

test(
  'the end-to-end timing from a new decision to B within two poll intervals',
  { skip, timeout: 120_000 },
  async () => {
    const fleet = openFleet();
    const lapiHost = fleet.host('l', 1);
    const b = fleet.host('b', 20);
    const lapi = makeLapi(lapiHost.ns, lapiHost.v4, join(fleet.dir, 'lapi'));
    let pullB: ReturnType<typeof startIn> | undefined;
    try {
      const keyB = lapi.addBouncer('host-b');
      mkdirSync(join(fleet.dir, 'state-b'));
      const confB = writeMemberConfig(fleet.dir, 'b', {
        CROWDSEC_LAPI_URL: lapi.url,
        CROWDSEC_BOUNCER_KEY_FILE: keyB,
        CROWDSEC_POLL_INTERVAL: '1s',
      });
      await lapi.start();
      pullB = startIn(b.ns, ['crowdsec', 'pull', '--config', confB, '--state-dir', join(fleet.dir, 'state-b')]);
      await pullB.waitFor(/pulling decisions/, 20_000);
      for (const last of [31, 32, 33]) {
        const ip = `192.0.2.${last}`;
        lapi.cscli('decisions', 'add', '--ip', ip, '--duration', '1h');
        const ms = await within(4000, `${ip} on B`, () => setElements(b.ns, 'banned4').includes(ip));
        assert.ok(ms <= 2000 + 500, `${ip} took ${ms} ms`);
      }
    } finally {
      await pullB?.stop();
      await lapi.stop();
      fleet.close();
    }
  },
);
