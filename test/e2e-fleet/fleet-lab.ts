// A small fleet in network namespaces: a switch namespace holding a bridge, and hosts plugged into it by veth
// pairs made directly inside the namespaces (nothing appears on the host). Every host gets one address in
// 198.51.100.0/24 and one in 2001:db8::/64; a host asked to gets one in 203.0.113.0/24 too, which the others
// reach on the same link (documentation ranges).
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns } from '../helpers/netns.js';
import { binRun, repoRoot } from '../helpers/cli.js';

export interface Host {
  ns: Netns;
  /** 198.51.100.N */
  v4: string;
  /** 203.0.113.N (an address only the hosts made with `second` hold). */
  v4b: string;
  /** 2001:db8::N */
  v6: string;
}

export interface Fleet {
  dir: string;
  switchNs: Netns;
  host(name: string, n: number, second?: boolean): Host;
  close(): void;
}

export function openFleet(): Fleet {
  const dir = mkdtempSync(join(tmpdir(), 'ps-fleet-'));
  const switchNs = new Netns('pssw');
  switchNs.ip('link', 'add', 'br0', 'type', 'bridge');
  switchNs.ip('link', 'set', 'br0', 'up');
  const hosts: Netns[] = [];
  return {
    dir,
    switchNs,
    host(name, n, second = false) {
      const ns = new Netns(`ps${name}`);
      hosts.push(ns);
      const port = `p${n}`;
      execFileSync('ip', [
        'link',
        'add',
        'eth0',
        'netns',
        ns.name,
        'type',
        'veth',
        'peer',
        'name',
        port,
        'netns',
        switchNs.name,
      ]);
      switchNs.ip('link', 'set', port, 'master', 'br0');
      switchNs.ip('link', 'set', port, 'up');
      const host: Host = { ns, v4: `198.51.100.${n}`, v4b: `203.0.113.${n}`, v6: `2001:db8::${n}` };
      ns.ip('addr', 'add', `${host.v4}/24`, 'dev', 'eth0');
      if (second) ns.ip('addr', 'add', `${host.v4b}/24`, 'dev', 'eth0');

      ns.ip('addr', 'add', `${host.v6}/64`, 'dev', 'eth0', 'nodad');
      ns.ip('link', 'set', 'eth0', 'up');
      if (!second) ns.ip('route', 'add', '203.0.113.0/24', 'dev', 'eth0');
      return host;
    },
    close() {
      for (const ns of hosts) ns.delete();
      switchNs.delete();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A config file for a fleet member, with `keys` set. */
export function writeMemberConfig(dir: string, name: string, keys: Record<string, string>): string {
  const file = join(dir, `${name}.conf`);
  const all: Record<string, string> = {
    TCP_PORTS: '1,11,15,79,111,119,143,540,635,1080,1524,2000',
    UDP_PORTS: '1,7,9,69,161,162,513,635,640,641,700',
    BLOCK_TCP: '1',
    BLOCK_UDP: '1',
    SCAN_TRIGGER: '0',
    BAN_TIMEOUT: '1h',
    ...keys,
  };
  writeFileSync(
    file,
    Object.entries(all)
      .map(([k, v]) => `${k}="${v}"\n`)
      .join(''),
  );
  return file;
}

/** The CLI inside a namespace, to completion. */
export function cliIn(ns: Netns, args: string[], timeout = 60_000) {
  return spawnSync('ip', ['netns', 'exec', ns.name, process.execPath, binRun, ...args], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
    timeout,
  });
}

/** A long-running CLI process inside a namespace, its output collected. */
export interface Running {
  child: ChildProcess;
  output(): string;
  /** Resolves once `pattern` has appeared in the output (rejects after `ms`). */
  waitFor(pattern: RegExp, ms: number): Promise<void>;
  stop(): Promise<number | null>;
}

export function startIn(ns: Netns, args: string[]): Running {
  const child = spawn('ip', ['netns', 'exec', ns.name, process.execPath, binRun, ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  return {
    child,
    output: () => out,
    async waitFor(pattern, ms) {
      const deadline = Date.now() + ms;
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} within ${ms} ms; output:\n${out}`);
        if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before ${pattern}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const done = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await done;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Elements of one set of table inet portsentinel, as nft prints them. */
export function setElements(ns: Netns, set: string): string[] {
  const r = ns.run('nft', ['-j', 'list', 'set', 'inet', 'portsentinel', set]);
  if (r.status !== 0) return [];
  const doc = JSON.parse(r.stdout) as { nftables: Array<{ set?: { elem?: unknown[] } }> };
  const elems = doc.nftables.find((o) => o.set)?.set?.elem ?? [];
  return elems.map((e) => {
    const v = (e as { elem?: { val: unknown } }).elem?.val ?? e;
    if (typeof v === 'string') return v;
    const p = (v as { prefix?: { addr: string; len: number } }).prefix;
    if (p) return `${p.addr}/${p.len}`;
    const r2 = (v as { range?: [string, string] }).range;
    return r2 ? `${r2[0]}-${r2[1]}` : JSON.stringify(v);
  });
}

/** Polls until `check` is true, or fails after `ms`; returns the milliseconds it took. */
export async function within(ms: number, what: string, check: () => boolean): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    if (check()) return Date.now() - t0;
    if (Date.now() - t0 > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP listener inside a namespace on every address (a node one-liner), until stop(). */
export function listen(ns: Netns, port: number): { stop(): void } {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns.name,
      process.execPath,
      '-e',
      `require('net').createServer((s)=>{s.on('error',()=>{});s.end('hi\\n')}).listen({port:${port},host:'::'})`,
    ],
    { stdio: 'ignore' },
  );
  return { stop: () => void child.kill('SIGKILL') };
}

/** True when a TCP connection from `ns` (from `source`) to host:port completes within 1.5 s. */
export function connects(ns: Netns, host: string, port: number, source?: string): boolean {
  const script =
    `const s=require('net').connect({host:${JSON.stringify(host)},port:${port}${source ? `,localAddress:${JSON.stringify(source)}` : ''}});` +
    `s.setTimeout(1500,()=>process.exit(2));s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));`;
  return ns.run(process.execPath, ['-e', script], { timeout: 5000 }).status === 0;
}
