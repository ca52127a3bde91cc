// `portsentinel bans list`: kernel truth merged with the journal, drift flagged.
import { Flags } from '@oclif/core';
import { BanCommand, contextOptions, RenderedJson, sharedFlags } from '../../bans/command.js';
import type { ListOutcome } from '../../bans/list.js';

export default class BansList extends BanCommand<ListOutcome | RenderedJson> {
  static override summary = 'List bans: the kernel set merged with the journal (why, when, until), drift flagged';
  static override examples = ['<%= config.bin %> bans list', '<%= config.bin %> bans list --json --family 6'];
  static override flags = {
    ...sharedFlags,
    family: Flags.option({ description: 'only IPv4 or only IPv6', options: ['4', '6'] as const })(),
  };

  async run(): Promise<ListOutcome | RenderedJson> {
    const { flags } = await this.parse(BansList);
    const [{ withContext }, { listBans, listBansJson }] = await Promise.all([
      import('../../bans/context.js'),
      import('../../bans/list.js'),
    ]);
    const family = flags.family === undefined ? undefined : (Number(flags.family) as 4 | 6);
    if (this.jsonEnabled()) {
      // The document is written straight from the merge: 100k rows never become objects.
      return new RenderedJson(await withContext(contextOptions(flags), (ctx) => listBansJson(ctx, family)));
    }
    const result = await withContext(contextOptions(flags), (ctx) => listBans(ctx, family));
    if (!this.jsonEnabled()) {
      const { formatBanTable } = await import('../../bans/table.js');
      this.log(formatBanTable(result));
    }
    return result;
  }
}
