// Which ban set a command uses and why: --backend, else BAN_BACKEND from the config, else auto. The kernel
// backends are imported only when chosen so a command that never touches the kernel pays nothing for them.
import { join } from 'node:path';
import type { BanSet } from '../firewall/banset.js';
import type { PortSentryConfig } from '../config/types.js';

export type BackendChoice = 'auto' | 'nftables' | 'route' | 'dry-run';
export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'nftables', 'route', 'dry-run'];

export interface BackendDecision {
  choice: BackendChoice;
  /** Why this choice, for `status`: "--backend flag", "BAN_BACKEND in /etc/portsentry/portsentry.conf", ... */
  why: string;
}

export function decideBackend(
  flag: BackendChoice | undefined,
  config: PortSentryConfig,
  configFile: string,
): BackendDecision {
  if (flag) return { choice: flag, why: '--backend flag' };
  if (config.banBackend === 'command') {
    // KILL_ROUTE is for detections in `watch`; manual bans still need a set we can list and lift.
    return { choice: 'auto', why: `BAN_BACKEND="command" in ${configFile} (manual bans use the automatic choice)` };
  }
  return { choice: config.banBackend, why: `BAN_BACKEND="${config.banBackend}" in ${configFile}` };
}

export async function openBackend(
  decision: BackendDecision,
  config: PortSentryConfig,
  stateDir: string,
): Promise<BanSet> {
  if (decision.choice === 'dry-run') {
    const { DryRunBanSet } = await import('../firewall/dry-run.js');
    return new DryRunBanSet(join(stateDir, 'dry-run-banset.json'));
  }
  const { openBanSet } = await import('../firewall/select.js');
  return openBanSet(decision.choice, { hooks: config.nftHooks, priority: config.nftPriority });
}

/** The selection's own reason ("nf_tables answered and nft is installed"), when the backend reports one. */
export function selectionReason(banSet: BanSet): string | undefined {
  return (banSet as BanSet & { selection?: { reason?: string } }).selection?.reason;
}
