// The ban commands end to end through bin/run.js with the file backend (no root needed): outputs checked
// against their JSON Schemas, exit codes, the journal and the history file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { validate as validateBan } from '../../src/generated/ban.js';
import { validate as validateUnban } from '../../src/generated/unban.js';
import { validate as validateList } from '../../src/generated/bans-list.js';
import { validate as validateSetup } from '../../src/generated/setup.js';
import { validate as validateTeardown } from '../../src/generated/teardown.js';
import { validate as validateStatus } from '../../src/generated/status.js';
import { readJournal } from '../../src/state/journal.js';
import { recordTargets } from '../../src/state/record.js';

type Validator = ((data: unknown) => boolean) & { errors?: unknown };

function valid(v: Validator, data: unknown): void {
  assert.ok(v(data), JSON.stringify(v.errors, null, 2));
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'pst-cli-'));
  writeFileSync(join(dir, 'ignore'), '198.51.100.0/24\n');
  writeFileSync(
    join(dir, 'portsentry.conf'),
    `TCP_PORTS="1,11"\nUDP_PORTS="1"\nIGNORE_FILE="${dir}/ignore"\nHISTORY_FILE="${dir}/history"\nBAN_TIMEOUT="30m"\n`,
  );
  const base = ['--state-dir', dir, '--backend', 'file', '--config', join(dir, 'portsentry.conf')];
  const cli = (args: string[], input?: string) => runCli([...args, ...base], { input });
  return { dir, cli, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

test('a HISTORY_FILE that cannot be written is a warning: the ban stands', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pst-cli-'));
  try {
    const conf = join(dir, 'portsentry.conf');
    writeFileSync(conf, `TCP_PORTS="1"\nHISTORY_FILE="${dir}/no/such/dir/history"\n`);
    const r = runCli(['ban', '192.0.2.66', '--json', '--state-dir', dir, '--backend', 'file', '--config', conf]);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    valid(validateBan as Validator, out);
    assert.deepEqual(out.banned, ['192.0.2.66']);
    assert.equal(out.warnings.length, 1);
    assert.match(r.stderr, /warning: cannot append to the history file .*no\/such\/dir\/history/);
    assert.deepEqual(readJournal(dir).records.flatMap(recordTargets), ['192.0.2.66']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ban → list → unban with schemas, journal and history', () => {
  const w = workspace();
  try {
    const b = w.cli(['ban', '192.0.2.66', '2001:db8::/64', '--reason', 'manual test', '--json']);
    assert.equal(b.status, 0, b.stderr);
    const ban = JSON.parse(b.stdout);
    valid(validateBan as Validator, ban);
    assert.deepEqual(ban.banned, ['192.0.2.66', '2001:db8::/64']);
    assert.equal(ban.timeout, 1800, 'BAN_TIMEOUT from the config');

    const l = w.cli(['bans', 'list', '--json']);
    assert.equal(l.status, 0, l.stderr);
    const list = JSON.parse(l.stdout);
    valid(validateList as Validator, list);
    assert.deepEqual(
      list.bans.map((r: { address: string; reason: string; origin: string }) => [r.address, r.reason, r.origin]),
      [
        ['192.0.2.66', 'manual test', 'manual'],
        ['2001:db8::/64', 'manual test', 'manual'],
      ],
    );
    const v6 = JSON.parse(w.cli(['bans', 'list', '--json', '--family', '6']).stdout);
    assert.equal(v6.bans.length, 1);

    const human = w.cli(['bans', 'list']);
    assert.match(human.stdout, /^ADDRESS\s+EXPIRES IN\s+REASON/);
    // The listing counts down from the ban's 30 minutes; a loaded machine may already be a second or two in.
    assert.match(human.stdout, /192\.0\.2\.66\s+(?:30m|29m\d+s)\s+manual test/);

    const history = readFileSync(join(w.dir, 'history'), 'utf8').trim().split('\n');
    assert.equal(history.length, 2);
    assert.match(
      history[0],
      /^\d+ - \d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d Host: 192\.0\.2\.66\/192\.0\.2\.66 Port: 0 manual Blocked$/,
    );

    const u = w.cli(['unban', '192.0.2.66', '192.0.2.99', '--json']);
    assert.equal(u.status, 0, u.stderr);
    const unban = JSON.parse(u.stdout);
    valid(validateUnban as Validator, unban);
    assert.deepEqual(unban, { backend: 'file', unbanned: ['192.0.2.66'], notBanned: ['192.0.2.99'] });

    // Not banned is the state asked for: named, exit 0, as `unban --all` with nothing banned.
    const none = w.cli(['unban', '192.0.2.99']);
    assert.equal(none.status, 0);
    assert.match(none.stderr, /^portsentinel: 192\.0\.2\.99 was not banned/);

    const all = JSON.parse(w.cli(['unban', '--all', '--json']).stdout);
    assert.deepEqual(all.unbanned, ['2001:db8::/64']);
    const j = readJournal(w.dir);
    assert.equal(j.skipped, 0);
    assert.deepEqual(
      j.records.map((r) => `${r.op} ${recordTargets(r).join(' ')}`),
      ['ban 192.0.2.66', 'ban 2001:db8::/64', 'unban 192.0.2.66', 'unban 2001:db8::/64'],
    );
  } finally {
    w.cleanup();
  }
});

test('bad input: exit 1 naming the address or line, nothing applied', () => {
  const w = workspace();
  try {
    const arg = w.cli(['ban', '192.0.2.1', '192.0.2.256']);
    assert.equal(arg.status, 1);
    assert.equal(
      arg.stderr.trim(),
      'portsentinel: argument 2: "192.0.2.256" is not an IPv4 or IPv6 address or prefix; fix it and run ban again, nothing was changed',
    );
    writeFileSync(join(w.dir, 'list.txt'), '# bad list\n192.0.2.5\nnot-an-ip\n');
    const file = w.cli(['ban', '--file', join(w.dir, 'list.txt')]);
    assert.equal(file.status, 1);
    assert.match(file.stderr, /list\.txt line 3: "not-an-ip" is not an IPv4 or IPv6 address/);
    assert.doesNotMatch(file.stderr, /\n\s+at /, 'no stack trace');
    const stdin = w.cli(['ban', '--file', '-'], '192.0.2.7\nbogus\n');
    assert.equal(stdin.status, 1);
    assert.match(stdin.stderr, /stdin line 2: "bogus"/);
    const timeout = w.cli(['ban', '192.0.2.8', '--timeout', 'soon']);
    assert.equal(timeout.status, 1);
    assert.match(timeout.stderr, /--timeout "soon" is not a duration/);
    const nothing = w.cli(['ban']);
    assert.equal(nothing.status, 2);
    assert.equal(readJournal(w.dir).records.length, 0, 'nothing journaled');
    assert.equal(JSON.parse(w.cli(['bans', 'list', '--json']).stdout).bans.length, 0, 'nothing banned');
  } finally {
    w.cleanup();
  }
});

test('never-ban refusals are named; --force overrides; all refused → exit 1', () => {
  const w = workspace();
  try {
    const all = w.cli(['ban', '127.0.0.1', '198.51.100.9']);
    assert.equal(all.status, 1);
    assert.match(
      all.stderr,
      /nothing banned: 127\.0\.0\.1 is loopback; 198\.51\.100\.9 is in the ignore list \(.*ignore line 1: 198\.51\.100\.0\/24\)/,
    );
    const some = w.cli(['ban', '127.0.0.1', '192.0.2.66', '--json']);
    assert.equal(some.status, 0);
    const r = JSON.parse(some.stdout);
    assert.deepEqual(r.refused, [{ address: '127.0.0.1', rule: '127.0.0.1 is loopback' }]);
    assert.deepEqual(r.banned, ['192.0.2.66']);
    const forced = JSON.parse(w.cli(['ban', '198.51.100.9', '--force', '--timeout', 'permanent', '--json']).stdout);
    assert.deepEqual(forced.banned, ['198.51.100.9']);
    assert.equal(forced.timeout, null);
    assert.equal(forced.forced.length, 1);
  } finally {
    w.cleanup();
  }
});

test('setup, status, drift, restore and teardown with schemas', () => {
  const w = workspace();
  try {
    const s = w.cli(['setup', '--json']);
    assert.equal(s.status, 0, s.stderr);
    valid(validateSetup as Validator, JSON.parse(s.stdout));
    const dry = JSON.parse(w.cli(['setup', '--dry-run', '--json']).stdout);
    valid(validateSetup as Validator, dry);
    assert.ok(Array.isArray(dry.document.nftables));
    assert.equal(w.cli(['ban', '192.0.2.66', '192.0.2.67', '--timeout', '1h']).status, 0);

    // The "kernel" loses its bans (reboot, flush ruleset): the journal still has them.
    const td = w.cli(['teardown', '--json']);
    assert.equal(td.status, 0, td.stderr);
    const teardown = JSON.parse(td.stdout);
    valid(validateTeardown as Validator, teardown);
    assert.equal(teardown.removedBans, 2);

    const st = JSON.parse(w.cli(['status', '--json']).stdout);
    valid(validateStatus as Validator, st);
    assert.equal(st.drift.missing, 2);
    assert.equal(st.drift.repair, 'portsentinel setup --restore');
    const human = w.cli(['bans', 'list']);
    assert.match(human.stdout, /192\.0\.2\.66 .* missing/);
    assert.match(human.stdout, /run: portsentinel setup --restore/);

    const restore = JSON.parse(w.cli(['setup', '--restore', '--json']).stdout);
    valid(validateSetup as Validator, restore);
    assert.equal(restore.restored, 2);
    const after = JSON.parse(w.cli(['bans', 'list', '--json']).stdout);
    assert.deepEqual(after.drift, { external: [], missing: [], repair: null });
    assert.ok(after.bans.every((b: { expiresIn: number }) => b.expiresIn > 3500 && b.expiresIn <= 3600));
    const st2 = JSON.parse(w.cli(['status', '--json']).stdout);
    assert.deepEqual(st2.counts, { banned4: 2, banned6: 0, bannednet4: 0, bannednet6: 0 });
    assert.match(w.cli(['status']).stdout, /^backend\s+file/);
  } finally {
    w.cleanup();
  }
});
