import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, appendFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PortSentryConfig } from '../../src/config/types.js';
import { banEntries, type BanEntry, type BanSet } from '../../src/firewall/banset.js';
import type { Detection } from '../../src/respond/plan.js';
import { Responder } from '../../src/respond/responder.js';
import { InputError } from '../../src/errors.js';
import { testConfig } from '../helpers/config.js';

function config(dir: string, over: Partial<PortSentryConfig> = {}): PortSentryConfig {
  return testConfig({
    killHostsDeny: 'ALL: $TARGET$ : DENY',
    killRunCmd: `echo run $TARGET$ $PORT$ $MODE$ >> ${dir}/order.log`,
    banBackend: 'nftables',
    commandTimeout: 5,
    hostsDenyFile: join(dir, 'hosts.deny'),
    ...over,
  });
}

/** A ban set that records into the same order log the shell commands write, so the interleaving is observable. */
function recordingBanSet(dir: string, fail = false): BanSet & { added: BanEntry[] } {
  const added: BanEntry[] = [];
  const noop = async () => undefined;
  return {
    kind: 'nftables',
    added,
    setup: noop,
    teardown: noop,
    status: async () => ({ kind: 'nftables', ready: true, problems: [] }),
    async add(list, timeouts) {
      if (fail) throw new Error('netlink said EPERM');
      const entries = banEntries(list, timeouts);
      added.push(...entries);
      for (const e of entries) appendFileSync(join(dir, 'order.log'), `ban ${e.target}\n`);
    },
    remove: async () => [],
    list: async () => [],
    has: async () => false,
    close: noop,
  };
}

const syn: Detection = {
  address: '192.0.2.66',
  family: 4,
  port: 11,
  protocol: 'tcp',
  mode: 'atcp',
  scanType: 'TCP SYN/Normal scan',
};

function orderLog(dir: string): string[] {
  const hd = existsSync(join(dir, 'hosts.deny')) ? 'hosts.deny written' : 'no hosts.deny';
  return [...readFileSync(join(dir, 'order.log'), 'utf8').trim().split('\n'), hd];
}

test('KILL_RUN_CMD_FIRST=0: hosts.deny, ban, then the command; PortSentry log lines in that order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  const banSet = recordingBanSet(dir);
  const r = await new Responder({ config: config(dir), backend: 'nftables', banSet, log: (l) => logs.push(l) }).respond(
    syn,
  );
  assert.equal(r.blocked, true);
  assert.deepEqual(
    r.outcomes.map((o) => o.kind),
    ['hosts-deny', 'ban-set', 'run'],
  );
  assert.deepEqual(orderLog(dir), ['ban 192.0.2.66', 'run 192.0.2.66 11 atcp', 'hosts.deny written']);
  assert.deepEqual(banSet.added, [{ target: '192.0.2.66', family: 4, timeout: 3600 }]);
  assert.equal(readFileSync(join(dir, 'hosts.deny'), 'utf8'), 'ALL: 192.0.2.66 : DENY\n');
  assert.match(logs[0], /Host 192\.0\.2\.66 has been blocked via wrappers with string: "ALL: 192\.0\.2\.66 : DENY"/);
  assert.match(logs[1], /Host 192\.0\.2\.66 has been blocked via nftables set: ban-set add 192\.0\.2\.66/);
  assert.match(logs[2], /External command run for host: 192\.0\.2\.66 using command: "echo run 192\.0\.2\.66 11 atcp/);
  rmSync(dir, { recursive: true });
});

test('KILL_RUN_CMD_FIRST=1: the command runs before the ban', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const banSet = recordingBanSet(dir);
  const responder = new Responder({
    config: config(dir, { killRunCmdFirst: true, killHostsDeny: undefined }),
    backend: 'nftables',
    banSet,
    log: () => undefined,
  });
  await responder.respond(syn);
  assert.deepEqual(orderLog(dir), ['run 192.0.2.66 11 atcp', 'ban 192.0.2.66', 'no hosts.deny']);
  rmSync(dir, { recursive: true });
});

