// Bouncer benchmark: portsentinel `crowdsec pull` against Debian's crowdsec-firewall-bouncer (nftables mode), same
// Local API, same 1 s poll, each in its own network namespace. Kernel arrival is timed from nf_tables change
// notifications (listen.ts, a light `nft monitor elements`, in the bouncer's namespace), never by listing the sets.
//   1. COUNT startup decisions: start → all in the kernel; vs curl fetching the same startup stream
//   2. one new decision (cscli decisions add) → in the kernel, ROUNDS times: median and max
//   3. peak RSS (VmHWM) of each bouncer
//   4. a /24 range decision: banned whole, or only its first address
// Usage: sudo node dist/bench/crowdsec/run.js [COUNT] [ROUNDS] [STARTS]   (after npm run build)
//   STARTS: how many times portsentinel's startup is timed (from an empty set and state each time; default 1).
//   BENCH_REFERENCE=0 leaves the reference bouncer out (its startup alone takes minutes at 100,000).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeLapi } from '../../test/e2e-fleet/lapi.js';
import { cliIn, openFleet, startIn, writeMemberConfig, type Running } from '../../test/e2e-fleet/fleet-lab.js';
import type { Netns } from '../../test/helpers/netns.js';
import { fileURLToPath } from 'node:url';

const COUNT = Number(process.argv[2] ?? 100_000);
const ROUNDS = Number(process.argv[3] ?? 10);
const STARTS = Number(process.argv[4] ?? 1);
const REFERENCE = process.env.BENCH_REFERENCE !== '0';

const LISTENER = join(dirname(fileURLToPath(import.meta.url)), 'listen.js');

/** What listen.ts has seen in a namespace, on this process's performance.now() clock. */
interface Seen {
  /** Distinct IPv4 addresses added to any set so far. */
  total: number;
  /** When `total` last grew. */
  lastAt: number;
  /** When each address of a small datagram (a poll's new decision) was added. */
  named: Map<string, number>;
}

/** listen.ts in a namespace (it stamps each notification as it reads it, in epoch milliseconds). */
function monitor(ns: Netns): { seen: Seen; ready: Promise<void>; stop(): void; child: ChildProcess } {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, LISTENER], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Seen = { total: 0, lastAt: 0, named: new Map() };
  let rest = '';
  let isReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (isReady = r));
  child.stdout!.on('data', (b: Buffer) => {
    const text = rest + b.toString('latin1');
    if (text.includes('READY')) isReady();
    const cut = text.lastIndexOf('\n');
    rest = text.slice(cut + 1);
    for (const line of text.slice(0, cut + 1).split('\n')) {
      const parts = line.split(' ');
      const at = Number(parts[0]) - performance.timeOrigin;
      const total = Number(parts[1]);
      if (!Number.isFinite(at) || !Number.isFinite(total)) continue;
      if (total > seen.total) {
        seen.total = total;
        seen.lastAt = at;
      }
      for (let i = 2; i < parts.length; i++) if (!seen.named.has(parts[i])) seen.named.set(parts[i], at);
    }
  });
  child.stderr!.on('data', (b: Buffer) => {
    if (b.toString().includes('LOST')) console.error('the notification listener lost notifications: counts are low');
  });
  return { seen, ready, child, stop: () => void child.kill('SIGTERM') };
}

async function until(what: string, ms: number, check: () => boolean): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A command inside a namespace, awaited without blocking the event loop: the Local API's log is a pipe this process
 * drains, and the LAPI writes a line per stored decision — a parent stuck in spawnSync stops reading it, the pipe
 * fills (64 KiB, ~550 decisions) and every request then hangs on the LAPI's next log write.
 */
