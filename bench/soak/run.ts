// Soak benchmark: a sustained spoofed random-source SYN flood (hping3 --rand-source) against the protected host,
// and a real nmap scanner starting during it. For portsentinel watch and for PortSentry 1.2 (Debian's
// portsentry, + iptables KILL_ROUTE, run as bench/latency runs it), each in fresh network namespaces, reports: RSS
// over time, log and event bytes (and lines) per second, and the time from the scanner's first probe to its ban,
// read from a capture on the protected side (the last reply the scanner got; "never" when it was answered to the
// end). The scanner sweeps 1,000 ports at 500 probes/s, so a ban within its 2 s shows as the host falling silent.
// Root only. usage: node dist/bench/soak/run.js [SECONDS=60] [SCANNER_AT=20] [PPS=2000]; SOAK_ONLY=portsentinel
// (or portsentry-1.2) runs one of the two.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Netns } from '../../test/helpers/netns.js';
import { startCapture } from '../../test/helpers/tcpdump.js';
import {
  ended,
  inLink,
  requireTools,
  SCANNER,
  sleep,
  spawnWatch,
  startPortsentry,
  VICTIM,
  writeLabConfig,
} from '../lab.js';
import { measureLeak, type Leak } from '../latency/leak.js';

const SECONDS = Number(process.argv[2] ?? 60);
const SCANNER_AT = Number(process.argv[3] ?? 20);
const PPS = Number(process.argv[4] ?? 2000);

interface Sample {
  t: number;
  rssKiB: number;
  logBytes: number;
  logLines: number;
  eventBytes: number;
}

interface Result {
  name: string;
  samples: Sample[];
  leak: Leak;
  /** The host stopped answering the scanner before its sweep ended. */
  banned: boolean;
}

