// `portsentinel teardown`: remove portsentinel's own table or routes, nothing else; the journal is kept.
import { BaseCommand } from '../base-command.js';
import { contextOptions } from '../cli/actions/shared.js';
import { sharedFlags } from '../cli/flags.js';
import type { TeardownOutcome } from '../bans/setup.js';

export default class Teardown extends BaseCommand<TeardownOutcome> {
  static override summary = "Remove portsentinel's table (or routes) and nothing else; the journal is kept";
  static override examples = ['<%= config.bin %> teardown'];
  static override flags = { ...sharedFlags };

  async run(): Promise<TeardownOutcome> {
    const { flags } = await this.parse(Teardown);
    const [{ withContext }, { teardownBackend }] = await Promise.all([
      import('../bans/context.js'),
      import('../bans/setup.js'),
    ]);
    const result = await withContext(contextOptions(flags), (ctx) => teardownBackend(ctx));
    this.log(
      `removed portsentinel's ${result.backend} objects (${result.removedBans} ban(s) held); ` +
        'the journal is kept: portsentinel setup --restore brings them back',
    );
    return result;
  }
}
