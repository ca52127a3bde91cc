// `portsentinel setup`: create or repair the kernel objects; --restore re-applies the journal; --dry-run prints
// the nftables document without applying it.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { contextOptions } from '../cli/actions/shared.js';
import { sharedFlags } from '../cli/flags.js';
import type { SetupResult } from '../bans/run-setup.js';

export default class Setup extends BaseCommand<SetupResult> {
  static override summary = 'Create or repair the ban table (or route fallback); --restore re-applies journal bans';
  static override examples = [
    '<%= config.bin %> setup',
    '<%= config.bin %> setup --restore',
    '<%= config.bin %> setup --dry-run',
  ];
  static override flags = {
    ...sharedFlags,
    restore: Flags.boolean({
      description: 're-apply every unexpired journal ban, with the time it has left (after a reboot or flush)',
      default: false,
    }),
    'dry-run': Flags.boolean({
      description: 'print the nftables JSON document instead of applying it',
      default: false,
    }),
  };

  async run(): Promise<SetupResult> {
    const { flags } = await this.parse(Setup);
    const { runSetup, formatSetup } = await import('../bans/run-setup.js');
    const result = await runSetup(contextOptions(flags), { restore: flags.restore, dryRun: flags['dry-run'] });
    this.log(formatSetup(result));
    return result;
  }
}
