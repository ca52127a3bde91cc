// What `status` does once its arguments are parsed: read the backend, kernel and journal state, print it.
import type { StatusOutcome } from '../../bans/status.js';
import type { CommandIO } from '../output.js';
import { announceConfig, contextOptions, type SharedBanFlags } from './shared.js';

export async function status(flags: SharedBanFlags, io: CommandIO): Promise<StatusOutcome> {
  announceConfig(flags.config, io);
  const [{ withContext }, { readStatus }, { formatStatus }] = await Promise.all([
    import('../../bans/context.js'),
    import('../../bans/status.js'),
    import('../render/status-text.js'),
  ]);
  const result = await withContext(contextOptions(flags), (ctx) => readStatus(ctx));
  io.log(formatStatus(result));
  return result;
}
