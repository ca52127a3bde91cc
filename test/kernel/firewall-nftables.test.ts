// The nftables BanSet against the real kernel. Each test gets fresh network namespaces; the BanSet runs in a
// child process started inside the namespace (test/helpers/banset-rpc.ts), and `nft` inside the same namespace
// is the independent witness of what the kernel holds.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Netns, kernelSkipReason } from '../helpers/netns.js';
import { BansetRpc, RemoteCallError } from '../helpers/banset-rpc.js';
import type { KernelBan } from '../../src/firewall/banset.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const skip = kernelSkipReason();

interface Ctx {
  ns: Netns;
  rpc: BansetRpc;
}

async function withNs(fn: (c: Ctx) => Promise<void>, open: unknown[] = ['nftables', {}]): Promise<void> {
  const ns = new Netns('psfw');
  const rpc = new BansetRpc(ns.name);
  try {
    await rpc.call('open', ...open);
    await fn({ ns, rpc });
  } finally {
    await rpc.close();
    ns.delete();
  }
}

const ruleset = (ns: Netns): { nftables: Array<Record<string, Record<string, unknown>>> } =>
  JSON.parse(ns.exec('nft', ['-j', 'list', 'ruleset']));

const objects = (ns: Netns, kind: string) =>
  ruleset(ns)
    .nftables.filter((o) => kind in o)
    .map((o) => o[kind] as Record<string, unknown>);

const setElems = (ns: Netns, set: string): unknown[] =>
  (objects(ns, 'set').find((s) => s.name === set)?.elem as unknown[] | undefined) ?? [];

const byTarget = (bans: KernelBan[]) => new Map(bans.map((b) => [b.target, b]));

type Cli = (...args: string[]) => ReturnType<typeof runCli>;

