// The flags every ban-set command takes (--config, --state-dir, --backend) and what they become.
import { existsSync } from 'node:fs';
import type { BanSetChoice } from '../../config/backends.js';
import { pickConfigPath } from '../../config/load.js';
import type { CommandIO } from '../output.js';

export interface SharedBanFlags {
  config?: string;
  'state-dir'?: string;
  backend?: string;
}

export function contextOptions(flags: SharedBanFlags) {
  return { config: flags.config, stateDir: flags['state-dir'], backend: flags.backend as BanSetChoice | undefined };
}

/**
 * A host with /etc/portsentry/portsentry.conf has it picked silently otherwise: when --config was not given, one
 * line on stderr says which configuration the command reads.
 */
export function announceConfig(config: string | undefined, io: Pick<CommandIO, 'warn'>): void {
  if (config !== undefined) return;
  const picked = pickConfigPath(undefined, existsSync);
  io.warn(
    picked === undefined
      ? 'no --config given: using the built-in configuration'
      : `no --config given: using ${picked} (--config embedded for the built-in one)`,
  );
}
