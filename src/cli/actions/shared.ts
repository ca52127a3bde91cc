// The flags every ban-set command takes (--config, --state-dir, --backend) and what they become.
import type { BanSetChoice } from '../../config/backends.js';

export interface SharedBanFlags {
  config?: string;
  'state-dir'?: string;
  backend?: string;
}

export function contextOptions(flags: SharedBanFlags) {
  return { config: flags.config, stateDir: flags['state-dir'], backend: flags.backend as BanSetChoice | undefined };
}