/** Runs `fn` with the CLI in namespace `netns`, a minimal config and a state directory of its own, then removes it. */
async function withCli(netns: string, prefix: string, fn: (cli: Cli) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  try {
    writeFileSync(join(dir, 'portsentry.conf'), 'TCP_PORTS="1"\nUDP_PORTS="1"\n');
    const config = join(dir, 'portsentry.conf');
    await fn((...args) =>
      runCli([...args, '--state-dir', dir, '--config', config, '--backend', 'nftables'], { netns }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function eventually(check: () => Promise<boolean>, seconds: number): Promise<boolean> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('nftables ban set (kernel)', { skip }, () => {
  it('setup creates the table, four sets and the input chain; re-running keeps elements', () =>
    withNs(async ({ ns, rpc }) => {
      await rpc.call('setup');
      const sets = objects(ns, 'set').filter((s) => s.table === 'portsentinel');
      const shape = Object.fromEntries(sets.map((s) => [s.name, { type: s.type, flags: s.flags }]));
      assert.deepEqual(shape, {
        banned4: { type: 'ipv4_addr', flags: ['timeout'] },
        banned6: { type: 'ipv6_addr', flags: ['timeout'] },
        bannednet4: { type: 'ipv4_addr', flags: ['interval', 'timeout'] },
        bannednet6: { type: 'ipv6_addr', flags: ['interval', 'timeout'] },
      });
      const chains = objects(ns, 'chain').filter((c) => c.table === 'portsentinel');
      assert.equal(chains.length, 1);
      assert.deepEqual(
        { name: chains[0].name, hook: chains[0].hook, prio: chains[0].prio, type: chains[0].type },
        { name: 'input', hook: 'input', prio: -10, type: 'filter' },
      );
      const rules = objects(ns, 'rule').filter((r) => r.table === 'portsentinel');
      const drops = rules.map((r) => JSON.stringify(r.expr));
      for (const set of ['banned4', 'bannednet4', 'banned6', 'bannednet6']) {
        assert.ok(
          drops.some((d) => d.includes(`"@${set}"`) && d.includes('"counter"') && d.includes('"drop"')),
          set,
        );
      }
      await rpc.call('add', [{ target: '192.0.2.5', family: 4, timeout: 3600 }]);
      await rpc.call('setup');
      assert.deepEqual(setElems(ns, 'banned4').length, 1);
      // Four drop rules and the two NFLOG rules `watch` reads (default group), never doubled by a re-run.
      const again = objects(ns, 'rule').filter((r) => r.table === 'portsentinel');
      assert.equal(again.length, 6);
      assert.equal(again.filter((r) => JSON.stringify(r.expr).includes('{"log":{"group":4711}}')).length, 2);
      const status = await rpc.call<{ ready: boolean; problems: string[] }>('status');
      assert.deepEqual(status, { kind: 'nftables', ready: true, problems: [] });
    }));

  it('honours the configured priority and the optional forward chain', () =>
    withNs(
      async ({ ns, rpc }) => {
        await rpc.call('setup');
        const chains = objects(ns, 'chain').filter((c) => c.table === 'portsentinel');
        assert.deepEqual(chains.map((c) => [c.name, c.hook, c.prio]).sort(), [
          ['forward', 'forward', 5],
          ['input', 'input', 5],
        ]);
      },
      ['nftables', { hooks: ['input', 'forward'], priority: 5 }],
    ));

  it('adds the rate-limited NFLOG rules after the drop rules when a log group is given', () =>
    withNs(
      async ({ ns, rpc }) => {
        await rpc.call('setup');
        const rules = objects(ns, 'rule').filter((r) => r.table === 'portsentinel' && r.chain === 'input');
        assert.equal(rules.length, 6);
        const tail = rules.slice(4).map((r) => JSON.stringify(r.expr));
        assert.ok(tail[0].includes('"flags"') && tail[0].includes('"ack"') && tail[0].includes('"rst"'));
        // New UDP flows; nft lists the `meta l4proto udp` match as implied by the meter's `udp dport` key.
        assert.ok(tail[1].includes('"new"') && tail[1].includes('{"protocol":"udp","field":"dport"}'), tail[1]);
        // Each destination port has its own share of the log rate (a one-port flood cannot spend it all).
        assert.ok(tail[0].includes('"meter"') && tail[0].includes('{"protocol":"tcp","field":"dport"}'), tail[0]);
        assert.ok(tail[1].includes('"meter"'), tail[1]);
        for (const t of tail) {
          assert.ok(t.includes('{"limit":{"rate":50,') && t.includes('"per":"second"'), t);
          assert.ok(t.includes('{"log":{"group":7}}'), t);
        }
      },
      ['nftables', { logGroup: 7, logRate: 50 }],
    ));

  it('a plain `portsentinel setup` keeps the log rules of a running watch, with its group', () =>
    withNs(
      async ({ ns, rpc }) => {
        const logRules = () =>
          objects(ns, 'rule')
            .filter((r) => r.table === 'portsentinel' && r.chain === 'input')
            .map((r) => JSON.stringify(r.expr))
            .filter((t) => t.includes('"log"'));
        // `watch --nflog-group 99` builds the chain: the BanSet is opened with logGroup 99, as watch opens it.
        await rpc.call('setup');
        const before = logRules();
        assert.equal(before.length, 2);
        assert.ok(before.every((t) => t.includes('{"log":{"group":99}}') && t.includes('"rate":20')));
        await withCli(ns.name, 'pst-setup-log-', async (cli) => {
          const r = cli('setup');
          assert.equal(r.status, 0, r.stderr);
          assert.deepEqual(logRules(), before);
          // With the table gone, the automatic setup of `ban` and `setup --restore` bring the log rules back too.
          assert.equal(cli('teardown').status, 0);
          const b = cli('ban', '192.0.2.9', '--timeout', '1h');
          assert.equal(b.status, 0, b.stderr);
          assert.equal(logRules().length, 2);
          assert.ok(logRules().every((t) => t.includes('{"log":{"group":4711}}')));
          ns.exec('nft', ['delete', 'table', 'inet', 'portsentinel']);
          const restore = cli('setup', '--restore');
          assert.equal(restore.status, 0, restore.stderr);
          assert.equal(logRules().length, 2);
          assert.equal(setElems(ns, 'banned4').length, 1);
        });
      },
      ['nftables', { logGroup: 99, logRate: 20 }],
    ));

  it('teardown removes only our table', () =>
    withNs(async ({ ns, rpc }) => {
      ns.exec('nft', ['add', 'table', 'inet', 'other']);
      ns.exec('nft', ['add', 'set', 'inet', 'other', 'banned4', '{ type ipv4_addr; }']);
      await rpc.call('setup');
      await rpc.call('teardown');
      const tables = objects(ns, 'table').map((t) => t.name);
      assert.deepEqual(tables, ['other']);
      await rpc.call('teardown'); // already gone: not an error
    }));

  it('adds, lists, finds and removes IPv4 and IPv6 bans, permanent and with timeout', () =>
    withNs(async ({ ns, rpc }) => {
      await rpc.call('setup');
      await rpc.call('add', [
        { target: '192.0.2.1', family: 4, timeout: 3600 },
        { target: '192.0.2.2', family: 4 },
        { target: '2001:db8::1', family: 6, timeout: 600 },
        { target: '2001:db8::2', family: 6 },
      ]);
      const bans = byTarget(await rpc.call<KernelBan[]>('list'));
      assert.equal(bans.size, 4);
      assert.equal(bans.get('192.0.2.1')?.timeout, 3600);
      assert.ok((bans.get('192.0.2.1')?.expiresIn ?? 0) > 3500);
      assert.equal(bans.get('192.0.2.2')?.expiresIn, undefined);
      assert.equal(bans.get('2001:db8::1')?.timeout, 600);
      assert.equal(bans.get('2001:db8::2')?.timeout, undefined);
      assert.equal(setElems(ns, 'banned6').length, 2);
      assert.equal(await rpc.call('has', '192.0.2.1'), true);
      assert.equal(await rpc.call('has', '2001:db8::2'), true);
      assert.equal(await rpc.call('has', '192.0.2.3'), false);
      const removed = await rpc.call<string[]>('remove', ['192.0.2.1', '2001:db8::2']);
      assert.deepEqual(removed.sort(), ['192.0.2.1', '2001:db8::2']);
      assert.deepEqual([...byTarget(await rpc.call<KernelBan[]>('list')).keys()].sort(), ['192.0.2.2', '2001:db8::1']);
    }));

  it('lets the kernel expire a 2 s ban', () =>
    withNs(async ({ rpc }) => {
      await rpc.call('setup');
      await rpc.call('add', [
        { target: '192.0.2.9', family: 4, timeout: 2 },
        { target: '198.51.100.0/24', family: 4, timeout: 2 },
      ]);
      assert.equal((await rpc.call<KernelBan[]>('list')).length, 2);
      assert.ok(await eventually(async () => (await rpc.call<KernelBan[]>('list')).length === 0, 10));
      assert.equal(await rpc.call('has', '192.0.2.9'), false);
    }));

  it('bans prefixes in the interval sets, whether they are empty or not', () =>
    withNs(async ({ ns, rpc }) => {
      await rpc.call('setup');
      // Empty sets: no all-zero end marker is sent (nft adds one); the kernel needs none.
      await rpc.call('add', [
        { target: '198.51.100.0/24', family: 4, timeout: 3600 },
        { target: '2001:db8:1::/48', family: 6 },
      ]);
      // Non-empty sets.
      await rpc.call('add', [
        { target: '203.0.113.0/25', family: 4 },
        { target: '2001:db8:2::/64', family: 6, timeout: 60 },
      ]);
      const bans = byTarget(await rpc.call<KernelBan[]>('list'));
      assert.deepEqual([...bans.keys()].sort(), [
        '198.51.100.0/24',
        '2001:db8:1::/48',
        '2001:db8:2::/64',
        '203.0.113.0/25',
      ]);
      assert.equal(bans.get('198.51.100.0/24')?.timeout, 3600);
      // nft reads them back as the same prefixes.
      const nft4 = JSON.stringify(setElems(ns, 'bannednet4'));
      assert.ok(nft4.includes('{"prefix":{"addr":"198.51.100.0","len":24}}'), nft4);
      assert.ok(nft4.includes('{"prefix":{"addr":"203.0.113.0","len":25}}'), nft4);
      const nft6 = JSON.stringify(setElems(ns, 'bannednet6'));
      assert.ok(nft6.includes('{"prefix":{"addr":"2001:db8:1::","len":48}}'), nft6);
      // The kernel matches addresses inside, and not outside, the prefix.
      ns.exec('nft', ['get', 'element', 'inet', 'portsentinel', 'bannednet4', '{ 198.51.100.77 }']);
      assert.notEqual(
        ns.run('nft', ['get', 'element', 'inet', 'portsentinel', 'bannednet4', '{ 198.51.101.1 }']).status,
        0,
      );
      assert.equal(await rpc.call('has', '198.51.100.0/24'), true);
      assert.deepEqual(await rpc.call('remove', ['198.51.100.0/24', '2001:db8:1::/48']), [
        '198.51.100.0/24',
        '2001:db8:1::/48',
      ]);
      assert.deepEqual((await rpc.call<KernelBan[]>('list')).map((b) => b.target).sort(), [
        '2001:db8:2::/64',
        '203.0.113.0/25',
      ]);
    }));

  it('removes the present bans of a mix with already-expired ones, without an error', () =>
    withNs(async ({ rpc }) => {
      await rpc.call('setup');
      await rpc.call('add', [
        { target: '192.0.2.20', family: 4, timeout: 1 },
        { target: '192.0.2.21', family: 4 },
        { target: '2001:db8::20', family: 6, timeout: 1 },
        { target: '2001:db8::21', family: 6 },
      ]);
      assert.ok(await eventually(async () => (await rpc.call<KernelBan[]>('list')).length === 2, 10));
      const removed = await rpc.call<string[]>('remove', ['192.0.2.20', '192.0.2.21', '2001:db8::20', '2001:db8::21']);
      assert.deepEqual(removed.sort(), ['192.0.2.21', '2001:db8::21']);
      assert.deepEqual(await rpc.call('list'), []);
    }));

  // Each set of options takes one kernel's path: 6.12 and later (no refresh by replace), 6.3 to 6.11 (refresh by
  // DESTROYSETELEM + NEWSETELEM, support learnt from the kernel), before 6.3 (no DESTROYSETELEM at all).
  for (const opts of [{}, { refreshByReplace: true }, { refreshByReplace: true, destroy: false }]) {
    it(`names a deleted table "not set up" on add, remove and list (${JSON.stringify(opts)})`, () =>
      withNs(
        async ({ ns, rpc }) => {
          // Nothing sent through this BanSet before the table goes: its first add meets the missing table, as
          // the first add of every `ban` process does.
          await rpc.call('setup');
          ns.exec('nft', ['delete', 'table', 'inet', 'portsentinel']);
          const notSetUp = (e: unknown) => {
            assert.ok(e instanceof RemoteCallError, String(e));
            assert.equal(e.remote.name, 'OperationError');
            assert.equal(e.remote.code, 'E_NFT_NOT_SET_UP');
            assert.equal(e.remote.exitCode, 1);
            return true;
          };
          await assert.rejects(rpc.call('add', [{ target: '192.0.2.2', family: 4, timeout: 60 }]), notSetUp);
          await assert.rejects(rpc.call('remove', ['192.0.2.1']), notSetUp);
          await assert.rejects(rpc.call('remove', ['198.51.100.0/24']), notSetUp);
          const many = Array.from({ length: 70 }, (_, i) => `10.0.0.${i + 1}`);
          await assert.rejects(rpc.call('remove', many), notSetUp);
          await assert.rejects(rpc.call('list'), notSetUp);
          assert.equal(ns.exec('nft', ['list', 'tables']).trim(), '', 'nothing was created behind our back');
        },
        ['nftables', opts],
      ));
  }

  it('`unban` with the table deleted records the unban in the journal only, so a restore leaves it out; `ban` sets the table up again', () =>
    withNs(async ({ ns }) => {
      await withCli(ns.name, 'pst-not-set-up-', async (cli) => {
        assert.equal(cli('ban', '192.0.2.9', '192.0.2.11', '--timeout', '1h').status, 0);
        ns.exec('nft', ['delete', 'table', 'inet', 'portsentinel']);
        for (const [args, lifted] of [
          [['unban', '192.0.2.9'], ['192.0.2.9']],
          [['unban', '--all'], ['192.0.2.11']],
        ] as const) {
          const r = cli(...args, '--json');
          assert.equal(r.status, 0, r.stderr);
          const out = JSON.parse(r.stdout);
          assert.deepEqual(out.unbanned, lifted, r.stdout);
          assert.equal(out.kernelMissing, true, r.stdout);
          assert.match(r.stderr, /run `portsentinel setup`\): the unban is recorded in the journal only/);
        }
        const again = cli('unban', '192.0.2.9', '--json');
        assert.equal(again.status, 0, 'a second unban finds nothing to lift, and says so');
        assert.deepEqual(JSON.parse(again.stdout).notBanned, ['192.0.2.9']);
        const restore = cli('setup', '--restore');
        assert.equal(restore.status, 0, restore.stderr);
        assert.deepEqual(setElems(ns, 'banned4'), [], 'the lifted bans stay lifted');
        ns.exec('nft', ['delete', 'table', 'inet', 'portsentinel']);
        const b = cli('ban', '192.0.2.10', '--timeout', '1h');
        assert.equal(b.status, 0, b.stderr);
        assert.equal(setElems(ns, 'banned4').length, 1);
      });
    }));

  it('adds 100,000 bans in one call and lists them all', () =>
    withNs(async ({ ns, rpc }) => {
      await rpc.call('setup');
      const entries = Array.from({ length: 100_000 }, (_, i) => ({
        target: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        family: 4,
        timeout: 3600,
      }));
      await rpc.call('add', entries);
      const bans = await rpc.call<KernelBan[]>('list');
      assert.equal(bans.length, 100_000);
      assert.equal(setElems(ns, 'banned4').length, 100_000);
      const removed = await rpc.call<string[]>(
        'remove',
        entries.slice(0, 1000).map((e) => e.target),
      );
      assert.equal(removed.length, 1000);
    }));

  it('reports a missing CAP_NET_ADMIN as an EnvironmentError (exit 3)', () =>
    withNs(async ({ ns }) => {
      // Root without CAP_NET_ADMIN rather than another user: another user could not read a checkout that lies
      // under a directory only root may enter (e.g. one made by mktemp -d).
      const rpc = new BansetRpc(ns.name, ['setpriv', '--inh-caps=-all', '--bounding-set=-net_admin']);
      try {
        await rpc.call('openUnprobed', {});
        await assert.rejects(rpc.call('list'), (e: unknown) => {
          assert.ok(e instanceof RemoteCallError);
          assert.equal(e.remote.name, 'EnvironmentError');
          assert.equal(e.remote.code, 'E_NO_CAP_NET_ADMIN');
          assert.equal(e.remote.exitCode, 3);
          assert.equal(e.remote.errno, 1);
          return true;
        });
        await assert.rejects(rpc.call('open', 'auto', {}), (e: unknown) => {
          assert.ok(e instanceof RemoteCallError);
          assert.equal(e.remote.code, 'E_NO_CAP_NET_ADMIN');
          return true;
        });
      } finally {
        await rpc.close();
      }
    }));

  it('auto selects nftables and says why', () =>
    withNs(
      async ({ rpc }) => {
        const sel = await rpc.call('open', 'auto', {});
        assert.deepEqual(sel, {
          requested: 'auto',
          kind: 'nftables',
          reason: 'nf_tables answered and nft is installed',
        });
      },
      ['route', {}],
    ));
});

describe('parity with nft -f (kernel)', { skip }, () => {
  let a: Netns;
  let b: Netns;
  before(() => {
    a = new Netns('psp');
    b = new Netns('psp');
  });
  after(() => {
    a?.delete();
    b?.delete();
  });

  it('gives the same ruleset as the same bans loaded with nft -f', async () => {
    const bans = [
      { target: '192.0.2.1', family: 4, timeout: 3600 },
      { target: '192.0.2.2', family: 4 },
      { target: '2001:db8::1', family: 6, timeout: 7200 },
      { target: '2001:db8::2', family: 6 },
      { target: '198.51.100.0/24', family: 4, timeout: 3600 },
      { target: '203.0.113.128/25', family: 4 },
      { target: '2001:db8:1::/48', family: 6, timeout: 60 },
    ];
    for (const ns of [a, b]) {
      const rpc = new BansetRpc(ns.name);
      try {
        await rpc.call('open', 'nftables', {});
        await rpc.call('setup');
        if (ns === b) await rpc.call('add', bans);
      } finally {
        await rpc.close();
      }
    }
    const elem = (x: (typeof bans)[number]) => `${x.target}${x.timeout ? ` timeout ${x.timeout}s` : ''}`;
    const sets: Record<string, string[]> = { banned4: [], banned6: [], bannednet4: [], bannednet6: [] };
    for (const x of bans) {
      const set = x.target.includes('/') ? `bannednet${x.family}` : `banned${x.family}`;
      sets[set].push(elem(x));
    }
    const script = Object.entries(sets)
      .map(([set, els]) => `add element inet portsentinel ${set} { ${els.join(', ')} }`)
      .join('\n');
    a.exec('nft', ['-f', '-'], script + '\n');
    const normal = (ns: Netns) =>
      JSON.stringify(
        ruleset(ns).nftables.filter((o) => !('metainfo' in o)),
        (k, v: unknown) => (k === 'handle' || k === 'expires' ? undefined : v),
      );
    assert.equal(normal(b), normal(a));
  });
});