function rssKiB(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The PortSentry daemon's pid: the process named portsentry among those of the victim's namespace. */
function portsentryPid(victim: Netns): number | undefined {
  const pids = spawnSync('ip', ['netns', 'pids', victim.name], { encoding: 'utf8' }).stdout.split('\n');
  for (const p of pids) {
    if (!p) continue;
    try {
      if (readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'portsentry') return Number(p);
    } catch {
      // gone
    }
  }
  return undefined;
}

/**
 * The common part of a run: flood for SECONDS, the scanner at SCANNER_AT, one sample a second. `counters` says how
 * much the defence has logged so far.
 */
async function soak(
  name: string,
  victim: Netns,
  attacker: Netns,
  dir: string,
  pid: () => number | undefined,
  counters: () => { logBytes: number; logLines: number; eventBytes: number },
): Promise<Result> {
  const pcap = join(dir, 'scanner.pcap');
  const td = await startCapture(victim, pcap, { snaplen: 96, filter: `host ${SCANNER}` });
  const interval = Math.max(1, Math.round(1e6 / PPS));
  const flood = spawn(
    'ip',
    [
      'netns',
      'exec',
      attacker.name,
      'hping3',
      '-q',
      '-S',
      '--rand-source',
      '-p',
      '23',
      '-i',
      `u${interval}`,
      '-c',
      String(PPS * (SECONDS + 5)),
      VICTIM,
    ],
    { stdio: 'ignore' },
  );
  const samples: Sample[] = [];
  const t0 = Date.now();
  let scan: ChildProcess | undefined;
  for (let s = 1; s <= SECONDS; s++) {
    await sleep(t0 + s * 1000 - Date.now());
    if (s === SCANNER_AT) {
      scan = spawn(
        'ip',
        [
          'netns',
          'exec',
          attacker.name,
          'nmap',
          '-n',
          '-Pn',
          '-sS',
          '-p',
          '1-1000',
          '--max-retries',
          '0',
          '--min-rate',
          '500',
          '--max-rate',
          '500',
          '-e',
          'a0',
          VICTIM,
        ],
        { stdio: 'ignore' },
      );
    }
    samples.push({ t: s, rssKiB: rssKiB(pid()), ...counters() });
  }
  flood.kill('SIGINT');
  if (scan) await ended(scan);
  td.kill('SIGINT');
  await Promise.all([ended(flood), ended(td)]);
  const leak = measureLeak(pcap, SCANNER, VICTIM);
  // Every probe of a closed port is answered (RST) until the ban: fewer answers than probes means a ban.
  return { name, samples, leak, banned: leak.answered < leak.probes };
}

async function runPortsentinel(dir: string): Promise<Result> {
  return inLink(async (link) => {
    const watch = spawnWatch(link.victim, dir, writeLabConfig(dir), ['--json'], ['ignore', 'pipe', 'pipe']);
    const c = { logBytes: 0, logLines: 0, eventBytes: 0 };
    let ready = false;
    watch.stdout?.on('data', (b: Buffer) => (c.eventBytes += b.length));
    watch.stderr?.on('data', (b: Buffer) => {
      c.logBytes += b.length;
      for (const x of b) if (x === 10) c.logLines++;
      if (!ready && b.includes(' ready\n')) ready = true;
    });
    for (let i = 0; i < 300 && !ready; i++) await sleep(100);
    if (!ready) throw new Error('portsentinel watch did not start');
    const r = await soak(
      'portsentinel',
      link.victim,
      link.attacker,
      dir,
      () => watch.pid,
      () => ({ ...c }),
    );
    watch.kill('SIGTERM');
    await ended(watch);
    return r;
  });
}

async function runPortsentry(dir: string): Promise<Result> {
  return inLink(async (link) => {
    writeLabConfig(dir);
    const ps = await startPortsentry(link.victim, dir);
    const pid = portsentryPid(link.victim);
    // PortSentry logs through syslog(3) and writes its blocked file: what it writes on disk is counted.
    const size = (f: string) => (existsSync(f) ? statSync(f).size : 0);
    const counters = () => ({
      logBytes: size(join(dir, 'portsentry.history')) + size(join(dir, 'hosts.deny')),
      logLines: 0,
      eventBytes: 0,
    });
    const r = await soak('portsentry-1.2', link.victim, link.attacker, dir, () => pid, counters);
    writeFileSync(join(dir, 'done'), '');
    await ended(ps);
    return r;
  });
}

function report(r: Result): void {
  const last = r.samples.at(-1)!;
  const at = (t: number) => r.samples.find((s) => s.t >= t) ?? last;
  console.log(`\n${r.name}`);
  console.log(
    `  RSS MiB by second: ${r.samples
      .filter((s) => s.t % 5 === 0 || s.t === 1)
      .map((s) => `${s.t}s=${(s.rssKiB / 1024).toFixed(1)}`)
      .join(' ')}`,
  );
  console.log(`  RSS growth 5 s -> ${last.t} s: ${((last.rssKiB - at(5).rssKiB) / 1024).toFixed(1)} MiB`);
  const secs = last.t;
  console.log(
    `  log ${(last.logBytes / secs).toFixed(0)} B/s (${(last.logLines / secs).toFixed(1)} lines/s), events ${(last.eventBytes / secs).toFixed(0)} B/s`,
  );
  console.log(
    `  scanner: ${r.leak.probes} probes seen, ${r.leak.answered} answered; first probe to ban ${r.banned ? `${r.leak.leakMs.toFixed(2)} ms` : 'never during the sweep (every probe answered)'}`,
  );
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the soak benchmark needs root (network namespaces)');
  requireTools(['hping3', 'nmap', 'tcpdump', '/usr/sbin/portsentry', '/sbin/iptables']);
  console.log(
    `flood ${PPS} pkt/s from random sources for ${SECONDS} s; nmap -sS -p 1-1000 at 500 probes/s from ${SCANNER} at ${SCANNER_AT} s`,
  );
  const only = process.env.SOAK_ONLY;
  for (const [name, fn] of [
    ['portsentinel', runPortsentinel],
    ['portsentry-1.2', runPortsentry],
  ] as const) {
    if (only && only !== name) continue;
    const dir = mkdtempSync(join(tmpdir(), `ps-soak-${name}-`));
    try {
      report(await fn(dir));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

await main();
