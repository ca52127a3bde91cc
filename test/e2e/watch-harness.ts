// Shared by the watch end-to-end tests: a victim/attacker pair from makeLink, a temp config and state dir,
// `portsentinel watch` started with the real CLI inside the victim namespace, and the kernel set read with nft.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeLink, type Netns } from '../helpers/netns.js';
import { binRun, repoRoot } from '../helpers/cli.js';
import { validate as validateWatchEvent } from '../../src/generated/watch-event.js';

export const VICTIM4 = '192.0.2.10';
export const VICTIM6 = '2001:db8::10';

export interface Lab {
  victim: Netns;
  attacker: Netns;
  dir: string;
  close(): void;
}

/** A fresh link and work directory; close() deletes both (call it in finally). */
export function openLab(extraAttackerV4: string[] = []): Lab {
  const link = makeLink(extraAttackerV4);
  const dir = mkdtempSync(join(tmpdir(), 'ps-e2e-'));
  return {
    victim: link.victim,
    attacker: link.attacker,
    dir,
    close() {
      link.delete();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A PortSentry-style config in `dir` (Debian's advanced modes), with `extra` lines appended (later keys win). */
export function writeConfig(dir: string, extra: Record<string, string> = {}): string {
  const keys: Record<string, string> = {
    TCP_PORTS: '1,11,15,79,111,119,143,540,635,1080,1524,2000',
    UDP_PORTS: '1,7,9,69,161,162,513,635,640,641,700',
    ADVANCED_PORTS_TCP: '1024',
    ADVANCED_PORTS_UDP: '1024',
    ADVANCED_EXCLUDE_TCP: '113,139',
    ADVANCED_EXCLUDE_UDP: '520,138,137,67',
    IGNORE_FILE: join(dir, 'portsentry.ignore'),
    HISTORY_FILE: join(dir, 'portsentry.history'),
    HOSTS_DENY_FILE: join(dir, 'hosts.deny'),
    BLOCK_TCP: '1',
    BLOCK_UDP: '1',
    KILL_HOSTS_DENY: 'ALL: $TARGET$ : DENY',
    SCAN_TRIGGER: '0',
    BAN_TIMEOUT: '1h',
    ...extra,
  };
  writeFileSync(join(dir, 'portsentry.ignore'), '127.0.0.1/32\n0.0.0.0\n');
  const file = join(dir, 'portsentry.conf');
  writeFileSync(
    file,
    Object.entries(keys)
      .map(([k, v]) => `${k}="${v}"\n`)
      .join(''),
  );
  return file;
}

export interface RunningWatch {
  child: ChildProcess;
  events: Array<Record<string, unknown>>;
  stderr(): string;
  /** SIGTERM, then the exit status once all output is read (inspect `events` after this). */
  stop(): Promise<number | null>;
}

/** Starts watch in the victim namespace with --json and resolves once its ready event arrived. */
export async function startWatch(lab: Lab, config: string, args: string[] = []): Promise<RunningWatch> {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      lab.victim.name,
      process.execPath,
      binRun,
      'watch',
      '--config',
      config,
      '--state-dir',
      join(lab.dir, 'state'),
      '--json',
      '--no-syslog',
      ...args,
    ],
    { cwd: repoRoot, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const events: Array<Record<string, unknown>> = [];
  let err = '';
  let buf = '';
  const invalid: string[] = [];
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  // 'close', not 'exit': every event written to stdout has been read by then.
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          const ev = JSON.parse(line) as Record<string, unknown>;
          events.push(ev);
          // Every event must match schemas/watch-event.schema.json; stop() reports those that did not.
          if (!validateWatchEvent(ev))
            invalid.push(`${line}: ${JSON.stringify((validateWatchEvent as unknown as { errors?: unknown }).errors)}`);
          if (ev.event === 'ready') resolve();
        } catch {
          // not an event line
        }
      }
    });
    void exited.then((code) => reject(new Error(`watch exited (${code}) before it was ready: ${err}`)));
  });
  await ready;
  return {
    child,
    events,
    stderr: () => err,
    async stop() {
      child.kill('SIGTERM');
      const code = await exited;
      if (invalid.length > 0) throw new Error(`watch --json events not matching the schema:\n${invalid.join('\n')}`);
      return code;
    },
  };
}

