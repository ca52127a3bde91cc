// What `setup` does once its arguments are parsed: create or repair (and restore), or print the document.
import type { SetupResult } from '../../bans/run-setup.js';
import type { CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export interface SetupFlags extends SharedBanFlags {
  restore?: boolean;
  'dry-run'?: boolean;
}

export async function setup(flags: SetupFlags, io: CommandIO): Promise<SetupResult> {
  announceConfig(flags.config, io);
  const [{ runSetup }, { formatSetup }] = await Promise.all([
    import('../../bans/run-setup.js'),
    import('../render/setup-text.js'),
  ]);
  const result = await runSetup(contextOptions(flags), {
    restore: flags.restore === true,
    dryRun: flags['dry-run'] === true,
  });
  io.log(formatSetup(result));
  return result;
}
