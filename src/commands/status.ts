// `portsentinel status`: backend and why, kernel support, table health, counts per set, drift.
import { BaseCommand } from '../base-command.js';
import { contextOptions } from '../cli/actions/shared.js';
import { sharedFlags } from '../cli/flags.js';
import type { StatusOutcome } from '../bans/status.js';

export default class Status extends BaseCommand<StatusOutcome> {
  static override summary = 'Show the backend in use and why, kernel support, table health, ban counts and drift';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];
  static override flags = { ...sharedFlags };

  async run(): Promise<StatusOutcome> {
    const { flags } = await this.parse(Status);
    const [{ withContext }, { readStatus }, { formatStatus }] = await Promise.all([
      import('../bans/context.js'),
      import('../bans/status.js'),
      import('../bans/status-text.js'),
    ]);
    const result = await withContext(contextOptions(flags), (ctx) => readStatus(ctx));
    this.log(formatStatus(result));
    return result;
  }
}
