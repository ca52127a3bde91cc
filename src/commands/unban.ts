// `portsentinel unban <addr|prefix ...> | --all`: lift bans from the kernel and the journal.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { sharedFlags } from '../cli/flags.js';
import type { UnbanOutcome } from '../bans/unban.js';

export default class Unban extends BaseCommand<UnbanOutcome> {
  static override summary = 'Lift bans from the kernel ban set and the journal';
  static override examples = ['<%= config.bin %> unban 192.0.2.66', '<%= config.bin %> unban --all'];
  static override strict = false;
  static override args = {
    targets: Args.string({ description: 'addresses or prefixes to unban', required: false, ignoreStdin: true }),
  };
  static override flags = {
    ...sharedFlags,
    all: Flags.boolean({ description: 'lift every ban (kernel and journal)', default: false }),
    file: Flags.string({ description: 'read targets from FILE, one per line (- for stdin)', helpValue: 'FILE' }),
  };

  async run(): Promise<UnbanOutcome> {
    const { argv, flags } = await this.parse(Unban);
    const { unban } = await import('../cli/actions/unban.js');
    return unban(flags, argv as string[], this.io());
  }
}
