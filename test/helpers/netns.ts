// Throwaway network namespaces for kernel tests: unique names, deleted afterwards, never the host's own stack.
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { toolSkipReason } from './tools.js';

export const isRoot = process.getuid?.() === 0;

/**
 * `t.skip` reason when the kernel tests cannot run here: not root, or a program they drive is missing.
 * Under CI=true nothing may be skipped: a gap is an error there (see tools.ts).
 */
export function kernelSkipReason(...programs: string[]): string | false {
  if (!isRoot) {
    if (process.env.CI === 'true') throw new Error('kernel and end-to-end tests must run as root in CI');
    return 'needs root (network namespaces); CI runs these as root';
  }
  return toolSkipReason('ip', 'nft', ...programs);
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export class Netns {
  readonly name: string;

  constructor(prefix = 'pst') {
    this.name = uniqueName(prefix);
    execFileSync('ip', ['netns', 'add', this.name]);
    this.ip('link', 'set', 'lo', 'up');
  }

  /** Runs `ip ARGS` inside the namespace. */
  ip(...args: string[]): string {
    return execFileSync('ip', ['-n', this.name, ...args], { encoding: 'utf8' });
  }

  /** Runs a command inside the namespace; throws on non-zero exit. */
  exec(cmd: string, args: string[], input?: string): string {
    return execFileSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 1 << 28,
    });
  }

  /** Runs a command inside the namespace and returns the whole result (no throw). */
  run(
    cmd: string,
    args: string[],
    opts: { input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
  ): SpawnSyncReturns<string> {
    return spawnSync('ip', ['netns', 'exec', this.name, cmd, ...args], {
      encoding: 'utf8',
      input: opts.input,
      env: opts.env ?? process.env,
      timeout: opts.timeout,
      maxBuffer: 1 << 28,
    });
  }

  delete(): void {
    spawnSync('ip', ['netns', 'del', this.name]);
  }
}

/**
 * Two hosts on one veth link (documentation ranges): `victim` 192.0.2.10 + 2001:db8::10,
 * `attacker` 192.0.2.66 and the extra addresses given, + 2001:db8::66.
 */
export function makeLink(extraAttackerV4: string[] = []): { victim: Netns; attacker: Netns; delete(): void } {
  const victim = new Netns('psv');
  const attacker = new Netns('psa');
  const vIf = 'v0';
  const aIf = 'a0';
  // Created directly inside the two namespaces: no interface ever appears on the host.
  execFileSync('ip', [
    'link',
    'add',
    vIf,
    'netns',
    victim.name,
    'type',
    'veth',
    'peer',
    'name',
    aIf,
    'netns',
    attacker.name,
  ]);
  victim.ip('addr', 'add', '192.0.2.10/24', 'dev', vIf);
  victim.ip('addr', 'add', '2001:db8::10/64', 'dev', vIf, 'nodad');
  attacker.ip('addr', 'add', '192.0.2.66/24', 'dev', aIf);
  for (const a of extraAttackerV4) attacker.ip('addr', 'add', `${a}/24`, 'dev', aIf);
  attacker.ip('addr', 'add', '2001:db8::66/64', 'dev', aIf, 'nodad');
  victim.ip('link', 'set', vIf, 'up');
  attacker.ip('link', 'set', aIf, 'up');
  return {
    victim,
    attacker,
    delete() {
      victim.delete();
      attacker.delete();
    },
  };
}
