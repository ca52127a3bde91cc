// Leak-window benchmark: portsentinel watch vs PortSentry 1.2 (+ iptables KILL_ROUTE), each against the same
// fast SYN scan (hping3, one SYN every 200 µs to ports 1, 2, 3, ...), each run in fresh network namespaces,
// measured from a tcpdump capture on the protected side. usage: node dist/bench/latency/run.js [RUNS]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLink, type Netns } from '../../test/helpers/netns.js';
import { binRun, repoRoot } from '../../test/helpers/cli.js';
import { measureLeak, median, type Leak } from './leak.js';

const VICTIM = '192.0.2.10';
const SCANNER = '192.0.2.66';
const RUNS = Number(process.argv[2] ?? 5);

function config(dir: string): string {
  writeFileSync(join(dir, 'portsentry.ignore'), '127.0.0.1/32\n0.0.0.0\n');
  // The lab's configuration: hosts.deny and a logging KILL_RUN_CMD after the block, as PortSentry runs them.
  return [
    'TCP_PORTS="1,11,15,79,111,119,143,540,635,1080,1524,2000"',
    'UDP_PORTS="1,7,9,69,161,162,513,635,640,641,700"',
    'ADVANCED_PORTS_TCP="1024"',
    'ADVANCED_PORTS_UDP="1024"',
    'ADVANCED_EXCLUDE_TCP="113,139"',
    'ADVANCED_EXCLUDE_UDP="520,138,137,67"',
    `IGNORE_FILE="${join(dir, 'portsentry.ignore')}"`,
    `HISTORY_FILE="${join(dir, 'portsentry.history')}"`,
    `BLOCKED_FILE="${join(dir, 'portsentry.blocked')}"`,
    'RESOLVE_HOST="0"',
    'BLOCK_TCP="1"',
    'BLOCK_UDP="1"',
    'KILL_ROUTE="/sbin/iptables -I INPUT -s $TARGET$ -j DROP"',
    'KILL_HOSTS_DENY="ALL: $TARGET$ : DENY"',
    `HOSTS_DENY_FILE="${join(dir, 'hosts.deny')}"`,
    'KILL_RUN_CMD_FIRST="0"',
    `KILL_RUN_CMD="/bin/echo run $TARGET$ $PORT$ $MODE$ >> ${join(dir, 'actions.log')}"`,
    'SCAN_TRIGGER="0"',
    '',
  ].join('\n');
}

function waitForText(child: ChildProcess, stream: 'stdout' | 'stderr', re: RegExp, what: string): Promise<void> {
  let seen = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} not ready: ${seen}`)), 20_000);
    child[stream]?.on('data', (c: Buffer) => {
      seen += c.toString();
      if (re.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

async function waitForFile(file: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(file)) throw new Error(`${file} never appeared`);
}

function ended(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('close', () => r()));
}

async function capture(victim: Netns, file: string): Promise<ChildProcess> {
  const td = spawn('ip', [
    'netns',
    'exec',
    victim.name,
    'tcpdump',
    '-i',
    'v0',
    '-s',
    '128',
    '-U',
    '-n',
    '-w',
    file,
    'not arp',
  ]);
  await waitForText(td, 'stderr', /listening on/, 'tcpdump');
  return td;
}

function scan(attacker: Netns): void {
  attacker.run('hping3', ['-q', '-S', '-p', '++1', '-i', 'u200', '-c', '1000', VICTIM], { timeout: 30_000 });
}

async function runPortsentinel(dir: string): Promise<Leak> {
  const link = makeLink();
  try {
    const conf = join(dir, 'portsentry.conf');
    writeFileSync(conf, config(dir));
    const watch = spawn(
      'ip',
      [
        'netns',
        'exec',
        link.victim.name,
        process.execPath,
        binRun,
        'watch',
        '--config',
        conf,
        '--state-dir',
        join(dir, 'state'),
        '--no-syslog',
      ],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await waitForText(watch, 'stderr', / ready\n/, 'portsentinel watch');
    const pcap = join(dir, 'capture.pcap');
    const td = await capture(link.victim, pcap);
    scan(link.attacker);
    await new Promise((r) => setTimeout(r, 300));
    td.kill('SIGINT');
    watch.kill('SIGTERM');
    await Promise.all([ended(td), ended(watch)]);
    return measureLeak(pcap, SCANNER, VICTIM);
  } finally {
    link.delete();
  }
}

async function runPortsentry(dir: string): Promise<Leak> {
  const link = makeLink();
  try {
    writeFileSync(join(dir, 'portsentry.conf'), config(dir));
    const inner = join(repoRoot, 'bench', 'latency', 'portsentry-inner.sh');
    const ps = spawn(
      'ip',
      ['netns', 'exec', link.victim.name, 'unshare', '-m', '-p', '-f', '--mount-proc', 'bash', inner, dir],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    await waitForFile(join(dir, 'ready'));
    const pcap = join(dir, 'capture.pcap');
    const td = await capture(link.victim, pcap);
    scan(link.attacker);
    await new Promise((r) => setTimeout(r, 300));
    td.kill('SIGINT');
    writeFileSync(join(dir, 'done'), '');
    await Promise.all([ended(td), ended(ps)]);
    return measureLeak(pcap, SCANNER, VICTIM);
  } finally {
    link.delete();
  }
}

async function main(): Promise<void> {
  for (const tool of ['hping3', 'tcpdump', '/usr/sbin/portsentry', '/sbin/iptables']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed`);
  }
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
