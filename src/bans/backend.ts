// Which ban set a command uses and why: --backend, else BAN_BACKEND from the config, else auto. The kernel
// backends are imported only when chosen so a command that never touches the kernel pays nothing for them.
import { join } from 'node:path';
import type { BanSetChoice } from '../config/backends.js';
import type { PortSentryConfig } from '../config/types.js';
import type { OpenedBanSet } from '../firewall/select.js';

export interface BackendDecision {
  choice: BanSetChoice;
  /** Why this choice, for `status`: "--backend flag", "BAN_BACKEND in /etc/portsentry/portsentry.conf", ... */
  why: string;
}

export function decideBackend(
  flag: BanSetChoice | undefined,
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
  sendFromThreadPool = false,
): Promise<OpenedBanSet> {
  const { openBanSet } = await import('../firewall/select.js');
  return openBanSet(decision.choice, {
    hooks: config.nftHooks,
    priority: config.nftPriority,
    file: join(stateDir, 'file-banset.json'),
    sendFromThreadPool,
  });
}
