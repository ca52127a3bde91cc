// `portsentinel setup`: create or repair the kernel objects; --restore re-applies the journal; --dry-run prints
// the nftables document without applying it.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
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
    const { setup } = await import('../cli/actions/setup.js');
    return setup(flags, this.io());
  }
}
