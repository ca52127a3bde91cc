// Per-ban counters outside the kernel: the setup document declares them (except on sets an older setup made
// without), `bans list` carries them in both renderings exactly when the backend gave them, and the file backend,
// which keeps none, lists none.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSetupDocument, SETS, type SetName } from '../../src/firewall/nftables/document.js';
import { checkNftDocument } from '../../src/firewall/nftables/nft.js';
import { mergeBans, renderBansJson } from '../../src/bans/merge.js';
import { foldJournal } from '../../src/state/fold.js';
import { formatBanTable } from '../../src/cli/render/ban-table.js';
import { validate as validateList } from '../../src/generated/bans-list.js';
import type { KernelBan } from '../../src/firewall/banset.js';
import type { JournalRecord } from '../../src/state/record.js';
import { runCli } from '../helpers/cli.js';

type Json = Record<string, unknown>;
const setsOf = (doc: { nftables: Json[] }) =>
  doc.nftables.map((c) => (c.add as { set?: Json } | undefined)?.set).filter((s): s is Json => s !== undefined);

describe('setup document', () => {
  it('declares a counter on every set (nft: `set banned4 { type ipv4_addr; flags timeout; counter; }`)', () => {
    const doc = buildSetupDocument();
    checkNftDocument(doc);
    const sets = setsOf(doc);
    assert.deepEqual(sets.map((s) => s.name).sort(), Object.keys(SETS).sort());
    for (const s of sets) assert.deepEqual(s.stmt, [{ counter: null }], String(s.name));
  });

  it('declares sets that exist without counters as they are, so the kernel accepts the add', () => {
    const doc = buildSetupDocument({ uncountedSets: ['banned4', 'bannednet6'] satisfies SetName[] });
    checkNftDocument(doc);
    const stmt = new Map(setsOf(doc).map((s) => [s.name, s.stmt]));
    assert.equal(stmt.get('banned4'), undefined);
    assert.equal(stmt.get('bannednet6'), undefined);
    assert.deepEqual(stmt.get('banned6'), [{ counter: null }]);
    assert.deepEqual(stmt.get('bannednet4'), [{ counter: null }]);
  });

  it('accepts no set statement but the counter', () => {
    const doc = buildSetupDocument();
    (setsOf(doc)[0] as Json).stmt = [{ limit: { rate: 1, per: 'second' } }];
    assert.throws(() => checkNftDocument(doc), { code: 'E_NFT_DOCUMENT' });
  });
});

describe('bans list rows', () => {
  const now = Date.UTC(2026, 10, 25, 9, 0, 0);
  const journal: JournalRecord[] = [
    { op: 'ban', target: '192.0.2.66', family: 4, at: now - 60_000, until: now + 3_540_000, origin: 'watch' },
    { op: 'ban', target: '192.0.2.67', family: 4, at: now - 60_000, until: now + 3_540_000, origin: 'manual' },
    { op: 'ban', target: '192.0.2.68', family: 4, at: now - 60_000, origin: 'manual' },
  ];
  const kernel: KernelBan[] = [
    { target: '192.0.2.66', family: 4, expiresIn: 3540, packets: 12, bytes: 720 },
    { target: '192.0.2.67', family: 4, expiresIn: 3540, packets: 0, bytes: 0 },
    { target: '203.0.113.9', family: 4, packets: 2 ** 40, bytes: 2 ** 46 },
  ];
  const state = foldJournal(journal, now);

  it('carry packets and bytes where the kernel counted, nothing where it did not (a missing ban)', () => {
    const rows = new Map(mergeBans(kernel, state, now).bans.map((r) => [r.address, r]));
    assert.deepEqual([rows.get('192.0.2.66')?.packets, rows.get('192.0.2.66')?.bytes], [12, 720]);
    assert.deepEqual([rows.get('192.0.2.67')?.packets, rows.get('192.0.2.67')?.bytes], [0, 0]);
    assert.equal(rows.get('203.0.113.9')?.packets, 2 ** 40);
    const missing = rows.get('192.0.2.68');
    assert.equal(missing?.drift, 'missing');
    assert.ok(missing && !('packets' in missing) && !('bytes' in missing));
  });

  it('render as JSON exactly as the pretty-printed merge, valid against the schema', () => {
    for (const kern of [kernel, kernel.map(({ packets: _p, bytes: _b, ...rest }) => rest)]) {
      const text = Buffer.concat(renderBansJson('nftables', kern, state, now)).toString('utf8');
      assert.equal(text, `${JSON.stringify({ backend: 'nftables', ...mergeBans(kern, state, now) }, null, 2)}\n`);
      const doc = JSON.parse(text);
      assert.ok(validateList(doc), JSON.stringify((validateList as { errors?: unknown }).errors));
    }
  });

  it('schema: packets and bytes come together', () => {
    const doc = JSON.parse(Buffer.concat(renderBansJson('nftables', kernel, state, now)).toString('utf8'));
    delete doc.bans[0].bytes;
    assert.equal(validateList(doc), false);
  });

  it('table: a DROPPED column only when some ban is counted, "-" for a ban without a counter', () => {
    const table = formatBanTable(mergeBans(kernel, state, now));
    assert.match(table.split('\n')[0], /^ADDRESS\s+EXPIRES IN\s+DROPPED\s+REASON/);
    assert.match(table, /192\.0\.2\.66\s+59m\s+12 pkts, 720 B\s/);
    assert.match(table, /192\.0\.2\.68\s+\S+\s+-\s/);
    const plain = formatBanTable(
      mergeBans(
        kernel.map(({ packets: _p, bytes: _b, ...rest }) => rest),
        state,
        now,
      ),
    );
    assert.doesNotMatch(plain, /DROPPED|pkts/);
  });
});

test('the file backend keeps no counters: bans list shows none, not zero', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pst-counters-'));
  try {
    writeFileSync(join(dir, 'portsentry.conf'), 'TCP_PORTS="1"\n');
    const base = ['--state-dir', dir, '--backend', 'file', '--config', join(dir, 'portsentry.conf')];
    assert.equal(runCli(['ban', '192.0.2.66', ...base]).status, 0);
    const r = runCli(['bans', 'list', '--json', ...base]);
    assert.equal(r.status, 0, r.stderr);
    const row = JSON.parse(r.stdout).bans[0];
    assert.equal(row.address, '192.0.2.66');
    assert.ok(!('packets' in row) && !('bytes' in row), JSON.stringify(row));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
