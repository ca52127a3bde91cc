// The ban commands' conventions against a real kernel in a throwaway namespace: route bans list their real
// expiry, an IPv4-mapped IPv6 address is banned as the IPv4 address, unban of something not banned is a named
// no-op (exit 0) like `unban --all` with nothing banned, and status without CAP_NET_ADMIN reports it (exit 0).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason, makeLink, type Netns } from '../helpers/netns.js';
import { binRun, runCli, type CliResult } from '../helpers/cli.js';
import { validate as validateList } from '../../src/generated/bans-list.js';
import { validate as validateStatus } from '../../src/generated/status.js';

const skip = kernelSkipReason();

function ok(r: CliResult): string {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

for (const backend of ['nftables', 'route'] as const) {
  describe(`${backend} backend`, { skip }, () => {
    let ns: Netns;
    let link: ReturnType<typeof makeLink> | undefined;
    let dir: string;
    let cli: (args: string[]) => CliResult;
    before(() => {
      link = makeLink();
      ns = link.victim;
      dir = mkdtempSync(join(tmpdir(), `pst-conv-${backend}-`));
      writeFileSync(join(dir, 'portsentry.conf'), 'TCP_PORTS="1"\nBAN_TIMEOUT="1h"\n');
      const base = ['--state-dir', dir, '--config', join(dir, 'portsentry.conf'), '--backend', backend];
      cli = (args) => runCli([...args, ...base], { netns: ns.name });
    });
    after(() => {
      link?.delete();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('bans list shows the expiry a ban was given, not "permanent"', () => {
      ok(cli(['ban', '192.0.2.66', '--timeout', '1h']));
      ok(cli(['ban', '198.51.100.0/24', '--timeout', '2h']));
      const list = JSON.parse(ok(cli(['bans', 'list', '--json'])));
      assert.ok(validateList(list));
      const left = new Map<string, number | null>(
        list.bans.map((b: { address: string; expiresIn: number | null }) => [b.address, b.expiresIn]),
      );
      for (const [address, seconds] of [
        ['192.0.2.66', 3600],
        ['198.51.100.0/24', 7200],
      ] as const) {
        const n = left.get(address);
        assert.ok(typeof n === 'number' && n > seconds - 120 && n <= seconds, `${address}: ${n}`);
      }
      assert.match(ok(cli(['bans', 'list'])), /192\.0\.2\.66\s+(59m|1h)/);
      ok(cli(['unban', '--all']));
    });

    test('ban ::ffff:192.0.2.77 bans 192.0.2.77 (IPv4) and says so', () => {
      const r = cli(['ban', '::ffff:192.0.2.77', '--json']);
      const out = JSON.parse(ok(r));
      assert.deepEqual(out.banned, ['192.0.2.77']);
      assert.match(r.stderr, /::ffff:192\.0\.2\.77 is an IPv4-mapped IPv6 address: taken as 192\.0\.2\.77/);
      const list = JSON.parse(ok(cli(['bans', 'list', '--json'])));
      assert.deepEqual(
        list.bans.map((b: { address: string; family: number }) => [b.address, b.family]),
        [['192.0.2.77', 4]],
      );
      ok(cli(['unban', '::ffff:192.0.2.77']));
      assert.equal(JSON.parse(ok(cli(['bans', 'list', '--json']))).bans.length, 0);
    });

    test('unban of an address not banned and unban --all with nothing banned both exit 0, naming it', () => {
      const one = cli(['unban', '192.0.2.99', '--json']);
      assert.deepEqual(JSON.parse(ok(one)), { backend, unbanned: [], notBanned: ['192.0.2.99'] });
      assert.match(one.stderr, /192\.0\.2\.99 was not banned/);
      const all = cli(['unban', '--all']);
      assert.match(ok(all), /nothing unbanned/);
    });

    test('status without CAP_NET_ADMIN reports "CAP_NET_ADMIN  no" and exits 0', () => {
      const args = ['status', '--state-dir', dir, '--backend', backend];
      const drop = ['--inh-caps=-all', '--bounding-set=-net_admin', process.execPath, binRun];
      for (const json of [false, true]) {
        const r = ns.run('setpriv', [...drop, ...args, ...(json ? ['--json'] : [])], {
          env: { ...process.env, NO_COLOR: '1' },
        });
        assert.equal(r.status, 0, r.stderr);
        if (json) {
          const s = JSON.parse(r.stdout);
          assert.ok(validateStatus(s), JSON.stringify((validateStatus as { errors?: unknown }).errors));
          assert.equal(s.kernel.capNetAdmin, false);
          // Routes can be listed without the capability; the nftables set cannot.
          if (backend === 'nftables') {
            assert.equal(s.ready, false);
            assert.match(s.problems[0], /CAP_NET_ADMIN/);
          }
        } else assert.match(r.stdout, /^CAP_NET_ADMIN\s+no$/m);
      }
    });

    // Only the route backend leaves nf_tables unprobed; the nftables run of this suite has nothing to check here.
    if (backend === 'route') {
      test('status --backend route does not claim nf_tables is missing', () => {
        const s = JSON.parse(ok(cli(['status', '--json'])));
        assert.notEqual(s.kernel.nfTables, 'not found');
      });
    }
  });
}
