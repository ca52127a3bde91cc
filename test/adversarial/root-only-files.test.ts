// Files only root can change: a config, ignore file, state directory, journal or lock that another user owns or
// could write is refused by watch, ban, unban and setup (config validate reports it), with one sentence naming the
// file, owner, mode and fix. The hostile files are written by a real unprivileged user (uid 65534).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelSkipReason } from '../helpers/netns.js';
import { runCli } from '../helpers/cli.js';
import { kernelTargets, makeLab, type Lab } from './lab.js';

const skip = kernelSkipReason('setpriv');
const NOBODY = 65534;

/** Writes `text` to `path` as uid 65534, with umask 0 (mode 0666). */
function writeAsNobody(path: string, text: string): void {
  execFileSync(
    'setpriv',
    [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'sh', '-c', 'umask 0; cat > "$1"', 'sh', path],
    { input: text },
  );
}

/** A directory uid 65534 owns inside the lab's root. */
function nobodyDir(lab: Lab): string {
  const dir = join(lab.root, 'nobody');
  mkdirSync(dir, { mode: 0o755 });
  chownSync(dir, NOBODY, NOBODY);
  return dir;
}

function assertRefused(r: { status: number | null; stderr: string }, path: string, owner: RegExp, mode: string) {
  assert.equal(r.status, 1, `expected exit 1, got ${r.status}: ${r.stderr}`);
  assert.match(r.stderr, new RegExp(`refusing the [a-z ]+ ${path.replaceAll('.', '\\.')}`));
  assert.match(r.stderr, owner);
  assert.match(r.stderr, new RegExp(`mode ${mode}`));
  assert.match(r.stderr, /run: (chown root|chmod go-w)/);
  assert.equal(r.stderr.trim().split('\n').length, 1, `one sentence: ${r.stderr}`);
}

test('a config another user wrote is refused by every command and reported by config validate', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const marker = join(lab.root, 'ran-as-root');
  const config = join(nobodyDir(lab), 'evil.conf');
  writeAsNobody(config, `TCP_PORTS="1"\nUDP_PORTS="1"\nKILL_RUN_CMD="id > ${marker}"\nBAN_TIMEOUT="0"\n`);
  const as = (args: string[]) =>
    runCli([...args, '--state-dir', lab.stateDir, '--config', config, '--backend', 'nftables'], {
      netns: lab.ns.name,
    });
  for (const args of [['ban', '198.51.100.1'], ['unban', '198.51.100.1'], ['setup'], ['setup', '--restore']]) {
    assertRefused(as(args), config, /nobody \(uid 65534\)/, '0666');
  }
  const watch = runCli(['watch', '--no-syslog', '--state-dir', lab.stateDir, '--config', config], {
    netns: lab.ns.name,
    timeout: 30_000,
  });
  assertRefused(watch, config, /nobody/, '0666');
  const v = runCli(['config', 'validate', '--config', config]);
  assert.notEqual(v.status, 0);
  assert.match(v.stdout + v.stderr, /error - refusing the config file .*nobody \(uid 65534\) with mode 0666/);
  assert.equal(kernelTargets(lab).size, 0);
  assert.ok(!existsSync(marker));
  const allowed = runCli(['ban', '198.51.100.1', '--state-dir', lab.stateDir, '--config', config], {
    netns: lab.ns.name,
    env: { PORTSENTINEL_INSECURE_FILES: '1' },
  });
  assert.equal(allowed.status, 0, `the escape hatch lets it through: ${allowed.stderr}`);
});

test('a world-writable ignore file is refused', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  chmodSync(lab.ignore, 0o666);
  assertRefused(lab.cli(['ban', '198.51.100.1']), lab.ignore, /root \(uid 0\)/, '0666');
  assert.equal(kernelTargets(lab).size, 0);
});

test('a state directory, journal or lock another user can change is refused; links are not followed', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  chmodSync(lab.stateDir, 0o777);
  assertRefused(lab.cli(['ban', '198.51.100.1']), lab.stateDir, /root/, '0777');
  chmodSync(lab.stateDir, 0o700);
  chownSync(lab.stateDir, NOBODY, NOBODY);
  assertRefused(lab.cli(['setup', '--restore']), lab.stateDir, /nobody/, '0700');
  chownSync(lab.stateDir, 0, 0);

  const journal = join(lab.stateDir, 'journal.jsonl');
  writeFileSync(journal, '', { mode: 0o600 });
  chownSync(journal, NOBODY, NOBODY);
  assertRefused(lab.cli(['unban', '--all']), journal, /nobody/, '0600');
  chownSync(journal, 0, 0);
  chmodSync(journal, 0o622);
  assertRefused(lab.cli(['ban', '198.51.100.1']), journal, /root/, '0622');
  chmodSync(journal, 0o600);

  const lock = join(lab.stateDir, 'journal.lock');
  const target = join(lab.root, 'elsewhere');
  symlinkSync(target, lock);
  const r = lab.cli(['ban', '198.51.100.1']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /lock file .* symbolic link/);
  assert.ok(!existsSync(target), 'the link was not followed');
  assert.equal(kernelTargets(lab).size, 0);
});

test('a state directory portsentinel creates is 0700', { skip }, (t) => {
  const lab = makeLab('nftables');
  t.after(() => lab.cleanup());
  const fresh = join(lab.root, 'fresh', 'state');
  const r = runCli(['ban', '198.51.100.1', '--state-dir', fresh, '--config', lab.config], { netns: lab.ns.name });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(statSync(fresh).mode & 0o777, 0o700);
});
