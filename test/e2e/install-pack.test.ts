// Installed as users install it: `npm pack`, then `npm install -g` of the tarball into a temporary prefix. The
// `portsentinel` that lands in PREFIX/bin must work from any directory: every command's --help, a replay of a
// recorded scan, config validate, and the systemd unit shipped beside it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { toolSkipReason } from '../helpers/tools.js';

const skip = toolSkipReason('npm');
let work = '';
let bin = '';

function run(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  // PREFIX/bin first on PATH, as the README says; node itself stays where it is.
  const path = [join(work, 'prefix', 'bin'), dirname(process.execPath), process.env.PATH].join(delimiter);
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, PATH: path, NO_COLOR: '1', PORTSENTINEL_STATE_DIR: join(work, 'state') },
    timeout: 300_000,
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what}: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

before(() => {
  if (skip) return;
  work = mkdtempSync(join(tmpdir(), 'psn-install-'));
  const packed = ok(run('npm', ['pack', '--silent', '--pack-destination', work], repoRoot), 'npm pack').trim();
  const tarball = join(work, packed.split('\n').pop()!);
  assert.ok(existsSync(tarball), tarball);
  ok(
    run(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        join(work, 'prefix'),
        // The journal lock's flock binding is built at install time; npm runs no dependency's build unless allowed.
        '--allow-scripts=fs-ext',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        tarball,
      ],
      work,
    ),
    'npm install -g',
  );
  bin = join(work, 'prefix', 'bin', 'portsentinel');
});

after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

test('npm install -g puts portsentinel on PATH in PREFIX/bin', { skip }, () => {
  assert.ok(existsSync(bin), `${bin} is missing`);
  assert.equal(ok(run('sh', ['-c', 'command -v portsentinel'], tmpdir()), 'command -v').trim(), bin);
  assert.match(ok(run('portsentinel', ['--version'], '/'), '--version'), /^portsentinel\/\d+\.\d+\.\d+ /);
});

test('every command answers --help from any directory', { skip }, () => {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
    commands: Record<string, unknown>;
  };
  const ids = Object.keys(manifest.commands);
  assert.ok(ids.length >= 10, ids.join(' '));
  for (const id of ids) {
    const out = ok(run('portsentinel', [...id.split(':'), '--help'], '/'), `${id} --help`);
    assert.match(out, /USAGE/, id);
  }
});

test('the installed replay judges a recorded scan, and config validate checks a config', { skip }, () => {
  const here = mkdtempSync(join(work, 'elsewhere-'));
  copyFileSync(join(repoRoot, 'fixtures', 'captures', 'syn_scan', 'capture.pcap'), join(here, 'scan.pcap'));
  copyFileSync(join(repoRoot, 'fixtures', 'configs', 'good', 'debian-1.2.conf'), join(here, 'portsentry.conf'));
  const report = JSON.parse(
    ok(run('portsentinel', ['replay', 'scan.pcap', '--config', 'embedded', '--json'], here), 'replay'),
  );
  assert.deepEqual(
    report.bans.map((b: { address: string }) => b.address),
    ['192.0.2.66'],
  );
  const v = JSON.parse(
    ok(run('portsentinel', ['config', 'validate', '--config', 'portsentry.conf', '--json'], here), 'validate'),
  );
  assert.equal(v.valid, true);
});

test('the installed ban takes the journal lock and records the ban, from any directory', { skip }, () => {
  const state = mkdtempSync(join(work, 'state-'));
  const common = ['--config', 'embedded', '--backend', 'file', '--state-dir', state];
  ok(run('portsentinel', ['ban', '192.0.2.66', '--timeout', '1h', ...common], '/'), 'ban');
  const list = JSON.parse(ok(run('portsentinel', ['bans', 'list', '--json', ...common], '/'), 'bans list'));
  assert.deepEqual(
    list.bans.map((b: { address: string }) => b.address),
    ['192.0.2.66'],
  );
});

test(
  'the systemd unit ships in the package and runs PREFIX/bin/portsentinel once its Exec lines are pointed there',
  { skip },
  () => {
    const root = ok(run('npm', ['root', '-g', '--prefix', join(work, 'prefix')], work), 'npm root').trim();
    const unit = readFileSync(join(root, 'portsentinel', 'packaging', 'systemd', 'portsentinel.service'), 'utf8');
    const execs = unit.match(/^Exec(?:StartPre|Start)=(\S+)/gm) ?? [];
    assert.equal(execs.length, 2);
    // The unit names /usr/bin/portsentinel, where Debian's npm (prefix /usr) installs; the binary is a symlink into
    // the package, so any prefix resolves to the same program.
    assert.equal(realpathSync(bin), join(realpathSync(root), 'portsentinel', 'bin', 'run.js'));
    for (const line of execs) assert.equal(line.split('=')[1], '/usr/bin/portsentinel');
  },
);
