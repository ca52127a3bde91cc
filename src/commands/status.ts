// `portsentinel status`: backend and why, kernel support, table health, counts per set, drift.
import { BaseCommand } from '../base-command.js';
import { sharedFlags } from '../cli/flags.js';
import type { StatusOutcome } from '../bans/status.js';

export default class Status extends BaseCommand<StatusOutcome> {
  static override summary = 'Show the backend in use and why, kernel support, table health, ban counts and drift';
  static override examples = ['<%= config.bin %> status', '<%= config.bin %> status --json'];
  static override flags = { ...sharedFlags };

  async run(): Promise<StatusOutcome> {
    const { flags } = await this.parse(Status);
    const { status } = await import('../cli/actions/status.js');
    return status(flags, this.io());
  }
}