test('a failing or hanging command never stops the ban', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  const banSet = recordingBanSet(dir);
  const cfg = config(dir, { killRunCmdFirst: true, killRunCmd: 'sleep 20', commandTimeout: 0.3 });
  const r = await new Responder({ config: cfg, backend: 'nftables', banSet, log: (l) => logs.push(l) }).respond(syn);
  assert.equal(r.outcomes[0].kind, 'run');
  assert.equal(r.outcomes[0].ok, false);
  assert.equal(r.outcomes[0].shell?.timedOut, true);
  assert.equal(banSet.added.length, 1);
  assert.ok(logs.some((l) => /timed out/.test(l)));

  const cfg2 = config(dir, { killRunCmdFirst: true, killRunCmd: '/nonexistent/cmd $TARGET$' });
  const banSet2 = recordingBanSet(dir);
  const r2 = await new Responder({
    config: cfg2,
    backend: 'nftables',
    banSet: banSet2,
    log: (l) => logs.push(l),
  }).respond(syn);
  assert.equal(r2.outcomes[0].shell?.exitCode, 127);
  assert.equal(banSet2.added.length, 1);
  assert.equal(r2.blocked, true);
  rmSync(dir, { recursive: true });
});

test('a failing ban set is logged and the command still runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  const cfg = config(dir, { killHostsDeny: undefined });
  const r = await new Responder({
    config: cfg,
    backend: 'nftables',
    banSet: recordingBanSet(dir, true),
    log: (l) => logs.push(l),
  }).respond(syn);
  assert.equal(r.blocked, false);
  assert.deepEqual(
    r.outcomes.map((o) => [o.kind, o.ok]),
    [
      ['ban-set', false],
      ['run', true],
    ],
  );
  assert.ok(logs.some((l) => /ERROR: ban-set for host 192\.0\.2\.66 failed: netlink said EPERM/.test(l)));
  rmSync(dir, { recursive: true });
});

test('the command backend runs KILL_ROUTE through the shell as the block step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  const cfg = config(dir, { killHostsDeny: undefined, killRoute: `echo route $TARGET$ >> ${dir}/order.log` });
  await new Responder({ config: cfg, backend: 'command', log: (l) => logs.push(l) }).respond(syn);
  assert.deepEqual(orderLog(dir), ['route 192.0.2.66', 'run 192.0.2.66 11 atcp', 'no hosts.deny']);
  assert.match(logs[0], /has been blocked via dropped route using command: "echo route 192\.0\.2\.66/);
  rmSync(dir, { recursive: true });
});

test('MAX_BANS_PER_MINUTE refuses further bans in the window and logs each refusal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  let now = 1_000_000;
  const banSet = recordingBanSet(dir);
  const responder = new Responder({
    config: config(dir, { maxBansPerMinute: 2, killRunCmd: undefined, killHostsDeny: undefined }),
    backend: 'nftables',
    banSet,
    log: (l) => logs.push(l),
    now: () => now,
  });
  for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) await responder.respond({ ...syn, address: a });
  assert.deepEqual(
    banSet.added.map((e) => e.target),
    ['192.0.2.1', '192.0.2.2'],
  );
  assert.ok(logs.some((l) => /192\.0\.2\.3 not blocked: MAX_BANS_PER_MINUTE \(2\)/.test(l)));
  now += 60_001;
  await responder.respond({ ...syn, address: '192.0.2.4' });
  assert.equal(banSet.added.at(-1)?.target, '192.0.2.4');
  rmSync(dir, { recursive: true });
});

test('macro values that are not validated literals are refused before any shell sees them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const responder = new Responder({ config: config(dir), backend: 'nftables', log: () => undefined });
  await assert.rejects(responder.respond({ ...syn, address: 'evil.example; rm -rf /' }), InputError);
  await assert.rejects(responder.respond({ ...syn, address: '2001:DB8::66' }), /canonical/);
  await assert.rejects(responder.respond({ ...syn, port: 70000 }), /port number/);
  assert.equal(existsSync(join(dir, 'order.log')), false);
  rmSync(dir, { recursive: true });
});