function runIn(
  ns: Netns,
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', ns.name, cmd, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stderr });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hwm = (pid: number) =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

async function main(): Promise<void> {
  const fleet = openFleet();
  const l = fleet.host('l', 1);
  const p = fleet.host('p', 20);
  const r = fleet.host('r', 30);
  // The Local API's sqlite on tmpfs: its inserts are not what is measured, and a disk shared with others is noisy.
  const lapiDir = mkdtempSync('/dev/shm/ps-bench-lapi-');
  const lapi = makeLapi(l.ns, l.v4, lapiDir);
  const stops: Array<() => unknown> = [];
  /**
   * ROUNDS times, one new decision added with cscli after a random pause: how long each bouncer (one listener's
   * view each) took to have it in the kernel, in seconds.
   */
  async function timeNewDecisions(views: Seen[]): Promise<number[][]> {
    const times = views.map((): number[] => []);
    for (let i = 0; i < ROUNDS; i++) {
      const ip = `192.0.2.${100 + i}`;
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 700));
      const added = await runIn(
        l.ns,
        'cscli',
        ['-c', lapi.config, 'decisions', 'add', '--ip', ip, '--duration', '1h'],
        60_000,
      );
      if (added.status !== 0) throw new Error(`cscli decisions add ${ip} failed: ${added.stderr}`);
      const t0 = performance.now();
      await until(`${ip} in the kernel`, 30_000, () => views.every((v) => v.named.has(ip)));
      views.forEach((v, k) => times[k].push((v.named.get(ip)! - t0) / 1000));
    }
    return times;
  }
  try {
    console.log('making bouncer keys');
    const psKey = lapi.addBouncer('portsentinel');
    const refKey = readFileSync(lapi.addBouncer('reference'), 'utf8').trim();
    const curlKey = readFileSync(lapi.addBouncer('curl'), 'utf8').trim();
    const machine = lapi.addMachine('loader');
    await lapi.start();
    console.log(`Local API up at ${lapi.url}`);
    let t = performance.now();
    const load = fileURLToPath(new URL('./load.js', import.meta.url));
    const loaded = await runIn(l.ns, process.execPath, [load, lapi.url, machine, String(COUNT)], 600_000);
    if (loaded.status !== 0) throw new Error(`loading decisions failed: ${loaded.stderr}${lapi.log().slice(-2000)}`);
    console.log(`loaded ${COUNT} decisions in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // curl: the same startup stream, fetched from the bouncer's side of the bridge.
    const curls: number[] = [];
    const firstBytes: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = performance.now();
      const c = spawnSync('ip', [
        'netns',
        'exec',
        p.ns.name,
        'curl',
        '-sf',
        '-o',
        '/dev/null',
        '-w',
        '%{time_starttransfer}',
        '-H',
        `X-Api-Key: ${curlKey}`,
        `${lapi.url}v1/decisions/stream?startup=true`,
      ]);
      if (c.status !== 0) throw new Error('curl failed');
      curls.push((performance.now() - t) / 1000);
      firstBytes.push(Number(c.stdout.toString()));
    }
    console.log(
      `curl startup stream: median ${median(curls).toFixed(2)} s (${curls.map((x) => x.toFixed(2)).join(', ')}), ` +
        `first byte after ${median(firstBytes).toFixed(2)} s`,
    );

    // portsentinel, STARTS times from an empty set and an empty state folder; the last one stays running.
    const conf = writeMemberConfig(fleet.dir, 'p', {
      CROWDSEC_LAPI_URL: lapi.url,
      CROWDSEC_BOUNCER_KEY_FILE: psKey,
      CROWDSEC_POLL_INTERVAL: '1s',
    });
    const psStarts: number[] = [];
    let monP = monitor(p.ns);
    let ps: Running | undefined;
    for (let i = 0; i < STARTS; i++) {
      const state = join(fleet.dir, `state-p${i}`);
      mkdirSync(state);
      p.ns.run('nft', ['delete', 'table', 'inet', 'portsentinel']);
      if (cliIn(p.ns, ['setup', '--config', conf, '--state-dir', state]).status !== 0) throw new Error('setup failed');
      monP.stop();
      monP = monitor(p.ns);
      await monP.ready;
      t = performance.now();
      const started = startIn(p.ns, ['crowdsec', 'pull', '--config', conf, '--state-dir', state]);
      ps = started;
      // Its own word that the startup list is applied (kernel and journal), beside what the listener saw.
      const t0 = t;
      const logged = started.waitFor(/\d+ ban\(s\) enforced/, 600_000).then(() => (performance.now() - t0) / 1000);
      const seen = monP.seen;
      await until('portsentinel startup', 600_000, () => seen.total >= COUNT);
      psStarts.push((seen.lastAt - t) / 1000);
      console.log(
        `portsentinel: ${COUNT} startup decisions in the kernel ${psStarts[i].toFixed(2)} s after start ` +
          `(its log line: ${(await logged).toFixed(2)} s)`,
      );
      if (i < STARTS - 1) await started.stop();
      else stops.push(() => started.stop());
    }
    stops.push(() => monP.stop());
    if (!ps) throw new Error('STARTS must be at least 1');
    const psStart = median(psStarts);
    if (!REFERENCE) {
      // One new decision at a time, portsentinel alone.
      const [lat] = await timeNewDecisions([monP.seen]);
      console.log(
        `one new decision → kernel (1 s poll, ${ROUNDS} rounds): portsentinel median ${median(lat).toFixed(2)} s, ` +
          `max ${Math.max(...lat).toFixed(2)} s`,
      );
      console.log(`peak RSS: portsentinel ${hwm(ps.child.pid!).toFixed(0)} MB`);
      console.log(
        `startup vs curl: portsentinel ${(psStart / median(curls)).toFixed(2)}x (median of ${STARTS}: ` +
          `${psStarts.map((x) => x.toFixed(2)).join(', ')} s)`,
      );
      return;
    }

    // The reference bouncer.
    const refConf = join(fleet.dir, 'reference.yaml');
    writeFileSync(
      refConf,
      [
        'mode: nftables',
        'update_frequency: 1s',
        'daemonize: false',
        'log_mode: stdout',
        'log_level: info',
        `api_url: ${lapi.url}`,
        `api_key: ${refKey}`,
        'disable_ipv6: false',
        'deny_action: DROP',
        'deny_log: false',
        'supported_decisions_types:',
        '  - ban',
        'nftables:',
        '  ipv4:',
        '    enabled: true',
        '    set-only: false',
        '    table: crowdsec',
        '    chain: crowdsec-chain',
        '  ipv6:',
        '    enabled: true',
        '    set-only: false',
        '    table: crowdsec6',
        '    chain: crowdsec6-chain',
        '',
      ].join('\n'),
    );
    const monR = monitor(r.ns);
    stops.push(monR.stop);
    await monR.ready;
    t = performance.now();
    const ref = spawn('ip', ['netns', 'exec', r.ns.name, 'crowdsec-firewall-bouncer', '-c', refConf], {
      stdio: 'ignore',
    });
    stops.push(() => ref.kill('SIGTERM'));
    let last = 0;
    // Its time grows with the square of the list: ~220 s for 100k on two idle cores, over 900 s on busy ones.
    await until('reference startup', 1_800_000, () => {
      const n = monR.seen.total;
      if (Math.floor(n / 10_000) > last) {
        last = Math.floor(n / 10_000);
        console.log(`  reference: ${n} in the kernel after ${((performance.now() - t) / 1000).toFixed(1)} s`);
      }
      return n >= COUNT;
    });
    const refStart = (monR.seen.lastAt - t) / 1000;
    console.log(`reference: ${COUNT} startup decisions in the kernel ${refStart.toFixed(2)} s after start`);

    // One new decision at a time, both bouncers listening.
    const [psLat, refLat] = await timeNewDecisions([monP.seen, monR.seen]);
    const fmt = (xs: number[]) => `median ${median(xs).toFixed(2)} s, max ${Math.max(...xs).toFixed(2)} s`;
    console.log(
      `one new decision → kernel (1 s poll, ${ROUNDS} rounds): portsentinel ${fmt(psLat)}; reference ${fmt(refLat)}`,
    );

    // A /24 range.
    lapi.cscli('decisions', 'add', '--range', '203.0.113.0/24', '--duration', '1h');
    await new Promise((r) => setTimeout(r, 3000));
    const psRange = p.ns
      .run('nft', ['list', 'set', 'inet', 'portsentinel', 'bannednet4'])
      .stdout.includes('203.0.113.0/24');
    const refSet = r.ns.run('nft', ['list', 'set', 'ip', 'crowdsec', 'crowdsec-blacklists']).stdout;
    const refRange = refSet.includes('203.0.113.0/24')
      ? 'whole /24'
      : refSet.includes('203.0.113.0')
        ? 'only 203.0.113.0'
        : 'absent';
    console.log(`/24 range decision: portsentinel ${psRange ? 'whole /24' : 'absent'}; reference ${refRange}`);

    console.log(`peak RSS: portsentinel ${hwm(ps.child.pid!).toFixed(0)} MB; reference ${hwm(ref.pid!).toFixed(0)} MB`);
    console.log(
      `startup vs curl: portsentinel ${(psStart / median(curls)).toFixed(2)}x (median of ${STARTS}); reference ${(refStart / median(curls)).toFixed(1)}x`,
    );
  } finally {
    for (const s of stops.reverse()) await s();
    await lapi.stop();
    fleet.close();
    rmSync(lapiDir, { recursive: true, force: true });
  }
}

await main();
