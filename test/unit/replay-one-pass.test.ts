// A file whose candidates outgrow the in-memory log is read a second time; the verdicts must not change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReplay } from '../../src/replay/run-replay.js';
import { repoRoot } from '../helpers/cli.js';

for (const name of ['syn_scan', 'decoy_scan', 'ipv6_syn']) {
  test(`${name}: one pass with kept candidates and two passes give the same report`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pst-replay-'));
    try {
      const fixture = join(repoRoot, 'fixtures', 'captures', name);
      const conf = readFileSync(join(fixture, 'portsentry.conf'), 'utf8')
        .replaceAll('@FIXTURE_DIR@', dir)
        .replaceAll('@STATE_DIR@', dir);
      writeFileSync(join(dir, 'portsentry.conf'), conf);
      copyFileSync(join(fixture, 'portsentry.ignore'), join(dir, 'portsentry.ignore'));
      const expected = JSON.parse(readFileSync(join(fixture, 'expected.json'), 'utf8'));
      const base = {
        captures: [join(fixture, 'capture.pcap')],
        configPath: join(dir, 'portsentry.conf'),
        modes: (expected.modes as string[]).join(','),
        keepAlerts: true,
        hosts: expected.protected_host as string[],
      };
      const kept = await runReplay(base);
      const reread = await runReplay({ ...base, candidateLimit: 1 });
      assert.ok(kept.bans.length > 0, 'the fixture bans someone');
      assert.deepEqual(reread, kept);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
