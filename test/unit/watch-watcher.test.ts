// The live loop's wiring, without a kernel: a fake ban set, probes pushed straight into the watcher.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PortSentryConfig } from '../../src/config/types.js';
import { banEntries, type BanEntry, type BanSet } from '../../src/firewall/banset.js';
import type { BanContext } from '../../src/bans/context.js';
import { buildNeverBanMatcher } from '../../src/firewall/never-ban.js';
import { createPacket } from '../../src/packet/packet.js';
import { IPPROTO_TCP, TCP_SYN } from '../../src/packet/types.js';
import { Watcher, type WatcherDeps } from '../../src/watch/watcher.js';
import { parseAddress } from '../../src/net/address.js';
import { testConfig } from '../helpers/config.js';

function config(over: Partial<PortSentryConfig> = {}): PortSentryConfig {
  return testConfig({
    killHostsDeny: '',
    killRunCmd: '',
    banBackend: 'nftables',
    commandTimeout: 5,
    hostsDenyFile: '/nonexistent/hosts.deny',
    ...over,
  });
}

/** An in-memory ban set: `held` is what the "kernel" holds now, `peak` the most it ever held at once. */
function memoryBanSet(): BanSet & { held: Set<string>; adds: BanEntry[]; peak: number } {
  const held = new Set<string>();
  const adds: BanEntry[] = [];
  const noop = async () => undefined;
  return {
    kind: 'nftables',
    held,
    adds,
    peak: 0,
    setup: noop,
    teardown: noop,
    status: async () => ({ kind: 'nftables', ready: true, problems: [] }),
    async add(list, timeouts) {
      for (const e of banEntries(list, timeouts)) {
        adds.push(e);
        held.add(e.target);
      }
      this.peak = Math.max(this.peak, held.size);
    },
    async remove(targets: string[]) {
      return targets.filter((t) => held.delete(t));
    },
    list: async () => [...held].map((target) => ({ target, family: 4 as const })),
    has: async (t: string) => held.has(t),
    close: noop,
  };
}

function setup(over: Partial<PortSentryConfig>, historyFile?: string, deps: Partial<WatcherDeps> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ps-watcher-'));
  const banSet = memoryBanSet();
  const lines: string[] = [];
  const cfg = config(over);
  const ctx: BanContext = {
    stateDir: dir,
    config: cfg,
    configFile: join(dir, 'portsentry.conf'),
    ignore: [],
    historyFile: historyFile && join(dir, historyFile),
    backend: { kind: 'nftables', reason: 'test' } as unknown as BanContext['backend'],
    banSet: async () => banSet,
    selection: async () => ({ requested: 'nftables', kind: 'nftables', reason: 'test' }),
    close: async () => undefined,
  };
  const watcher = new Watcher({
    opts: { iface: 'any', dryRun: false, json: false, capture: 'nflog', nflogGroup: 4711, syslog: false },
    ctx,
    banSet,
    blockBackend: 'nftables',
    matcher: buildNeverBanMatcher({ hosts: [], ignore: [] }),
    alerts: { line: (l) => lines.push(l), close: async () => undefined, target: 'test' },
    emit: () => undefined,
    ...deps,
  });
  const p = createPacket();
  const probe = (port: number, src = 0xcb007105 /* 203.0.113.5 */) => {
    p.family = 4;
    p.ts = Date.now() * 1000;
    p.src4 = src;
    p.dst4 = 0x7f000001; // one of our own addresses (loopback)
    p.proto = IPPROTO_TCP;
    p.tcpFlags = TCP_SYN;
    p.dstPort = port;
    watcher.onPacket(p);
  };
  const done = async () => {
    await watcher.drain();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, ctx, banSet, lines, watcher, probe, done };
}

test('a scanner whose kernel ban ended (timeout or unban) is banned again when it scans again', async () => {
  const w = setup({});
  try {
    w.probe(1);
    await w.watcher.drain(false);
    assert.deepEqual(
      w.banSet.adds.map((e) => e.target),
      ['203.0.113.5'],
    );
    // The kernel's timeout ends the ban (or `portsentinel unban` lifts it) while the watch runs.
    w.banSet.held.clear();
    w.probe(2);
    await w.watcher.drain(false);
    w.probe(3);
    await w.watcher.drain(false);
    assert.deepEqual(
      w.banSet.adds.map((e) => e.target),
      ['203.0.113.5', '203.0.113.5'],
      w.lines.join('\n'),
    );
    assert.ok(w.banSet.held.has('203.0.113.5'));
  } finally {
    await w.done();
  }
});

test('a ban the kernel still holds stays "already blocked"', async () => {
  const w = setup({});
  try {
    w.probe(1);
    await w.watcher.drain(false);
    w.probe(2);
    await w.watcher.drain(false);
    w.probe(3);
    await w.watcher.drain(false);
    assert.equal(w.banSet.adds.length, 1);
    assert.ok(w.lines.some((l) => /already blocked/.test(l)));
  } finally {
    await w.done();
  }
});