/** Runs `body` in a fresh lab (see openLab), closed after it whatever happens. */
export async function inLab<T>(body: (lab: Lab) => Promise<T>, extraAttackerV4: string[] = []): Promise<T> {
  const lab = openLab(extraAttackerV4);
  try {
    return await body(lab);
  } finally {
    lab.close();
  }
}

/**
 * Runs `body` while watch runs (see startWatch), stopped after it whatever happens; resolves to the stopped watch
 * (its events and log stay readable) and its exit status. When `body` fails, that failure is what is thrown.
 */
export async function whileWatching(
  lab: Lab,
  config: string,
  args: string[],
  body: (watch: RunningWatch) => Promise<void>,
): Promise<{ watch: RunningWatch; code: number | null }> {
  const watch = await startWatch(lab, config, args);
  try {
    await body(watch);
  } catch (err) {
    await watch.stop().catch(() => undefined);
    throw err;
  }
  return { watch, code: await watch.stop() };
}

/** Addresses in one of the kernel sets, read with `nft -j` inside the victim namespace. */
export function kernelSet(victim: Netns, set: 'banned4' | 'banned6'): string[] {
  const r = victim.run('nft', ['-j', 'list', 'set', 'inet', 'portsentinel', set]);
  if (r.status !== 0) return [];
  const doc = JSON.parse(r.stdout) as { nftables: Array<{ set?: { elem?: unknown[] } }> };
  const elems = doc.nftables.find((x) => x.set)?.set?.elem ?? [];
  return elems.map((e) => {
    if (typeof e === 'string') return e;
    const v = (e as { elem?: { val?: string } }).elem?.val;
    return String(v);
  });
}

/** Polls until `cond` holds; the bound only keeps a broken run from hanging, it is not what is tested. */
export async function waitFor(cond: () => boolean, boundMs = 15_000): Promise<boolean> {
  const end = Date.now() + boundMs;
  while (Date.now() < end) {
    // Yield first, so output from the watch process keeps being read.
    await new Promise((r) => setTimeout(r, 50));
    if (cond()) return true;
  }
  return cond();
}

/**
 * Runs nmap in the attacker namespace without blocking this process: watch's --json output must keep being read
 * while the scan runs, or a full pipe would stall it.
 */
export function nmap(lab: Lab, args: string[]): Promise<void> {
  const argv = ['netns', 'exec', lab.attacker.name, 'nmap', '-n', '-Pn', '--max-retries', '0', '--min-rate', '2000'];
  const child = spawn('ip', [...argv, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`nmap ${args.join(' ')} failed: ${err}`)))),
  );
}

/** A TCP listener in the victim namespace (a service, so no tripwire), until kill(). */
export function listen(lab: Lab, port: number): ChildProcess {
  return spawn('ip', [
    'netns',
    'exec',
    lab.victim.name,
    process.execPath,
    '-e',
    `require('net').createServer((s) => s.end()).listen(${port}, '::')`,
  ]);
}

/** True when a TCP connection from `source` to the victim's port opens within a few seconds. */
export function canConnect(lab: Lab, host: string, port: number, source: string): boolean {
  const script =
    `const s = require('net').connect({ host: ${JSON.stringify(host)}, port: ${port}, localAddress: ${JSON.stringify(source)} });` +
    `s.on('connect', () => process.exit(0)); s.on('error', () => process.exit(1)); setTimeout(() => process.exit(2), 3000);`;
  return lab.attacker.run(process.execPath, ['-e', script]).status === 0;
}

export function nftAvailable(): boolean {
  return spawnSync('nft', ['--version']).status === 0;
}
