// Leak-window benchmark: portsentinel watch vs PortSentry 1.2 (+ iptables KILL_ROUTE), each against the same
// fast SYN scan (hping3, one SYN every 200 µs to ports 1, 2, 3, ...), each run in fresh network namespaces,
// measured from a tcpdump capture on the protected side. usage: node dist/bench/latency/run.js [RUNS]
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  synSweep,
  VICTIM,
  writeLabConfig,
} from '../lab.js';
import { measureLeak, median, type Leak } from './leak.js';

const RUNS = Number(process.argv[2] ?? 5);

/** The lab's configuration, with a logging KILL_RUN_CMD after the block, as PortSentry runs it. */
function config(dir: string): string {
  return writeLabConfig(dir, [
    'KILL_RUN_CMD_FIRST="0"',
    `KILL_RUN_CMD="/bin/echo run $TARGET$ $PORT$ $MODE$ >> ${join(dir, 'actions.log')}"`,
  ]);
}

function waitForText(child: ChildProcess, re: RegExp, what: string): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready: ${seen}`)), 20_000);
    child.stderr?.on('data', (c: Buffer) => {
      seen += c.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

const capture = (victim: Netns, file: string) => startCapture(victim, file, { snaplen: 128, filter: 'not arp' });

async function runPortsentinel(dir: string): Promise<Leak> {
  return inLink(async (link) => {
    const watch = spawnWatch(link.victim, dir, config(dir), [], ['ignore', 'ignore', 'pipe']);
    await waitForText(watch, / ready\n/, 'portsentinel watch');
    const pcap = join(dir, 'capture.pcap');
    const td = await capture(link.victim, pcap);
    synSweep(link.attacker, VICTIM);
    await sleep(300);
    td.kill('SIGINT');
    watch.kill('SIGTERM');
    await Promise.all([ended(td), ended(watch)]);
    return measureLeak(pcap, SCANNER, VICTIM);
  });
}

async function runPortsentry(dir: string): Promise<Leak> {
  return inLink(async (link) => {
    config(dir);
    const ps = await startPortsentry(link.victim, dir);
    const pcap = join(dir, 'capture.pcap');
    const td = await capture(link.victim, pcap);
    synSweep(link.attacker, VICTIM);
    await sleep(300);
    td.kill('SIGINT');
    writeFileSync(join(dir, 'done'), '');
    await Promise.all([ended(td), ended(ps)]);
    return measureLeak(pcap, SCANNER, VICTIM);
  });
}

async function main(): Promise<void> {
  requireTools(['hping3', 'tcpdump', '/usr/sbin/portsentry', '/sbin/iptables']);
  const results: Record<string, Leak[]> = { portsentinel: [], 'portsentry-1.2': [] };
  for (let i = 0; i < RUNS; i++) {
    for (const [name, fn] of [
      ['portsentinel', runPortsentinel],
      ['portsentry-1.2', runPortsentry],
    ] as const) {
      const dir = mkdtempSync(join(tmpdir(), `ps-lat-${name}-`));
      try {
        const r = await fn(dir);
        results[name].push(r);
        console.log(
          `run ${i + 1} ${name.padEnd(15)} leak_ms=${r.leakMs.toFixed(2)} answered=${r.answered} probes=${r.probes}`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  const med = (name: string) => median(results[name].map((r) => r.leakMs));
  const ans = (name: string) => median(results[name].map((r) => r.answered));
  for (const name of Object.keys(results)) {
    const xs = results[name].map((r) => r.leakMs);
    console.log(
      `${name.padEnd(15)} median leak ${med(name).toFixed(2)} ms (min ${Math.min(...xs).toFixed(2)}, max ${Math.max(...xs).toFixed(2)}), median answered ${ans(name)}`,
    );
  }
  const a = med('portsentinel');
  console.log(`ratio portsentry-1.2 / portsentinel: ${a > 0 ? (med('portsentry-1.2') / a).toFixed(1) : 'inf'}x`);
}

await main();