test('BLOCK_TCP="2" runs KILL_RUN_CMD and writes the HISTORY_FILE line, as PortSentry did, but no journal ban', async () => {
  const w = setup({ blockTcp: 2, killRunCmd: 'true' }, 'portsentry.history');
  try {
    w.probe(1);
    await w.watcher.drain(false);
    assert.equal(w.banSet.adds.length, 0);
    const history = w.ctx.historyFile!;
    assert.ok(existsSync(history), w.lines.join('\n'));
    assert.match(
      readFileSync(history, 'utf8'),
      /^\d+ - .* Host: 203\.0\.113\.5\/203\.0\.113\.5 Port: 1 TCP Blocked\n$/,
    );
    assert.equal(existsSync(join(w.dir, 'journal.jsonl')), false);
  } finally {
    await w.done();
  }
});

test('BLOCK_TCP="2" with a KILL_RUN_CMD the shell cannot run writes no history line', async () => {
  const w = setup({ blockTcp: 2, killRunCmd: '/nonexistent/portsentinel-no-such-command' }, 'portsentry.history');
  try {
    w.probe(1);
    await w.watcher.drain(false);
    assert.equal(existsSync(w.ctx.historyFile!), false);
  } finally {
    await w.done();
  }
});

test('a ban lifted (unban) between the kernel add and its journal line is not journaled, and the source is judged afresh', async () => {
  const w = setup({});
  try {
    // `portsentinel unban` runs right after the kernel took the ban, before the watch could journal it.
    const add = w.banSet.add.bind(w.banSet);
    w.banSet.add = async (list, timeouts) => {
      await add(list, timeouts);
      for (const t of list.texts()) w.banSet.held.delete(t);
    };
    w.probe(1);
    await w.watcher.drain(false);
    assert.equal(w.banSet.adds.length, 1);
    const journal = join(w.dir, 'journal.jsonl');
    assert.ok(!existsSync(journal) || !readFileSync(journal, 'utf8').includes('"op":"ban"'), 'no ban journaled');
    // The next probe is a new detection, not "already blocked"; this time the ban stays and is journaled.
    w.banSet.add = add;
    w.probe(2);
    await w.watcher.drain(false);
    assert.equal(w.banSet.adds.length, 2, w.lines.join('\n'));
    assert.match(readFileSync(journal, 'utf8'), /"op":"ban".*"target":"203\.0\.113\.5"/);
  } finally {
    await w.done();
  }
});

test('the never-ban lists are gathered again while watching, so a gateway that changed is not banned', async () => {
  let gathered = 0;
  // The host's lists as the system would give them: at first nothing, then a new default gateway, 203.0.113.5.
  let hosts: Array<{ address: string; family: 4; bytes: Uint8Array; why: string }> = [];
  const w = setup({}, undefined, {
    gatherMatcher: () => {
      gathered++;
      return buildNeverBanMatcher({ hosts, ignore: [] });
    },
  });
  try {
    w.probe(1, 0xcb007106); // 203.0.113.6
    await w.watcher.drain(false);
    hosts = [
      { address: '203.0.113.5', family: 4, bytes: parseAddress('203.0.113.5')!.bytes, why: 'a default gateway' },
    ];
    w.watcher.refreshNeverBan(); // what the timer does every NEVER_BAN_REREAD_MS
    assert.equal(gathered, 1);
    w.probe(1); // 203.0.113.5, a decoy naming the new gateway
    await w.watcher.drain(false);
    assert.deepEqual(
      w.banSet.adds.map((e) => e.target),
      ['203.0.113.6'],
      w.lines.join('\n'),
    );
    assert.ok(
      w.lines.some((l) => /203\.0\.113\.5.*never/.test(l)),
      w.lines.join('\n'),
    );
  } finally {
    await w.done();
  }
});

test('a KILL_ROUTE that exits non-zero is a failure: not blocked, not journaled, no "already blocked" after it', async () => {
  const w = setup({ killRoute: 'echo no route >&2; exit 1' }, 'portsentry.history', { blockBackend: 'command' });
  const events: Array<Record<string, unknown>> = [];
  (w.watcher as unknown as { deps: WatcherDeps }).deps.emit = (e) => events.push(e as Record<string, unknown>);
  (w.watcher as unknown as { deps: WatcherDeps }).deps.opts.json = true;
  try {
    w.probe(1);
    await w.watcher.drain(false);
    w.probe(2);
    await w.watcher.drain(false);
    const log = w.lines.join('\n');
    assert.match(log, /ERROR: KILL_ROUTE for host 203\.0\.113\.5 failed: command exited with status 1 \(no route\)/);
    assert.doesNotMatch(log, /has been blocked/);
    assert.doesNotMatch(log, /already blocked/);
    const responses = events.filter((e) => e.event === 'response');
    assert.ok(responses.length >= 1);
    for (const r of responses) {
      assert.equal(r.blocked, false);
      const step = (r.actions as Array<{ kind: string; ok?: boolean }>).find((a) => a.kind === 'kill-route');
      assert.equal(step?.ok, false);
    }
    assert.equal(existsSync(join(w.dir, 'journal.jsonl')), false);
    assert.equal(existsSync(w.ctx.historyFile!), false);
  } finally {
    await w.done();
  }
});

