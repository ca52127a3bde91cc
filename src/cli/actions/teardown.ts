// What `teardown` does once its arguments are parsed: remove portsentinel's own kernel objects, keep the journal.
import type { TeardownOutcome } from '../../bans/setup.js';
import type { CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export async function teardown(flags: SharedBanFlags, io: CommandIO): Promise<TeardownOutcome> {
  announceConfig(flags.config, io);
  const [{ withContext }, { teardownBackend }, { formatTeardown }] = await Promise.all([
    import('../../bans/context.js'),
    import('../../bans/setup.js'),
    import('../render/setup-text.js'),
  ]);
  const result = await withContext(contextOptions(flags), (ctx) => teardownBackend(ctx));
  io.log(formatTeardown(result));
  return result;
}
