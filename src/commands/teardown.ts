// `portsentinel teardown`: remove portsentinel's own table or routes, nothing else; the journal is kept.
import { BaseCommand } from '../base-command.js';
import { sharedFlags } from '../cli/flags.js';
import type { TeardownOutcome } from '../bans/setup.js';

export default class Teardown extends BaseCommand<TeardownOutcome> {
  static override summary = "Remove portsentinel's table (or routes) and nothing else; the journal is kept";
  static override examples = ['<%= config.bin %> teardown'];
  static override flags = { ...sharedFlags };

  async run(): Promise<TeardownOutcome> {
    const { flags } = await this.parse(Teardown);
    const { teardown } = await import('../cli/actions/teardown.js');
    return teardown(flags, this.io());
  }
}
