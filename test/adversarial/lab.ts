// A throwaway host for the adversarial suite: one network namespace with an address, a default gateway and
// loopback, a root-owned state directory and config under a private temporary directory, and the CLI run inside.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Netns } from '../helpers/netns.js';
import { binRun, runCli, type CliResult } from '../helpers/cli.js';

export interface Lab {
  ns: Netns;
  /** The private temporary directory (0755: a test may run a command as another user inside it). */
  root: string;
  stateDir: string;
  config: string;
  ignore: string;
  /** --state-dir, --config and --backend as the lab's commands pass them. */
  flags: string[];
  /** Runs the CLI in the namespace with --state-dir and --config (and --backend when given). */
  cli(args: string[], opts?: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number }): CliResult;
  /** `nft list ruleset` / `ip route` inside the namespace. */
  nft(...args: string[]): string;
  cleanup(): void;
}

/** The host's own address and its gateway, as the never-ban rules find them in the namespace. */
export const HOST = '192.0.2.10';
export const GATEWAY = '192.0.2.1';

export function makeLab(backend?: 'nftables' | 'route', configText = ''): Lab {
  const ns = new Netns('psadv');
  try {
    ns.ip('link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1');
    ns.ip('link', 'set', 'd1', 'up');
    ns.ip('addr', 'add', `${HOST}/24`, 'dev', 'd0');
    ns.ip('link', 'set', 'd0', 'up');
    ns.ip('route', 'add', 'default', 'via', GATEWAY, 'dev', 'd0');
  } catch (err) {
    ns.delete();
    throw err;
  }
  const root = mkdtempSync(join(tmpdir(), 'pst-adv-'));
  chmodSync(root, 0o755);
  const stateDir = join(root, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  const ignore = join(root, 'ignore');
  writeFileSync(ignore, '192.0.2.20\n', { mode: 0o644 });
  const config = join(root, 'portsentry.conf');
  writeFileSync(config, `TCP_PORTS="1"\nUDP_PORTS="1"\nIGNORE_FILE="${ignore}"\nBAN_TIMEOUT="0"\n${configText}`, {
    mode: 0o644,
  });
  const base = ['--state-dir', stateDir, '--config', config, ...(backend ? ['--backend', backend] : [])];
  return {
    ns,
    root,
    stateDir,
    config,
    ignore,
    flags: base,
    cli: (args, opts = {}) => runCli([...args, ...base], { netns: ns.name, ...opts }),
    nft: (...args) => {
      const r = ns.run('nft', args);
      if (r.status !== 0) throw new Error(`nft ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    cleanup() {
      ns.delete();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The addresses and prefixes in portsentinel's nftables sets in the namespace. A listing that names an element
 * twice was walked across a resize of the set's hash table (which follows a large add), and lacks as many others:
 * it is read again until it names each once.
 */
export function kernelTargets(lab: Lab): Set<string> {
  for (let attempt = 1; ; attempt++) {
    const out = new Set<string>();
    let repeated = 0;
    let doc: { nftables: Array<Record<string, { name?: string; table?: string; elem?: unknown[] }>> };
    try {
      doc = JSON.parse(lab.nft('-j', 'list', 'table', 'inet', 'portsentinel'));
    } catch {
      return out;
    }
    for (const item of doc.nftables) {
      const set = item.set;
      if (!set?.elem) continue;
      const texts = set.elem.map(elemText);
      repeated += texts.length - new Set(texts).size;
      for (const text of texts) out.add(text);
    }
    if (repeated === 0) return out;
    if (attempt >= 10) throw new Error(`nft listed ${repeated} set elements twice, ${attempt} times in a row`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100 * attempt);
  }
}

function elemText(e: unknown): string {
  if (typeof e === 'string') return e;
  const o = e as Record<string, unknown>;
  if (o.prefix) {
    const p = o.prefix as { addr: string; len: number };
    return `${p.addr}/${p.len}`;
  }
  if (o.elem) return elemText((o.elem as { val: unknown }).val);
  if (o.range) {
    const [a] = o.range as string[];
    return a;
  }
  return JSON.stringify(e);
}

export function ok(r: CliResult): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

/** Starts the CLI in the lab's namespace without waiting for it (a watch, or a ban to be killed midway). */
export function spawnCli(lab: Lab, args: string[]): ChildProcessByStdio<null, Readable, Readable> {
  const child = spawn('ip', ['netns', 'exec', lab.ns.name, process.execPath, binRun, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Flowing from the start, so output nobody reads never fills a pipe and stalls the child; a caller's own
  // 'data' listener, attached before any output can arrive, still sees all of it.
  child.stdout.resume();
  child.stderr.resume();
  return child;
}
