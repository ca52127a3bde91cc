// `portsentinel bans list`: kernel truth merged with the journal, drift flagged.
import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.js';
import { sharedFlags } from '../../cli/flags.js';
import type { ListOutcome } from '../../bans/list.js';
import type { RenderedJson } from '../../cli/output.js';

export default class BansList extends BaseCommand<ListOutcome | RenderedJson> {
  static override summary = 'List bans: the kernel set merged with the journal (why, when, until), drift flagged';
  static override examples = ['<%= config.bin %> bans list', '<%= config.bin %> bans list --json --family 6'];
  static override flags = {
    ...sharedFlags,
    family: Flags.option({ description: 'only IPv4 or only IPv6', options: ['4', '6'] as const })(),
  };

  async run(): Promise<ListOutcome | RenderedJson> {
    const { flags } = await this.parse(BansList);
    const { listBansCommand } = await import('../../cli/actions/bans-list.js');
    return listBansCommand(flags, this.io());
  }
}