test('BLOCK_TCP=0 does nothing; BLOCK_TCP=2 runs only the command; --dry-run runs nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  const logs: string[] = [];
  const banSet = recordingBanSet(dir);
  const r0 = await new Responder({
    config: config(dir, { blockTcp: 0 }),
    backend: 'nftables',
    banSet,
    log: (l) => logs.push(l),
  }).respond(syn);
  assert.equal(r0.actions.length, 0);
  assert.ok(logs.some((l) => /Ignoring TCP response per configuration file setting/.test(l)));
  const r2 = await new Responder({
    config: config(dir, { blockTcp: 2 }),
    backend: 'nftables',
    banSet,
    log: () => {},
  }).respond(syn);
  assert.deepEqual(
    r2.outcomes.map((o) => o.kind),
    ['run'],
  );
  const rd = await new Responder({
    config: config(dir),
    backend: 'nftables',
    banSet,
    dryRun: true,
    log: () => {},
  }).respond({ ...syn, address: '192.0.2.99' });
  assert.equal(rd.dryRun, true);
  assert.equal(rd.actions.length, 3);
  assert.equal(rd.outcomes.length, 0);
  assert.deepEqual(orderLog(dir), ['run 192.0.2.66 11 atcp', 'no hosts.deny']);
  assert.equal(banSet.added.length, 0);
  rmSync(dir, { recursive: true });
});

test('the caller is announced after the kernel ban is sent and before any response line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  try {
    const logs: string[] = [];
    const banSet = recordingBanSet(dir);
    const r = await new Responder({
      config: config(dir),
      backend: 'nftables',
      banSet,
      log: (l) => logs.push(l),
    }).respond(syn, () => {
      assert.equal(banSet.added.length, 1, 'the ban was handed over before the announcement');
      assert.equal(
        existsSync(join(dir, 'order.log')) ? readFileSync(join(dir, 'order.log'), 'utf8') : '',
        'ban 192.0.2.66\n',
      );
      logs.push('detection');
    });
    assert.equal(logs[0], 'detection');
    assert.equal(logs.length, 4);
    assert.deepEqual(
      r.outcomes.map((o) => o.kind),
      ['hosts-deny', 'ban-set', 'run'],
    );
    assert.deepEqual(orderLog(dir), ['ban 192.0.2.66', 'run 192.0.2.66 11 atcp', 'hosts.deny written']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('KILL_RUN_CMD_FIRST=1: the announcement comes first and the command still runs before the ban', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  try {
    const logs: string[] = [];
    const banSet = recordingBanSet(dir);
    await new Responder({
      config: config(dir, { killRunCmdFirst: true }),
      backend: 'nftables',
      banSet,
      log: (l) => logs.push(l),
    }).respond(syn, () => {
      assert.equal(existsSync(join(dir, 'order.log')), false, 'nothing ran before the announcement');
      logs.push('detection');
    });
    assert.equal(logs[0], 'detection');
    assert.deepEqual(orderLog(dir), ['run 192.0.2.66 11 atcp', 'ban 192.0.2.66', 'hosts.deny written']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refused by the cap or with nothing to do: announced once, before the line saying so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  try {
    const logs: string[] = [];
    const responder = new Responder({
      config: config(dir, { maxBansPerMinute: 1 }),
      backend: 'nftables',
      banSet: recordingBanSet(dir),
      log: (l) => logs.push(l),
    });
    await responder.respond(syn);
    logs.length = 0;
    const r = await responder.respond({ ...syn, address: '192.0.2.67' }, () => logs.push('detection'));
    assert.ok(r.refused);
    assert.equal(logs[0], 'detection');
    assert.equal(logs.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a trial responder (warm-up) runs only the ban-set step and is never capped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ps-rsp-'));
  try {
    const banSet = recordingBanSet(dir);
    const responder = new Responder({
      config: config(dir, { maxBansPerMinute: 1 }),
      backend: 'nftables',
      banSet,
      log: () => undefined,
      trial: true,
    });
    for (const a of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) {
      const r = await responder.respond({ ...syn, address: a });
      assert.equal(r.refused, undefined);
      assert.deepEqual(
        r.outcomes.map((o) => `${o.kind} ${o.detail}`),
        ['hosts-deny skipped', 'ban-set added', 'run skipped'],
      );
    }
    assert.equal(banSet.added.length, 3);
    assert.equal(existsSync(join(dir, 'hosts.deny')), false);
    assert.deepEqual(readFileSync(join(dir, 'order.log'), 'utf8').trim().split('\n'), [
      'ban 192.0.2.1',
      'ban 192.0.2.2',
      'ban 192.0.2.3',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
