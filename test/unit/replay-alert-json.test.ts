// replay --json encodes its alerts as they happen (src/replay/alert-json.ts): the document must be byte for byte
// what JSON.stringify(report, null, 2) prints for the same report built with alert rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { runReplay } from '../../src/replay/run-replay.js';
import { AlertJson, spliceAlerts } from '../../src/replay/alert-json.js';

const dir = join(repoRoot, 'fixtures', 'captures');
const captures = readdirSync(dir)
  .map((name) => ['capture.pcap', 'capture.pcapng'].map((f) => join(dir, name, f)).find((f) => existsSync(f)))
  .filter((f): f is string => f !== undefined);

test('the encoded alerts give the very bytes JSON.stringify gives, for every recorded capture', async () => {
  assert.ok(captures.length >= 10);
  // One config more, whose ignore file names the scanner of syn_scan, so alerts carry a reason too.
  const tmp = mkdtempSync(join(tmpdir(), 'psn-alert-json-'));
  writeFileSync(join(tmp, 'ignore'), '192.0.2.66 # the scanner\n');
  writeFileSync(join(tmp, 'portsentry.conf'), `TCP_PORTS="1"\nIGNORE_FILE="${join(tmp, 'ignore')}"\n`);
  const runs = [
    ...captures.map((c) => [c, 'embedded']),
    [join(dir, 'syn_scan', 'capture.pcap'), join(tmp, 'portsentry.conf')],
  ];
  let reasons = 0;
  let alerts = 0;
  for (const [capture, configPath] of runs) {
    const base = { captures: [capture], configPath, keepAlerts: true, keepLog: false };
    const rows = await runReplay(base);
    const alertJson = new AlertJson();
    const encoded = await runReplay({ ...base, alertJson });
    assert.equal(encoded.alerts.length, 0);
    const text = Buffer.concat(spliceAlerts(encoded, alertJson)).toString('utf8');
    assert.equal(text, `${JSON.stringify(rows, null, 2)}\n`, capture);
    alerts += rows.alerts.length;
    reasons += rows.alerts.filter((a) => a.reason !== undefined).length;
  }
  rmSync(tmp, { recursive: true, force: true });
  assert.ok(alerts > 1000, `${alerts} alerts`);
  assert.ok(reasons > 0, 'some alert carries a reason');
});
