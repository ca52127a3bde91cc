// Shared by the under-attack end-to-end tests: a spoofed random-source SYN flood (hping3 --rand-source) from the
// attacker namespace, the watch process's RSS, and the victim's ruleset, on top of the watch harness.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Lab } from '../e2e/watch-harness.js';

export interface Flood {
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * `hping3 -S --rand-source -p PORT -i uINTERVAL` against the victim: about 1e6/interval packets a second, each from
 * a random source. `port: 'sweep'` gives each packet the next destination port (`-p ++1`), so the kernel's
 * per-port share of the log rate does not thin the flood out. Bounded by `count` so a test that dies cannot leave
 * it running for long.
 */
export function startFlood(
  lab: Lab,
  target: string,
  opts: { port: number | 'sweep'; intervalUs: number; count: number },
): Flood {
  const child = spawn(
    'ip',
    [
      'netns',
      'exec',
      lab.attacker.name,
      'hping3',
      '-q',
      '-S',
      '--rand-source',
      '-p',
      opts.port === 'sweep' ? '++1' : String(opts.port),
      '-i',
      `u${opts.intervalUs}`,
      '-c',
      String(opts.count),
      target,
    ],
    { stdio: ['ignore', 'ignore', 'ignore'] },
  );
  const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await done;
    },
  };
}

/** Resident set size of a process, in KiB (0 once it is gone). */
export function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** True when the victim's input chain has its NFLOG rules and its drop rules again. */
export function chainComplete(lab: Lab): boolean {
  const r = lab.victim.run('nft', ['-j', 'list', 'chain', 'inet', 'portsentinel', 'input']);
  if (r.status !== 0) return false;
  return (r.stdout.match(/"log"/g) ?? []).length >= 2 && (r.stdout.match(/"drop"/g) ?? []).length >= 4;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
