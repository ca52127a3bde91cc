// replay --json keeps its alerts compact and encodes them as the document is written (src/replay/alert-json.ts):
// the document must be byte for byte what JSON.stringify(report, null, 2) prints for the same report built with
// alert rows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { runReplay } from '../../src/replay/run-replay.js';
import { AlertJson, ChunkWriter, spliceAlerts, writeDocument } from '../../src/replay/alert-json.js';
import { formatPacketTime } from '../../src/replay/time.js';
import type { AlertRow } from '../../src/replay/report-types.js';
import type { DetectedHit, DetectorEvent, Verdict } from '../../src/detect/types.js';
import { prng } from '../helpers/prng.js';

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

// Synthetic alerts reach what recorded captures do not: sources first seen out of order, thousands of them, reasons
// that need escapes or are longer than a chunk, times far from the epoch, and chunks of any size.
function syntheticAlerts(count: number, seed: number): DetectorEvent[] {
  const rnd = prng(seed);
  const reasons = [
    'ignored by /etc/portsentry/portsentry.ignore line 3 (192.0.2.0/24)',
    'quote " backslash \\ tab \t newline \n nul \u0000 del \u007f',
    'non-ASCII: café, 東京, lone surrogate \ud800, emoji 🛡',
    'x'.repeat(70_000),
  ];
  const kinds: Array<Pick<DetectedHit, 'protocol' | 'mode' | 'scanType'>> = [
    { protocol: 'tcp', mode: 'atcp', scanType: 'TCP SYN/Normal scan' },
    { protocol: 'tcp', mode: 'stcp', scanType: 'TCP FIN scan' },
    { protocol: 'udp', mode: 'audp', scanType: 'UDP scan' },
    { protocol: 'tcp', mode: 'tcp', scanType: 'Connect from host "odd"' },
  ];
  const verdicts: Verdict[] = ['banned', 'already-banned', 'below-trigger', 'ignored', 'never-ban', 'logged'];
  const out: DetectorEvent[] = [];
  let ts = 1_790_000_000e6;
  for (let i = 0; i < count; i++) {
    const r = rnd();
    if (r < 0.01) ts = Math.floor(rnd() * 8.64e18) - 4.32e18;
    else if (r < 0.02) ts += 0.5;
    else ts += Math.floor(rnd() * 400_000);
    const source = Math.floor(rnd() * 5000);
    const family = source % 3 === 0 ? 6 : 4;
    const address = family === 4 ? `10.${source >> 8}.${source & 255}.1` : `2001:db8::${source.toString(16)}`;
    const verdict = verdicts[Math.floor(rnd() * verdicts.length)];
    const hasReason = verdict === 'ignored' || verdict === 'never-ban';
    out.push({
      ts,
      verdict,
      hits: Math.floor(rnd() * 2 ** 32),
      sourceIndex: source,
      detection: { address, family, port: Math.floor(rnd() * 65536), ...kinds[Math.floor(rnd() * kinds.length)] },
      reason: hasReason ? reasons[Math.floor(rnd() * (rnd() < 0.001 ? 4 : 3))] : undefined,
    });
  }
  return out;
}

function rowOf(ev: DetectorEvent): AlertRow {
  const d = ev.detection;
  const row: AlertRow = {
    time: formatPacketTime(ev.ts),
    address: d.address,
    family: d.family,
    port: d.port,
    protocol: d.protocol,
    mode: d.mode,
    scanType: d.scanType,
    verdict: ev.verdict,
    hits: ev.hits,
  };
  if (ev.reason !== undefined) row.reason = ev.reason;
  return row;
}

test('synthetic alerts, in chunks of every size, give the bytes JSON.stringify gives', () => {
  const events = syntheticAlerts(20_000, 11);
  const alerts = new AlertJson();
  // The engine hands out one object, overwritten for every hit: so does this.
  const scratch = { ...events[0], detection: { ...events[0].detection } };
  for (const ev of events) {
    Object.assign(scratch.detection, ev.detection);
    Object.assign(scratch, { ...ev, detection: scratch.detection });
    alerts.add(scratch);
  }
  const report = { before: ['a', { b: 1 }, 'café 東京 🛡'], alerts: [] as AlertRow[], after: { c: 'd"e 🛡' } };
  const expected = `${JSON.stringify({ ...report, alerts: events.map(rowOf) }, null, 2)}\n`;
  assert.ok(expected.includes('\\"') && expected.includes('\\u0000') && expected.includes('\\ud800'));
  for (const size of [1, 7, 300, 4096, 1 << 16]) {
    for (const reuse of [true, false]) {
      const parts: Buffer[] = [];
      const out = new ChunkWriter((chunk) => {
        parts.push(Buffer.from(chunk));
        return reuse;
      }, size);
      writeDocument(out, report, alerts);
      assert.equal(Buffer.concat(parts).toString('utf8'), expected, `chunks of ${size}, reused ${reuse}`);
    }
  }
});

test('no alert at all, and a report with nothing before or after its alerts, as JSON.stringify prints them', () => {
  for (const report of [{ alerts: [] }, { a: 1, alerts: [], b: undefined }, { a: undefined, alerts: [], b: [] }]) {
    const text = Buffer.concat(spliceAlerts(report, new AlertJson())).toString('utf8');
    assert.equal(text, `${JSON.stringify(report, null, 2)}\n`);
  }
  const one = new AlertJson();
  const [ev] = syntheticAlerts(1, 3);
  one.add(ev);
  assert.equal(
    Buffer.concat(spliceAlerts({ alerts: [] }, one)).toString('utf8'),
    `${JSON.stringify({ alerts: [rowOf(ev)] }, null, 2)}\n`,
  );
});
