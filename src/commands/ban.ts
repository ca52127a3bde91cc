// `portsentinel ban <addr|prefix ...>`: ban addresses or prefixes in one kernel batch, journaled.
import { Args, Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.js';
import { sharedFlags } from '../cli/flags.js';
import type { BanOutcome } from '../bans/ban.js';

export default class Ban extends BaseCommand<BanOutcome> {
  static override summary = 'Ban addresses or prefixes in the kernel ban set';
  static override description =
    'All targets (arguments, or one per line from --file; # comments allowed) go to the kernel in one batch. ' +
    "Never-ban addresses (loopback, this host's addresses, gateways, nameservers, the ignore list) are refused " +
    'unless --force.';
  static override examples = [
    '<%= config.bin %> ban 192.0.2.66 --timeout 1h --reason "ssh brute force"',
    '<%= config.bin %> ban --file blocklist.txt --timeout 7d',
    'cat list.txt | <%= config.bin %> ban --file -',
  ];
  static override strict = false;
  static override args = {
    targets: Args.string({
      description: 'addresses or prefixes (192.0.2.66, 2001:db8::/64)',
      required: false,
      ignoreStdin: true,
    }),
  };
  static override flags = {
    ...sharedFlags,
    timeout: Flags.string({
      description:
        'how long: 90s, 30m, 1h, 7d; 0 (any unit) or permanent never expires, as BAN_TIMEOUT="0" (default BAN_TIMEOUT)',
      helpValue: 'DURATION',
    }),
    reason: Flags.string({ description: 'why, kept in the journal and shown by bans list', helpValue: 'TEXT' }),
    file: Flags.string({ description: 'read targets from FILE, one per line (- for stdin)', helpValue: 'FILE' }),
    force: Flags.boolean({ description: 'ban even addresses the never-ban rules protect', default: false }),
  };

  async run(): Promise<BanOutcome> {
    const { argv, flags } = await this.parse(Ban);
    const { ban } = await import('../cli/actions/ban.js');
    return ban(flags, argv as string[], this.io());
  }
}
