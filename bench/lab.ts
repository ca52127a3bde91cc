// The benchmarks' common ground: the lab's addresses and PortSentry-style configuration, and portsentinel watch or
// PortSentry 1.2 (Debian's, + iptables KILL_ROUTE, under bench/latency/portsentry-inner.sh) started in the victim
// namespace of a fresh link, each reading the same run directory.
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeLink, type Netns } from '../test/helpers/netns.js';
import { binRun, repoRoot } from '../test/helpers/cli.js';

export const VICTIM = '192.0.2.10';
export const SCANNER = '192.0.2.66';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `body` on a fresh victim/attacker link (see makeLink), deleted after it whatever happens. */
export async function inLink<T>(body: (link: { victim: Netns; attacker: Netns }) => Promise<T>): Promise<T> {
  const link = makeLink();
  try {
    return await body(link);
  } finally {
    link.delete();
  }
}

/** Resolves once the child has exited and its output is read (at once when it already has). */
export function ended(child: ChildProcess): Promise<void> {
  return child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('close', () => r()));
}

/** Throws naming the first of `tools` that is not installed. */
export function requireTools(tools: string[]): void {
  for (const tool of tools) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) throw new Error(`${tool} is not installed`);
  }
}

/**
 * Writes DIR/portsentry.conf (and its ignore file), which both defences read: hosts.deny and an iptables
 * KILL_ROUTE after the block, as PortSentry runs them, with `extra` lines (KEY="value") added. Returns its path.
 */
export function writeLabConfig(dir: string, extra: string[] = []): string {
  writeFileSync(join(dir, 'portsentry.ignore'), '127.0.0.1/32\n0.0.0.0\n');
  const file = join(dir, 'portsentry.conf');
  const lines = [
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
    ...extra,
    'SCAN_TRIGGER="0"',
    '',
  ];
  writeFileSync(file, lines.join('\n'));
  return file;
}

/** `portsentinel watch --config CONF` in the victim namespace, its state under DIR; `args` are added. */
export function spawnWatch(
  victim: Netns,
  dir: string,
  conf: string,
  args: string[],
  stdio: StdioOptions,
): ChildProcess {
  return spawn(
    'ip',
    [
      'netns',
      'exec',
      victim.name,
      process.execPath,
      binRun,
      'watch',
      '--config',
      conf,
      '--state-dir',
      join(dir, 'state'),
      ...args,
      '--no-syslog',
    ],
    { cwd: repoRoot, stdio },
  );
}

/**
 * PortSentry 1.2 on DIR/portsentry.conf in the victim namespace, resolved once it watches. It runs until DIR/done
 * is written; then wait for the returned child to end.
 */
export async function startPortsentry(victim: Netns, dir: string): Promise<ChildProcess> {
  const inner = join(repoRoot, 'bench', 'latency', 'portsentry-inner.sh');
  const ps = spawn(
    'ip',
    ['netns', 'exec', victim.name, 'unshare', '-m', '-p', '-f', '--mount-proc', 'bash', inner, dir],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const ready = join(dir, 'ready');
  for (let i = 0; i < 200 && !existsSync(ready); i++) await sleep(100);
  if (!existsSync(ready)) throw new Error('PortSentry did not start');
  return ps;
}

/** The fast SYN sweep: hping3, one SYN every 200 µs to ports 1, 2, 3, ... of `target`, 1,000 in all. */
export function synSweep(attacker: Netns, target: string): void {
  attacker.run('hping3', ['-q', '-S', '-p', '++1', '-i', 'u200', '-c', '1000', target], { timeout: 30_000 });
}