test('rate cap: a multi-port scanner outranks a one-probe ban of the full window, which is lifted for it', async () => {
  const w = setup({ maxBansPerMinute: 2 });
  const events: Array<Record<string, unknown>> = [];
  (w.watcher as unknown as { deps: WatcherDeps }).deps.emit = (e) => events.push(e as Record<string, unknown>);
  (w.watcher as unknown as { deps: WatcherDeps }).deps.opts.json = true;
  try {
    // Three spoofed one-probe sources fill the window (2) and one is refused.
    for (const src of [0xc6336401, 0xc6336402, 0xc6336403]) {
      w.probe(23, src);
      await w.watcher.drain(false);
    }
    assert.deepEqual([...w.banSet.held].sort(), ['198.51.100.1', '198.51.100.2']);
    assert.ok(
      w.lines.some((l) => /198\.51\.100\.3 refused \(rate cap\)/.test(l)),
      w.lines.join('\n'),
    );
    // The scanner's first probe ties with the weakest ban (one port): refused. Its second port outranks it.
    w.probe(1);
    await w.watcher.drain(false);
    assert.ok(!w.banSet.held.has('203.0.113.5'));
    w.probe(2);
    await w.watcher.drain(false);
    assert.ok(w.banSet.held.has('203.0.113.5'), w.lines.join('\n'));
    assert.equal(w.banSet.held.size, 2, 'the window never holds more bans than the cap');
    assert.equal(w.banSet.peak, 2, 'the weaker ban left the kernel before the stronger one entered it');
    assert.deepEqual([...w.banSet.held].sort(), ['198.51.100.2', '203.0.113.5'], 'the oldest one-probe ban went');
    const log = w.lines.join('\n');
    assert.match(log, /Host 198\.51\.100\.1 ban lifted to make room for 203\.0\.113\.5/);
    // The detection and its block line come first, the lift after them.
    const at = (re: RegExp) => w.lines.findIndex((l) => re.test(l));
    assert.ok(at(/from host: 203\.0\.113\.5\/203\.0\.113\.5 to TCP port: 2$/) < at(/203\.0\.113\.5 has been blocked/));
    assert.ok(at(/203\.0\.113\.5 has been blocked/) < at(/ban lifted to make room/));
    assert.doesNotMatch(log, /already blocked/);
    const journal = readFileSync(join(w.dir, 'journal.jsonl'), 'utf8');
    assert.match(journal, /"op":"unban","target":"198\.51\.100\.1"/);
    assert.ok(events.some((e) => e.event === 'lifted' && e.address === '198.51.100.1' && e.for === '203.0.113.5'));
    const refused = events.filter((e) => e.event === 'alert' && e.verdict === 'refused').map((e) => e.address);
    assert.deepEqual(refused, ['198.51.100.3', '203.0.113.5']);
    // Its later probes are "already blocked": now it is in the kernel. (A new second of the log's budget first.)
    (w.watcher as unknown as { tick(): void }).tick();
    w.probe(3);
    await w.watcher.drain(false);
    assert.match(w.lines.join('\n'), /203\.0\.113\.5\/203\.0\.113\.5 is already blocked/);
  } finally {
    await w.done();
  }
});

test('rate cap: a refused source that keeps probing is banned once the window has room', async () => {
  let now = 1_000_000;
  const realNow = Date.now;
  Date.now = () => now;
  const w = setup({ maxBansPerMinute: 1 });
  try {
    w.probe(23, 0xc6336401);
    await w.watcher.drain(false);
    w.probe(23, 0xc6336402);
    await w.watcher.drain(false);
    assert.deepEqual([...w.banSet.held], ['198.51.100.1']);
    now += 61_000;
    w.probe(23, 0xc6336402); // still probing
    await w.watcher.drain(false);
    assert.deepEqual([...w.banSet.held].sort(), ['198.51.100.1', '198.51.100.2'], w.lines.join('\n'));
  } finally {
    Date.now = realNow;
    await w.done();
  }
});

test('a random-source flood against a full window is summarised, not logged line by line', async () => {
  const w = setup({ maxBansPerMinute: 2 });
  try {
    for (let i = 0; i < 2000; i++) w.probe(23, (0x0a000000 + i) >>> 0);
    await w.watcher.drain(false);
    (w.watcher as unknown as { tick(): void }).tick();
    // Two bans (a detection line and a block line each), a few refusals logged one by one, one summary.
    assert.ok(w.lines.length <= 4 + 2 * 3 + 1, w.lines.join('\n'));
    assert.match(w.lines.at(-1)!, /last 1 s, not logged one by one: \d+ refused \(rate cap\)/);
    assert.equal(w.banSet.held.size, 2);
  } finally {
    await w.done();
  }
});
