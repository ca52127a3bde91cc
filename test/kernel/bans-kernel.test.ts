// The ban commands against real kernels in throwaway namespaces: TCP connections really blocked and restored,
// timeouts that really expire, IPv6, prefixes, drift and its repair, concurrent bans, bad input, never-ban
// refusals — for the nftables backend and for the blackhole-route backend.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelSkipReason, makeLink, type Netns } from '../helpers/netns.js';
import { binRun, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { readJournal } from '../../src/state/journal.js';
import { recordTargets } from '../../src/state/record.js';
import { validate as validateList } from '../../src/generated/bans-list.js';
import { validate as validateStatus } from '../../src/generated/status.js';

const skip = kernelSkipReason();
const PORT = 8080;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A dual-stack listener in the victim namespace that answers every connection (clients hang up abruptly).
const SERVER = `require('net').createServer((s) => { s.on('error', () => {}); s.end('ok'); }).listen(${PORT}, '::', () => console.log('listening'));`;
// Exit 0 when a TCP connection from `src` completes within the limit, 1 otherwise.
const CLIENT = `const [host, src] = process.argv.slice(1);
const s = require('net').connect({ host, port: ${PORT}, localAddress: src, timeout: 1500 });
s.on('connect', () => process.exit(0)); s.on('timeout', () => process.exit(1)); s.on('error', () => process.exit(1));`;

interface Lab {
  victim: Netns;
  attacker: Netns;
  dir: string;
  server: ChildProcess;
  cli(args: string[], input?: string): CliResult;
  connects(src: string): boolean;
  cleanup(): void;
}

async function makeLab(backend: 'nftables' | 'route'): Promise<Lab> {
  // .67 is the control (never banned); .130 and 2001:db8::8000:1 fall in the prefix bans.
  const link = makeLink(['192.0.2.67', '192.0.2.130']);
  const { victim, attacker } = link;
  attacker.ip('addr', 'add', '2001:db8::8000:1/64', 'dev', 'a0', 'nodad');
  const dir = mkdtempSync(join(tmpdir(), `pst-kernel-${backend}-`));
  writeFileSync(join(dir, 'ignore'), '192.0.2.20\n');
  writeFileSync(
    join(dir, 'portsentry.conf'),
    `TCP_PORTS="1"\nUDP_PORTS="1"\nIGNORE_FILE="${dir}/ignore"\nBAN_TIMEOUT="1h"\n`,
  );
  const base = ['--state-dir', dir, '--config', join(dir, 'portsentry.conf'), '--backend', backend];
  const server = spawn('ip', ['netns', 'exec', victim.name, process.execPath, '-e', SERVER], { stdio: 'pipe' });
  await new Promise<void>((resolve, reject) => {
    server.stdout!.once('data', () => resolve());
    server.once('exit', (code) => reject(new Error(`listener exited ${code}`)));
  });
  return {
    victim,
    attacker,
    dir,
    server,
    cli: (args, input) => runCli([...args, ...base], { netns: victim.name, input }),
    connects(src) {
      const dst = src.includes(':') ? '2001:db8::10' : '192.0.2.10';
      return attacker.run(process.execPath, ['-e', CLIENT, dst, src]).status === 0;
    },
    cleanup() {
      server.kill();
      link.delete();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ok(r: CliResult): string {
  assert.equal(r.status, 0, `exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

function listJson(lab: Lab): {
  bans: Array<{ address: string; drift: string | null }>;
  drift: Record<string, unknown>;
} {
  const list = JSON.parse(ok(lab.cli(['bans', 'list', '--json'])));
  assert.ok(validateList(list), JSON.stringify((validateList as { errors?: unknown }).errors));
  return list;
}

async function eventually(what: string, check: () => boolean, limitMs = 20_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`never happened: ${what}`);
    await sleep(300);
  }
}

for (const backend of ['nftables', 'route'] as const) {
  describe(`${backend} backend`, { skip }, () => {
    let lab: Lab;
    before(async () => {
      lab = await makeLab(backend);
    });
    after(() => lab?.cleanup());

    test('a ban blocks a real TCP connection from that address only; unban restores it', () => {
      assert.ok(lab.connects('192.0.2.66'), 'connects before the ban');
      ok(lab.cli(['ban', '192.0.2.66', '--reason', 'kernel test']));
      assert.ok(!lab.connects('192.0.2.66'), 'banned address cannot connect');
      assert.ok(lab.connects('192.0.2.67'), 'another address still connects');
      const list = listJson(lab);
      assert.deepEqual(
        list.bans.map((b) => [b.address, b.drift]),
        [['192.0.2.66', null]],
      );
      ok(lab.cli(['unban', '192.0.2.66']));
      assert.ok(lab.connects('192.0.2.66'), 'connects again after unban');
      assert.equal(listJson(lab).bans.length, 0);
    });

    test('IPv6 address and prefix bans', () => {
      assert.ok(lab.connects('2001:db8::66'));
      const banned = JSON.parse(
        ok(lab.cli(['ban', '2001:db8::66', '2001:db8::8000:0/112', '192.0.2.128/25', '--json'])),
      );
      assert.deepEqual(banned.refused, []);
      assert.ok(!lab.connects('2001:db8::66'), 'IPv6 address banned');
      assert.ok(!lab.connects('2001:db8::8000:1'), 'inside the IPv6 prefix');
      assert.ok(!lab.connects('192.0.2.130'), 'inside the IPv4 prefix');
      assert.ok(lab.connects('192.0.2.67'), 'outside the prefixes');
      const addrs = listJson(lab)
        .bans.map((b) => b.address)
        .sort();
      assert.deepEqual(addrs, ['192.0.2.128/25', '2001:db8::66', '2001:db8::8000:0/112']);
      ok(lab.cli(['unban', '--all']));
      assert.ok(lab.connects('2001:db8::8000:1'));
      assert.ok(lab.connects('192.0.2.130'));
    });

    // Long enough that the connection attempt right after the ban still meets it on a loaded machine.
    test('a --timeout 6s ban really ends', async () => {
      ok(lab.cli(['ban', '192.0.2.66', '--timeout', '6s']));
      assert.ok(!lab.connects('192.0.2.66'));
      // Routes have no kernel timeout: any command (here bans list) lifts journal-expired route bans.
      await eventually('the ban expires', () => listJson(lab).bans.length === 0);
      assert.ok(lab.connects('192.0.2.66'));
    });

    test('bad input and never-ban refusals are named and change nothing', () => {
      const listFile = join(lab.dir, 'list.txt');
      writeFileSync(listFile, '# scanners\n192.0.2.66\n192.0.2.67\n192.0.2.999\n');
      const bad = lab.cli(['ban', '--file', listFile]);
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /list\.txt line 4: "192\.0\.2\.999" is not an IPv4 or IPv6 address/);
      const invalid = lab.cli(['ban', 'not-an-address']);
      assert.equal(invalid.status, 1);
      assert.match(invalid.stderr, /"not-an-address"/);
      for (const [addr, rule] of [
        ['192.0.2.10', "192.0.2.10 is this host's own address (v0)"],
        ['127.0.0.1', '127.0.0.1 is loopback'],
        ['192.0.2.20', '192.0.2.20 is in the ignore list'],
        ['192.0.2.0/24', '192.0.2.0/24 contains 192.0.2.10'],
      ]) {
        const r = lab.cli(['ban', addr]);
        assert.equal(r.status, 1, addr);
        assert.ok(r.stderr.includes(rule), `${addr}: ${r.stderr}`);
      }
      assert.equal(listJson(lab).bans.length, 0, 'nothing applied');
      assert.ok(lab.connects('192.0.2.66'));
    });

    test('10 concurrent ban processes leave a consistent journal and kernel', async () => {
      const addrs = Array.from({ length: 10 }, (_, i) => `203.0.113.${i + 1}`);
      const base = ['--state-dir', lab.dir, '--config', join(lab.dir, 'portsentry.conf'), '--backend', backend];
      const codes = await Promise.all(
        addrs.map(
          (a) =>
            new Promise<number | null>((resolve) => {
              const p = spawn('ip', ['netns', 'exec', lab.victim.name, process.execPath, binRun, 'ban', a, ...base], {
                cwd: repoRoot,
                stdio: 'ignore',
              });
              p.on('exit', resolve);
            }),
        ),
      );
      assert.deepEqual(codes, Array(10).fill(0));
      const journal = readJournal(lab.dir);
      assert.equal(journal.skipped, 0);
      const bans = journal.records
        .filter((r) => r.op === 'ban')
        .flatMap(recordTargets)
        .filter((t) => t.startsWith('203.0.113.'));
      assert.deepEqual(bans.sort(), [...addrs].sort());
      const inKernel = listJson(lab).bans.filter((b) => b.drift === null);
      assert.deepEqual(inKernel.map((b) => b.address).sort(), [...addrs].sort());
      ok(lab.cli(['unban', '--all']));
    });

    test('drift: bans lost from the kernel are shown as missing and repaired by setup --restore', () => {
      ok(lab.cli(['ban', '192.0.2.66', '2001:db8::66']));
      if (backend === 'nftables') {
        // An element added behind portsentinel's back is external drift.
        lab.victim.exec('nft', ['add', 'element', 'inet', 'portsentinel', 'banned4', '{ 198.51.100.99 }']);
        assert.deepEqual(listJson(lab).drift.external, ['198.51.100.99']);
        lab.victim.exec('nft', ['delete', 'table', 'inet', 'portsentinel']);
      } else {
        lab.victim.ip('route', 'del', 'blackhole', '192.0.2.66');
        lab.victim.ip('-6', 'route', 'del', 'blackhole', '2001:db8::66');
      }
      assert.ok(lab.connects('192.0.2.66'), 'the kernel lost the ban');
      const list = listJson(lab);
      assert.deepEqual(list.drift.missing, ['192.0.2.66', '2001:db8::66']);
      assert.equal(list.drift.repair, 'portsentinel setup --restore');
      assert.match(ok(lab.cli(['bans', 'list'])), /missing from the kernel; run: portsentinel setup --restore/);
      const status = JSON.parse(ok(lab.cli(['status', '--json'])));
      assert.ok(validateStatus(status));
      assert.equal(status.drift.missing, 2);
      assert.equal(status.backend.kind, backend);
      if (backend === 'nftables') assert.equal(status.ready, false);
      const restore = JSON.parse(ok(lab.cli(['setup', '--restore', '--json'])));
      assert.equal(restore.restored, 2);
      assert.ok(!lab.connects('192.0.2.66'), 'banned again');
      const repaired = listJson(lab);
      assert.deepEqual(repaired.drift, { external: [], missing: [], repair: null });
      const status2 = JSON.parse(ok(lab.cli(['status', '--json'])));
      assert.equal(status2.ready, true);
      assert.equal(status2.counts.banned4 + status2.counts.banned6, 2);
      ok(lab.cli(['unban', '--all']));
    });

    test('teardown removes only our objects', () => {
      ok(lab.cli(['ban', '192.0.2.66']));
      ok(lab.cli(['teardown']));
      assert.ok(lab.connects('192.0.2.66'));
      const tables = lab.victim.exec('nft', ['list', 'tables']);
      assert.equal(tables.trim(), '', backend === 'route' ? 'nftables never used' : 'table removed');
      assert.doesNotMatch(lab.victim.ip('route', 'show', 'type', 'blackhole'), /192\.0\.2\.66/);
    });
  });
}
